"""/admin/...: the projections' status and their rebuild, for operators. With API keys on they
need an admin key (api/access.py). Without keys they are hidden (404) while the Spin variable
admin_token is empty, and otherwise each request must carry that token as a bearer token."""

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any
from urllib.parse import parse_qs

from api.access import Role
from api.endpoint import Endpoint
from api.openapi import ADMIN_ERRORS, json_content, problem, ref
from commands.rebuild_projections import RebuildProjections, rebuild_projections
from queries.projection_status import projection_statuses
from storage.database import Database
from storage.projectors import PROJECTORS
from storage.transaction import transaction
from web.bearer import require_bearer
from web.http import Request, Response, json_response
from web.json_schema import ParameterError, Schema, ValidationFailed, validate
from web.routing import NoRoute, Route

PREFIX = "/admin/"
PROJECTOR: Schema = {"type": "string", "enum": [projector.name for projector in PROJECTORS]}


class AdminDisabled(NoRoute):
    """No admin token is configured: the admin routes do not exist (HTTP 404)."""


def authorize(request: Request, admin_token: str | None) -> None:
    if not admin_token:
        raise AdminDisabled(request.path)
    require_bearer(request.headers.get("authorization"), admin_token, "the admin token")


def get_projections(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    statuses = projection_statuses(db)
    return json_response(200, {"projectors": [camel_case(asdict(status)) for status in statuses]})


def post_rebuild(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    command = RebuildProjections(projector_parameter(request.query))
    with transaction(db) as tx:
        progress = rebuild_projections(command, tx)
    more = not all(step.done for step in progress)
    return json_response(200, {"projectors": [camel_case(asdict(step)) for step in progress], "more": more})


def projector_parameter(query: str) -> str | None:
    """The `projector` query parameter: None for all of them; ValidationFailed for an unknown one."""
    names = parse_qs(query, keep_blank_values=True).get("projector")
    if names is None:
        return None
    errors = [ParameterError("projector", error.detail) for error in validate(PROJECTOR, names[0])]
    if errors:
        raise ValidationFailed(errors)
    return names[0]


def camel_case(document: dict[str, Any]) -> dict[str, Any]:
    return {_camel(key): value for key, value in document.items()}


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


ROUTES: tuple[Route[Endpoint], ...] = (
    Route(
        "GET",
        "/admin/projections",
        get_projections,
        {
            "operationId": "getProjectionStatus",
            "summary": "Each projector's checkpoint, lag behind the log and row count",
            "responses": {
                "200": json_content("The projections.", ref("schemas", "Projections")),
                **ADMIN_ERRORS,
            },
        },
        requires=Role.ADMIN,
    ),
    Route(
        "POST",
        "/admin/projections/rebuild",
        post_rebuild,
        {
            "operationId": "rebuildProjections",
            "summary": "Replay the next chunk of the log into fresh views; repeat while `more` is true",
            "parameters": [
                {
                    "name": "projector",
                    "in": "query",
                    "description": "Rebuild only this projector (default: all).",
                    "schema": PROJECTOR,
                }
            ],
            "responses": {
                "200": json_content("Progress.", ref("schemas", "RebuildProgress")),
                "422": problem("Unknown projector."),
                **ADMIN_ERRORS,
            },
        },
        requires=Role.ADMIN,
    ),
)
