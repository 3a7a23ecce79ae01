"""The OpenAPI 3.1 description of the service, built from the very schemas that validate requests
(domain.schema, web.pagination), so the document and the behaviour cannot drift apart."""

from typing import Any

from domain.database import Erasure
from domain.projections import PROJECTORS
from domain.schema import EMPLOYEE, EMPLOYEE_INPUT, EMPLOYEE_SUMMARY
from web.idempotency import KEY_SCHEMA, RETENTION
from web.json_body import MAX_BODY_BYTES
from web.pagination import LIST_PARAMETERS

Document = dict[str, Any]

PROBLEM: Document = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri-reference"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "correlationId": {"type": "string", "description": "On 500: quote it when reporting."},
        "schemaVersion": {"type": "integer", "description": "On 503 schema-outdated: the database's."},
        "requiredSchemaVersion": {"type": "integer", "description": "On 503 schema-outdated: the code's."},
        "errors": {
            "type": "array",
            "description": "On 422: every invalid field (pointer) or query parameter (parameter).",
            "items": {
                "type": "object",
                "required": ["detail"],
                "properties": {
                    "pointer": {"type": "string", "description": "RFC 6901 JSON pointer into the body."},
                    "parameter": {"type": "string"},
                    "detail": {"type": "string"},
                },
            },
        },
    },
}

HEADERS: Document = {
    "ETag": {
        "description": "The employee's version as a strong entity tag.",
        "schema": {"type": "string", "example": '"3"'},
    },
    "Location": {"description": "The new employee's URL.", "schema": {"type": "string"}},
    "Link": {
        "description": 'The next page, as `<url>; rel="next"`; absent on the last page.',
        "schema": {"type": "string"},
    },
    "Allow": {"description": "The methods this path accepts.", "schema": {"type": "string"}},
    "Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "string"}},
    "Idempotent-Replayed": {
        "description": "`true` when the response is the stored response to an earlier request.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}

PARAMETERS: Document = {
    "id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
    "If-Match": {
        "name": "If-Match",
        "in": "header",
        "description": (
            "Write only if the employee is at one of these ETags (`*`: only if it exists); else 412."
            " A value that is not a list of entity tags matches nothing."
        ),
        "schema": {"type": "string"},
    },
    "If-None-Match": {
        "name": "If-None-Match",
        "in": "header",
        "description": (
            "Answer 304 without a body if the employee is still at one of these ETags (or for `*`)."
            " A value that is not a list of entity tags is ignored."
        ),
        "schema": {"type": "string"},
    },
    "Idempotency-Key": {
        "name": "Idempotency-Key",
        "in": "header",
        "description": (
            "A retry with the same key and payload gets the first response again and creates"
            f" nothing; the same key with another payload is 422. Keys are kept for"
            f" {int(RETENTION.total_seconds() // 3600)} hours."
        ),
        "schema": KEY_SCHEMA,
    },
    **{
        name: {"name": name, "in": "query", "schema": dict(schema)}
        for name, schema in LIST_PARAMETERS.items()
    },
}


def _ref(kind: str, name: str) -> Document:
    return {"$ref": f"#/components/{kind}/{name}"}


def _problem(description: str, *headers: str) -> Document:
    response: Document = {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("schemas", "Problem")}},
    }
    if headers:
        response["headers"] = {name: _ref("headers", name) for name in headers}
    return response


def _json(description: str, schema: Document, *headers: str) -> Document:
    response: Document = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = {name: _ref("headers", name) for name in headers}
    return response


BODY: Document = {
    "required": True,
    "description": (
        f"At most {MAX_BODY_BYTES} bytes of JSON. A Content-Type is optional; curl's default"
        " application/x-www-form-urlencoded is read as JSON too."
    ),
    "content": {"application/json": {"schema": _ref("schemas", "EmployeeInput")}},
}

