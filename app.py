"""The Spin HTTP component and composition root: routes each request to a command or a query,
renders results as JSON and every failure as an RFC 9457 problem, and adapts Spin's SQLite host
API to the domain's Database port. The only module that imports spin_sdk."""

import json
import re
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from spin_sdk import http, sqlite, variables
from spin_sdk.http import Request, Response
from spin_sdk.wit.imports.sqlite import (
    Connection,
    Error_Io,
    Value_Blob,
    Value_Integer,
    Value_Null,
    Value_Real,
    Value_Text,
)
from spin_sdk.wit.imports.sqlite import Value as SqliteValue
from spin_sdk.wit.types import Err

from commands.create_employee import CreateEmployee, create_employee
from commands.delete_employee import DeleteEmployee, delete_employee
from commands.rebuild_projection import RebuildProjections, UnknownProjector, rebuild_projections
from commands.update_employee import UpdateEmployee, update_employee
from domain.database import (
    Database,
    DatabaseBusy,
    DatabaseError,
    DatabaseUnavailable,
    Erasure,
    Row,
    SchemaMissing,
    StatementRefused,
    Value,
    error_from_message,
)
from domain.employee import Employee, EmployeeFields
from domain.errors import NotFound, ParameterError, ValidationFailed, VersionConflict
from domain.event_log import Metadata
from domain.migrations import SCHEMA_VERSION, SchemaOutdated, require_current_schema
from domain.schema import EMPLOYEE_INPUT, depth
from domain.transactions import transaction
from queries.employees import EmployeeSummary, employee, employees
from queries.history import HistoryEntry, history
from queries.projections import projection_statuses
from web.admin_auth import AdminDisabled, Unauthorized, authorize
from web.conditional import etag, expected_version, none_match
from web.idempotency import (
    IdempotencyKey,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
    StoredResponse,
    respond_once,
)
from web.idempotency import forget as forget_responses
from web.json_body import BodyTooLarge, MalformedBody, UnsupportedMediaType, parse_json_object
from web.openapi import openapi_document
from web.pagination import list_query, next_link
from web.routing import MethodNotAllowed, NoRoute, Route, Router

Endpoint = Callable[[Request, Database, Mapping[str, str]], Response]

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
EMPLOYEE_DEPTH = depth(EMPLOYEE_INPUT)


# Representations


def employee_json(found: Employee) -> dict[str, Any]:
    fields, address = found.fields, found.fields.address
    return {
        "id": found.id,
        "firstName": fields.first_name,
        "lastName": fields.last_name,
        "address": {"id": found.id, "street": address.street, "zip": address.zip, "city": address.city},
    }


def summary_json(summary: EmployeeSummary) -> dict[str, Any]:
    return {"id": summary.id, "name": summary.name, "city": summary.city}


def history_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "type": entry.type,
        "version": entry.version,
        "occurredAt": entry.occurred_at,
        "changes": [{"field": c.field, "from": c.before, "to": c.after} for c in entry.changes],
        "erased": entry.erased,
    }


_SNAKE_JOINT = re.compile(r"_(\w)")


def camel_case(document: dict[str, Any]) -> dict[str, Any]:
    return {_SNAKE_JOINT.sub(lambda m: m.group(1).upper(), key): value for key, value in document.items()}


def json_response(status: int, document: object, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, {"content-type": JSON, **(headers or {})}, body)


def employee_response(status: int, found: Employee, headers: Mapping[str, str] | None = None) -> Response:
    return json_response(status, employee_json(found), {"etag": etag(found.version), **(headers or {})})


def employee_body(request: Request) -> tuple[dict[str, Any], EmployeeFields]:
    """The POST/PUT body, parsed and validated: the raw document and the fields it sets."""
    document = parse_json_object(request.body, request.headers.get("content-type"), EMPLOYEE_DEPTH)
    return document, EmployeeFields.from_json(document)


# Endpoints


