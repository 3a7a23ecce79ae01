"""Every route the service serves, each with its OpenAPI operation: the one list, from which the
router resolves requests and /openapi.json is generated."""

from collections.abc import Mapping

from api import admin, employees, health
from api.endpoint import Endpoint
from api.openapi import json_content, openapi_document
from storage.database import Database
from web.http import Request, Response, json_response
from web.routing import Route, Router


def get_openapi(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    return json_response(200, OPENAPI)


ROUTES: tuple[Route[Endpoint], ...] = (
    *employees.ROUTES,
    *admin.ROUTES,
    Route(
        "GET",
        "/openapi.json",
        get_openapi,
        {
            "operationId": "getOpenApi",
            "summary": "This document",
            "responses": {"200": json_content("OpenAPI 3.1.", {"type": "object"})},
        },
    ),
    *health.ROUTES,
)
ROUTER = Router(ROUTES)
# Built at import, so it is in the component's pre-initialized snapshot, not rebuilt per request.
OPENAPI = openapi_document(ROUTES)