COMMON: Document = {
    "405": _problem("Method not allowed on this path.", "Allow"),
    "500": _problem("Unexpected failure; the body names a correlation id."),
    "503": _problem(
        "The database's schema is older than the code (apply migrations.sql), or the database is busy.",
        "Retry-After",
    ),
}
BODY_ERRORS: Document = {
    "400": _problem("The body is not one well-formed JSON object, or Idempotency-Key is malformed."),
    "413": _problem("The body is larger than 64 KiB."),
    "415": _problem("The Content-Type is not JSON."),
    "422": _problem("Invalid or missing fields; `errors` lists each."),
}
EMPLOYEE_REF = _ref("schemas", "Employee")
ADMIN_ERRORS: Document = {
    "401": _problem("Missing or wrong `Authorization: Bearer <admin_token>`."),
    "404": _problem("Admin routes are off: the Spin variable admin_token is not set."),
}

HISTORY_ENTRY: Document = {
    "type": "object",
    "required": ["type", "version", "occurredAt", "changes", "erased"],
    "properties": {
        "type": {"type": "string", "enum": ["EmployeeCreated", "EmployeeUpdated", "EmployeeDeleted"]},
        "version": {"type": "integer"},
        "occurredAt": {"type": "string", "format": "date-time"},
        "changes": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "from", "to"],
                "properties": {"field": {"type": "string"}, "from": {}, "to": {}},
            },
        },
        "erased": {"type": "boolean", "description": "Personal data removed when the employee was deleted."},
    },
}

PROJECTIONS: Document = {
    "type": "object",
    "required": ["projectors"],
    "properties": {
        "projectors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["projector", "checkpoint", "lag", "rows", "rebuildingAt"],
                "properties": {
                    "projector": {"type": "string"},
                    "checkpoint": {"type": "integer"},
                    "lag": {"type": "integer"},
                    "rows": {"type": "integer"},
                    "rebuildingAt": {"type": ["integer", "null"]},
                },
            },
        }
    },
}

HEALTH: Document = {
    "type": "object",
    "required": ["status", "schemaVersion", "requiredSchemaVersion", "erasure"],
    "properties": {
        "status": {"type": "string", "enum": ["pass"]},
        "schemaVersion": {"type": "integer", "description": "The version migrations.sql recorded."},
        "requiredSchemaVersion": {"type": "integer", "description": "The oldest version this code serves."},
        "erasure": {
            "type": "string",
            "enum": [choice.value for choice in Erasure],
            "description": (
                "What deleting an employee does to their data's bytes (the Spin variable erasure):"
                " `overwrite`, SQLite zeroes them; `delete`, the rows are gone but the bytes stay in"
                " the database's free space until reused, and in the server's history and backups."
            ),
        },
    },
}

REBUILD_PROGRESS: Document = {
    "type": "object",
    "required": ["projectors", "more"],
    "properties": {
        "more": {"type": "boolean", "description": "Call again: the rebuild has more chunks."},
        "projectors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["projector", "rebuiltThrough", "head", "done"],
                "properties": {
                    "projector": {"type": "string"},
                    "rebuiltThrough": {"type": "integer"},
                    "head": {"type": "integer"},
                    "done": {"type": "boolean"},
                },
            },
        },
    },
}

