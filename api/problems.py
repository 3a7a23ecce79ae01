"""Every failure as an RFC 9457 problem response: a table from exception type to status, title and
problem type, looked up along the exception's class hierarchy (as Starlette maps exceptions). Only
the problems that carry members of their own are code; anything unknown is a 500 that names a
correlation id and logs the rest. A 500 is for faults of this code: what the database host fails
by itself is a 503 with Retry-After, also logged under a correlation id."""

import sys
import traceback
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from api.access import Forbidden
from api.endpoint import correlation_id
from domain.errors import NotFound, VersionConflict
from storage.database import (
    DatabaseBusy,
    DatabaseUnavailable,
    HostFailure,
    Misconfigured,
    SchemaMissing,
    StatementRefused,
)
from storage.idempotency import IdempotencyKeyReused
from storage.migrations import DATABASE_VERSION, SchemaOutdated
from web.bearer import Unauthorized
from web.http import Request, Response, problem_response
from web.idempotency_key import InvalidIdempotencyKey
from web.json_body import BodyTooLarge, MalformedBody, UnsupportedMediaType
from web.json_schema import ValidationFailed
from web.routing import MethodNotAllowed, NoRoute

MIGRATE_HINT = (
    "Apply migrations.sql: locally run"
    " `spin up --sqlite @migrations.sql --runtime-config-file ./local.toml`;"
    " on Fermyon Cloud run `spin cloud sqlite execute --database <name> @migrations.sql`;"
    " on SpinKube with Turso run `turso db shell <database> < migrations.sql`."
)
REFUSAL_HINT = (
    "A libSQL server (Turso, sqld) refuses PRAGMA secure_delete = ON, which writes send while the"
    ' Spin variable erasure is "overwrite" (the default): for such a database set it to "delete".'
)


@dataclass(frozen=True)
class Problem:
    status: int
    title: str
    type: str = "about:blank"
    detail: str = "{error}"  # formatted with the exception's message as `error`
    headers: Mapping[str, str] = field(default_factory=dict)
    logged: bool = False  # the cause goes to Spin's log under a correlation id, which the body names


RETRY = {"retry-after": "1"}


PROBLEMS: Mapping[type[Exception], Problem] = {
    MalformedBody: Problem(400, "Malformed request body", "/problems/malformed-body"),
    InvalidIdempotencyKey: Problem(400, "Malformed request header", "/problems/malformed-header"),
    Unauthorized: Problem(401, "Unauthorized", headers={"www-authenticate": "Bearer"}),
    Forbidden: Problem(403, "Forbidden", "/problems/forbidden"),
    NotFound: Problem(404, "Not Found"),
    NoRoute: Problem(404, "Not Found"),  # admin.AdminDisabled too: hidden admin routes look absent
    MethodNotAllowed: Problem(405, "Method Not Allowed"),
    VersionConflict: Problem(412, "Precondition Failed", "/problems/version-conflict"),
    BodyTooLarge: Problem(413, "Content Too Large"),
    UnsupportedMediaType: Problem(415, "Unsupported Media Type"),
    ValidationFailed: Problem(422, "Invalid fields", "/problems/invalid-fields"),
    IdempotencyKeyReused: Problem(422, "Idempotency key reused", "/problems/idempotency-key-reused"),
    SchemaOutdated: Problem(
        503,
        "Database schema out of date",
        "/problems/schema-outdated",
        f"{{error}} {MIGRATE_HINT}",
        {"cache-control": "no-store"},
    ),
    SchemaMissing: Problem(
        503,
        "Database schema missing",
        "/problems/schema-missing",
        f"The database lacks tables this code uses. {MIGRATE_HINT}",
    ),
    HostFailure: Problem(
        503,
        "Database unavailable",
        "/problems/database-failed",
        "The database failed the request, and nothing was written; retry shortly.",
        RETRY,
        logged=True,
    ),
    DatabaseBusy: Problem(
        503,
        "Service Unavailable",
        detail="The database is busy with other writes; retry shortly.",
        headers=RETRY,
        logged=True,
    ),
    DatabaseUnavailable: Problem(
        503,
        "Service Unavailable",
        detail="This component has no database labelled 'default'; see spin.toml and local.toml.",
    ),
    StatementRefused: Problem(
        503,
        "Database refused a statement",
        "/problems/statement-refused",
        f"The database host refused a statement: {{error:.300}}. {REFUSAL_HINT}",
        RETRY,
        logged=True,
    ),
    Misconfigured: Problem(503, "Service misconfigured", "/problems/misconfigured"),
}


def problem_for(error: Exception, request: Request) -> Response:
    problem = next((PROBLEMS[kind] for kind in type(error).__mro__ if kind in PROBLEMS), None)
    if problem is None:
        return internal_error(error, request)
    members, headers = _extras(error)
    if problem.logged:
        reference = correlation_id(request)
        print(f"correlation id {reference}: {request.method} {request.uri}: {error!r}", file=sys.stderr)
        members["correlationId"] = reference
    detail = problem.detail.format(error=str(error))
    return problem_response(
        problem.status, problem.title, detail, problem.type, {**problem.headers, **headers}, members
    )


def _extras(error: Exception) -> tuple[dict[str, object], dict[str, str]]:
    """The members and headers that only some problems carry."""
    match error:
        case ValidationFailed(errors=errors):
            return {"errors": [asdict(e) for e in errors]}, {}
        case SchemaOutdated(found=found):
            return {"schemaVersion": found, "requiredSchemaVersion": DATABASE_VERSION}, {}
        case MethodNotAllowed(allowed=allowed):
            return {}, {"allow": ", ".join(allowed)}
        case _:
            return {}, {}


def internal_error(error: Exception, request: Request) -> Response:
    """A 500 that names a correlation id and nothing else; the details go to Spin's log."""
    reference = correlation_id(request)
    print(f"correlation id {reference}: {request.method} {request.uri} failed", file=sys.stderr)
    traceback.print_exception(error, file=sys.stderr)
    detail = f"The request failed unexpectedly. Quote correlation id {reference} when reporting it."
    return problem_response(500, "Internal Server Error", detail, members={"correlationId": reference})
