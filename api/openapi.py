"""The OpenAPI 3.1 document: generated from the route table (each route carries its operation) and
from the very schemas that validate requests, so the document and the behaviour cannot drift apart.
This module holds what operations share: components, and helpers to refer to them."""

from collections.abc import Sequence
from typing import Any

from api.access import Role
from api.list_parameters import LIST_PARAMETERS
from api.representation import EMPLOYEE, EMPLOYEE_INPUT, EMPLOYEE_SUMMARY
from storage.database import Erasure
from storage.idempotency import RETENTION
from web.idempotency_key import KEY_SCHEMA
from web.json_body import MAX_BODY_BYTES
from web.routing import Route

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
    "WWW-Authenticate": {"description": "`Bearer`: send a key.", "schema": {"type": "string"}},
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


def ref(kind: str, name: str) -> Document:
    return {"$ref": f"#/components/{kind}/{name}"}


def problem(description: str, *headers: str) -> Document:
    response: Document = {
        "description": description,
        "content": {"application/problem+json": {"schema": ref("schemas", "Problem")}},
    }
    if headers:
        response["headers"] = {name: ref("headers", name) for name in headers}
    return response


def json_content(description: str, schema: Document, *headers: str) -> Document:
    response: Document = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = {name: ref("headers", name) for name in headers}
    return response


BODY: Document = {
    "required": True,
    "description": (
        f"At most {MAX_BODY_BYTES} bytes of I-JSON (RFC 7493: a lone surrogate such as an unpaired"
        " \\ud800 is refused as malformed). A Content-Type is optional; curl's default"
        " application/x-www-form-urlencoded is read as JSON too."
    ),
    "content": {"application/json": {"schema": ref("schemas", "EmployeeInput")}},
}

COMMON: Document = {
    "405": problem("Method not allowed on this path.", "Allow"),
    "500": problem("Unexpected failure; the body names a correlation id."),
    "503": problem(
        "The database's schema is older than the code (apply migrations.sql), or the database is busy.",
        "Retry-After",
    ),
}
BODY_ERRORS: Document = {
    "400": problem("The body is not one well-formed JSON object, or Idempotency-Key is malformed."),
    "413": problem("The body is larger than 64 KiB."),
    "415": problem("The Content-Type is not JSON."),
    "422": problem("Invalid or missing fields; `errors` lists each."),
}
EMPLOYEE_REF = ref("schemas", "Employee")
ADMIN_ERRORS: Document = {
    "404": problem("Without api_keys: admin routes are off while the Spin variable admin_token is empty."),
}
KEY_ERRORS: Document = {
    "401": problem(
        "No API key, or one this service does not know (with api_keys set); without api_keys, on an"
        " admin route, a missing or wrong admin_token.",
        "WWW-Authenticate",
    ),
    "403": problem("The API key's role is below what this operation needs."),
}

HISTORY_ENTRY: Document = {
    "type": "object",
    "required": ["type", "version", "occurredAt", "changes", "erased", "actor"],
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
        "actor": {
            "type": ["string", "null"],
            "description": "The id of the API key that caused it, kept on erasure; null without keys.",
        },
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


def _security(route: Route[Any]) -> Document:
    """Who may call the operation: an API key of the role it needs (OpenAPI 3.1 lets the scopes of
    a bearer scheme name roles); on the admin routes, also the admin token while keys are off."""
    if route.requires is None:
        return {}
    api_key = {"apiKey": [Role(route.requires).name.lower()]}
    return {"security": [api_key, {"adminToken": []}] if route.requires == Role.ADMIN else [api_key]}


def openapi_document(routes: Sequence[Route[Any]]) -> Document:
    paths: Document = {}
    for route in routes:
        operation = {**route.operation, **_security(route)}
        responses = {**operation["responses"], **(KEY_ERRORS if route.requires is not None else {})}
        operation["responses"] = {**responses, **COMMON}
        paths.setdefault(route.pattern, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Employees (CQRS on Spin)",
            "version": "0.3.0",
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
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": (
                        "An API key's secret. Required, with the role each operation names, when the"
                        " Spin variable api_keys is set; roles: reader < writer < admin."
                    ),
                },
                "adminToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The Spin variable admin_token: the admin routes' token without api_keys.",
                },
            },
            "parameters": PARAMETERS,
            "headers": HEADERS,
        },
    }
