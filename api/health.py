"""/healthz, for liveness and readiness probes: 200 when the database answers with a schema this
code serves, else a 503 problem saying why."""

from collections.abc import Mapping

from api.endpoint import Endpoint
from api.openapi import json_content, ref
from storage.database import Database
from storage.migrations import DATABASE_VERSION, require_current_schema
from web.http import Request, Response, json_response
from web.routing import Route


def get_health(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    document = {
        "status": "pass",
        "schemaVersion": require_current_schema(db),
        "requiredSchemaVersion": DATABASE_VERSION,
        "erasure": db.erasure.value,
    }
    return json_response(200, document, {"cache-control": "no-store"})


ROUTES: tuple[Route[Endpoint], ...] = (
    Route(
        "GET",
        "/healthz",
        get_health,
        {
            "operationId": "getHealth",
            "summary": "For liveness and readiness probes: the database answers and its schema is current",
            "responses": {"200": json_content("Healthy.", ref("schemas", "Health"))},
        },
    ),
)