def list_employees(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    url = urlsplit(request.uri)
    page = employees(db, list_query(url.query))
    links = {"link": next_link(url.path, url.query, page.next)} if page.next else {}
    return json_response(200, [summary_json(summary) for summary in page.employees], links)


def get_employee(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    found = employee(db, params["id"])
    if found is None:
        raise NotFound(params["id"])
    if none_match(request.headers.get("if-none-match"), found.version):
        return Response(304, {"etag": etag(found.version)}, b"")
    return employee_response(200, found)


def post_employee(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    document, fields = employee_body(request)

    def create() -> Response:
        created = create_employee(CreateEmployee(fields), db, metadata(request))
        return employee_response(201, created, {"location": f"/employees/{created.id}"})

    key = request.headers.get("idempotency-key")
    if key is None:
        return create()
    stored, replayed = respond_once(
        db, IdempotencyKey.of(key, document), lambda: stored_response(create()), datetime.now(UTC)
    )
    return Response(stored.status, {**stored.headers, **_replayed(replayed)}, stored.body)


def put_employee(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    _, fields = employee_body(request)
    expected = expected_version(request.headers.get("if-match"))
    updated = update_employee(UpdateEmployee(params["id"], fields, expected), db, metadata(request))
    return employee_response(200, updated)


def delete_employee_endpoint(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    expected = expected_version(request.headers.get("if-match"))
    with transaction(db):  # the stored POST response holds personal data too: erase it with the rest
        delete_employee(DeleteEmployee(params["id"], expected), db, metadata(request))
        forget_responses(db, f"/employees/{params['id']}")
    return Response(204, {}, b"")


def get_history(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    entries = history(db, params["id"])
    if entries is None:
        raise NotFound(params["id"])
    return json_response(200, [history_json(entry) for entry in entries])


def get_projections(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    statuses = projection_statuses(db)
    return json_response(200, {"projectors": [camel_case(asdict(status)) for status in statuses]})


def post_rebuild(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    names = parse_qs(urlsplit(request.uri).query, keep_blank_values=True).get("projector")
    progress = rebuild_projections(RebuildProjections(names[0] if names else None), db)
    more = not all(step.done for step in progress)
    return json_response(200, {"projectors": [camel_case(asdict(step)) for step in progress], "more": more})


def get_openapi(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    return json_response(200, openapi_document())


def get_health(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    """For probes: 200 when the database answers with a schema this code serves, else a 503."""
    version = require_current_schema(db)
    document = {
        "status": "pass",
        "schemaVersion": version,
        "requiredSchemaVersion": SCHEMA_VERSION,
        "erasure": db.erasure.value,
    }
    return json_response(200, document, {"cache-control": "no-store"})


def stored_response(response: Response) -> StoredResponse:
    return StoredResponse(response.status, dict(response.headers), response.body or b"")


def _replayed(replayed: bool) -> dict[str, str]:
    return {"idempotent-replayed": "true"} if replayed else {}


ROUTER: Router[Endpoint] = Router(
    [
        Route("GET", "/employees", list_employees),
        Route("POST", "/employees", post_employee),
        Route("GET", "/employees/{id}", get_employee),
        Route("PUT", "/employees/{id}", put_employee),
        Route("DELETE", "/employees/{id}", delete_employee_endpoint),
        Route("GET", "/employees/{id}/history", get_history),
        Route("GET", "/admin/projections", get_projections),
        Route("POST", "/admin/projections/rebuild", post_rebuild),
        Route("GET", "/openapi.json", get_openapi),
        Route("GET", "/healthz", get_health),
    ]
)


# Errors: the one place where a failure becomes an HTTP problem


def problem(
    status: int,
    title: str,
    detail: str,
    kind: str = "about:blank",
    headers: Mapping[str, str] | None = None,
    **members: object,
) -> Response:
    document = {"type": kind, "title": title, "status": status, "detail": detail, **members}
    response = json_response(status, document, headers)
    response.headers["content-type"] = PROBLEM_JSON
    return response


def problem_for(error: Exception, request: Request) -> Response:
    match error:
        case MalformedBody():
            return problem(400, "Malformed request body", str(error), "/problems/malformed-body")
        case InvalidIdempotencyKey():
            return problem(400, "Malformed request header", str(error), "/problems/malformed-header")
        case ValidationFailed(errors=errors):
            return problem(
                422,
                "Invalid fields",
                f"{len(errors)} field(s) are missing or invalid.",
                "/problems/invalid-fields",
                errors=[asdict(e) for e in errors],
            )
        case IdempotencyKeyReused():
            return problem(422, "Idempotency key reused", str(error), "/problems/idempotency-key-reused")
        case BodyTooLarge():
            return problem(413, "Content Too Large", str(error))
        case UnsupportedMediaType():
            return problem(415, "Unsupported Media Type", str(error))
        case VersionConflict():
            return problem(412, "Precondition Failed", str(error), "/problems/version-conflict")
        case NotFound():
            return problem(404, "Not Found", str(error))
        case UnknownProjector():
            return problem(
                422,
                "Invalid fields",
                str(error),
                "/problems/invalid-fields",
                errors=[asdict(ParameterError("projector", "is not a projector of this service"))],
            )
        case Unauthorized():
            return problem(401, "Unauthorized", str(error), headers={"www-authenticate": "Bearer"})
        case NoRoute() | AdminDisabled():
            return problem(404, "Not Found", f"nothing is served at {urlsplit(request.uri).path}")
        case MethodNotAllowed(allowed=allowed):
            detail = f"{request.method} is not allowed here; use {', '.join(allowed)}"
            return problem(405, "Method Not Allowed", detail, headers={"allow": ", ".join(allowed)})
        case SchemaOutdated(found=found):
            return problem(
                503,
                "Database schema out of date",
                f"{error} {MIGRATE_HINT}",
                "/problems/schema-outdated",
                {"cache-control": "no-store"},
                schemaVersion=found,
                requiredSchemaVersion=SCHEMA_VERSION,
            )
        case SchemaMissing():
            detail = f"The database lacks tables this code uses. {MIGRATE_HINT}"
            return problem(503, "Database schema missing", detail, "/problems/schema-missing")
        case DatabaseBusy():
            detail = "The database is busy with other writes; retry shortly."
            return problem(503, "Service Unavailable", detail, headers={"retry-after": "1"})
        case DatabaseUnavailable():
            detail = "This component has no database labelled 'default'; see spin.toml and local.toml."
            return problem(503, "Service Unavailable", detail)
        case StatementRefused():
            detail = f"The database host refused a statement: {str(error)[:300]}. {REFUSAL_HINT}"
            return problem(503, "Database refused a statement", detail, "/problems/statement-refused")
        case Misconfigured():
            return problem(503, "Service misconfigured", str(error), "/problems/misconfigured")
        case _:
            return internal_error(error, request)


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

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def correlation_id(request: Request) -> str:
    """The W3C trace id of the request, else its X-Request-Id if that is a plain token, else new."""
    trace = _TRACEPARENT.match(request.headers.get("traceparent", "").strip())
    if trace and trace.group(1) != "0" * 32:
        return trace.group(1)
    given = request.headers.get("x-request-id", "")
    return given if _SAFE_REQUEST_ID.match(given) else str(uuid.uuid4())


def metadata(request: Request) -> Metadata:
    return Metadata(correlation_id(request))


def internal_error(error: Exception, request: Request) -> Response:
    """A 500 that names a correlation id and nothing else; the details go to Spin's log."""
    reference = correlation_id(request)
    print(f"correlation id {reference}: {request.method} {request.uri} failed", file=sys.stderr)
    traceback.print_exception(error, file=sys.stderr)
    detail = f"The request failed unexpectedly. Quote correlation id {reference} when reporting it."
    return problem(500, "Internal Server Error", detail, correlationId=reference)


# The request pipeline


def handle(request: Request, db: Database, admin_token: Callable[[], str | None] = lambda: None) -> Response:
    """Answer one request; the whole service, independent of Spin, so tests can call it directly.
    `admin_token` is asked for only when an admin route is requested."""
    request.headers = {name.lower(): value for name, value in request.headers.items()}
    path = urlsplit(request.uri).path
    try:
        if path.startswith("/admin/"):
            authorize(request.headers.get("authorization"), admin_token())
        endpoint, params = ROUTER.resolve(request.method, path)
        # Each endpoint checks the schema version itself: a read in its one statement, a write
        # inside its transaction.
        return endpoint(request, db, params)
    except Exception as error:
        return problem_for(error, request)


# Spin's SQLite host API as the Database port


class Misconfigured(Exception):
    """A Spin variable has a value the service does not know."""


class SpinDatabase:
    """The `default` database through Spin's SQLite interface, opened on first use."""

    def __init__(self, label: str = "default") -> None:
        self._label = label
        self._connection: Connection | None = None
        self._erasure: Erasure | None = None
        self.statements = 0  # for the Server-Timing header
        self.seconds = 0.0

    @property
    def erasure(self) -> Erasure:
        """The Spin variable `erasure`, read when first needed: reads never pay for it."""
        if self._erasure is None:
            self._erasure = spin_erasure()
        return self._erasure

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        started = time.perf_counter()
        try:
            result = self._open().execute(sql, [to_sqlite(value) for value in params])
        except Err as error:
            raise database_error(error.value) from None
        finally:
            self.statements += 1
            self.seconds += time.perf_counter() - started
        return [tuple(from_sqlite(value) for value in row.values) for row in result.rows]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.__exit__(None, None, None)
            self._connection = None

    def _open(self) -> Connection:
        if self._connection is None:
            try:
                self._connection = sqlite.open(self._label)
            except Err as error:
                raise database_error(error.value) from None
        return self._connection


def database_error(error: object) -> DatabaseError:
    if isinstance(error, Error_Io):
        return error_from_message(error.value)
    return DatabaseUnavailable(type(error).__name__)


def to_sqlite(value: Value) -> SqliteValue:
    match value:
        case None:
            return Value_Null()
        case int():
            return Value_Integer(value)
        case float():
            return Value_Real(value)
        case str():
            return Value_Text(value)
        case bytes():
            return Value_Blob(value)


def from_sqlite(value: SqliteValue) -> Value:
    return None if isinstance(value, Value_Null) else value.value


def spin_erasure() -> Erasure:
    """The Spin variable `erasure` (spin.toml): "overwrite" unless the database is a libSQL server."""
    try:
        value = variables.get("erasure")
    except Err:
        raise Misconfigured("The component has no variable erasure; see spin.toml.") from None
    try:
        return Erasure(value)
    except ValueError:
        allowed = " or ".join(f'"{choice.value}"' for choice in Erasure)
        raise Misconfigured(f"The Spin variable erasure is {value[:50]!r}; it must be {allowed}.") from None


def spin_admin_token() -> str | None:
    """The Spin variable `admin_token`; empty or undefined means the admin routes are off."""
    try:
        return variables.get("admin_token") or None
    except Err:
        return None


class IncomingHandler(http.IncomingHandler):
    """Spin's entry point: one call per HTTP request, on a fresh instance."""

    def handle_request(self, request: Request) -> Response:
        started = time.perf_counter()
        db = SpinDatabase()
        try:
            response = handle(request, db, spin_admin_token)
        finally:
            db.close()
        response.headers["server-timing"] = server_timing(db, time.perf_counter() - started)
        return response


def server_timing(db: SpinDatabase, seconds: float) -> str:
    """Where the request's time went inside the component: SQLite calls, and everything else."""
    database_ms, total_ms = db.seconds * 1000, seconds * 1000
    statements = f"{db.statements} statement{'' if db.statements == 1 else 's'}"
    return f'db;dur={database_ms:.3f};desc="{statements}", app;dur={total_ms - database_ms:.3f}'