OPERATIONS: dict[tuple[str, str], Document] = {
    ("GET", "/employees"): {
        "summary": "List employees, ordered by name then id",
        "parameters": [_ref("parameters", name) for name in LIST_PARAMETERS],
        "responses": {
            "200": _json("One page.", {"type": "array", "items": _ref("schemas", "EmployeeSummary")}, "Link"),
            "422": _problem("A query parameter is invalid; `errors` lists each."),
        },
    },
    ("POST", "/employees"): {
        "summary": "Create an employee",
        "parameters": [_ref("parameters", "Idempotency-Key")],
        "requestBody": BODY,
        "responses": {
            "201": _json("Created.", EMPLOYEE_REF, "Location", "ETag", "Idempotent-Replayed"),
            **BODY_ERRORS,
        },
    },
    ("GET", "/employees/{id}"): {
        "summary": "Read one employee",
        "parameters": [_ref("parameters", "id"), _ref("parameters", "If-None-Match")],
        "responses": {
            "200": _json("The employee.", EMPLOYEE_REF, "ETag"),
            "304": {"description": "Not modified.", "headers": {"ETag": _ref("headers", "ETag")}},
            "404": _problem("No employee with this id."),
        },
    },
    ("PUT", "/employees/{id}"): {
        "summary": "Replace an employee",
        "parameters": [_ref("parameters", "id"), _ref("parameters", "If-Match")],
        "requestBody": BODY,
        "responses": {
            "200": _json("Replaced.", EMPLOYEE_REF, "ETag"),
            "404": _problem("No employee with this id."),
            "412": _problem("If-Match does not name the current version."),
            **BODY_ERRORS,
        },
    },
    ("DELETE", "/employees/{id}"): {
        "summary": "Delete an employee",
        "parameters": [_ref("parameters", "id"), _ref("parameters", "If-Match")],
        "responses": {
            "204": {"description": "Deleted."},
            "404": _problem("No employee with this id."),
            "412": _problem("If-Match does not name the current version."),
        },
    },
    ("GET", "/employees/{id}/history"): {
        "summary": "An employee's events, oldest first (also after deletion, with personal data erased)",
        "parameters": [_ref("parameters", "id")],
        "responses": {
            "200": _json("The history.", {"type": "array", "items": _ref("schemas", "HistoryEntry")}),
            "404": _problem("The log has never seen this id."),
        },
    },
    ("GET", "/admin/projections"): {
        "summary": "Each projector's checkpoint, lag behind the log and row count",
        "security": [{"adminToken": []}],
        "responses": {
            "200": _json("The projections.", _ref("schemas", "Projections")),
            **ADMIN_ERRORS,
        },
    },
    ("POST", "/admin/projections/rebuild"): {
        "summary": "Replay the next chunk of the log into fresh views; repeat while `more` is true",
        "security": [{"adminToken": []}],
        "parameters": [
            {
                "name": "projector",
                "in": "query",
                "description": "Rebuild only this projector (default: all).",
                "schema": {"type": "string", "enum": [p.name for p in PROJECTORS]},
            }
        ],
        "responses": {
            "200": _json("Progress.", _ref("schemas", "RebuildProgress")),
            "422": _problem("Unknown projector."),
            **ADMIN_ERRORS,
        },
    },
    ("GET", "/openapi.json"): {
        "summary": "This document",
        "responses": {"200": _json("OpenAPI 3.1.", {"type": "object"})},
    },
    ("GET", "/healthz"): {
        "summary": "For liveness and readiness probes: the database answers and its schema is current",
        "responses": {"200": _json("Healthy.", _ref("schemas", "Health"))},
    },
}


def openapi_document() -> Document:
    paths: Document = {}
    for (method, path), operation in OPERATIONS.items():
        responses = {**operation["responses"], **COMMON}
        paths.setdefault(path, {})[method.lower()] = {**operation, "responses": responses}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Employees (CQRS on Spin)",
            "version": "0.2.0",
            "description": "Commands write normalized tables and events; queries read view tables.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "EmployeeInput": dict(EMPLOYEE_INPUT),
                "Employee": dict(EMPLOYEE),
                "EmployeeSummary": dict(EMPLOYEE_SUMMARY),
                "Problem": PROBLEM,
                "HistoryEntry": HISTORY_ENTRY,
                "Projections": PROJECTIONS,
                "RebuildProgress": REBUILD_PROGRESS,
                "Health": HEALTH,
            },
            "securitySchemes": {
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The Spin application variable admin_token.",
                }
            },
            "parameters": PARAMETERS,
            "headers": HEADERS,
        },
    }
