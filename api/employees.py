"""/employees: list, create, read, replace and delete employees, and read one's history."""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from api.access import Role
from api.endpoint import Endpoint, metadata
from api.list_parameters import LIST_PARAMETERS, list_query, next_link
from api.openapi import BODY, BODY_ERRORS, json_content, problem, ref
from api.representation import (
    EMPLOYEE_INPUT_DEPTH,
    employee_json,
    fields_from_json,
    fields_json,
    summary_json,
)
from commands.create_employee import CreateEmployee, create_employee
from commands.delete_employee import DeleteEmployee, delete_employee
from commands.update_employee import UpdateEmployee, update_employee
from domain.employee import Employee, EmployeeFields, ExpectedVersion
from domain.errors import NotFound
from queries.employee_views import employee, employees
from queries.history import HistoryEntry, history
from storage import idempotency
from storage.database import Database
from storage.idempotency import StoredResponse
from storage.transaction import empty_write_ahead_log, read_from_primary, transaction
from web.conditional import etag, if_match_versions, newest_version, none_match
from web.http import Request, Response, json_response
from web.idempotency_key import IdempotencyKey
from web.json_body import parse_json_object
from web.json_schema import pointers
from web.routing import Route


def list_employees(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    page = employees(db, list_query(request.query))
    links = {"link": next_link(request.path, request.query, page.next)} if page.next else {}
    return json_response(200, [summary_json(summary) for summary in page.employees], links)


def get_employee(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    found = employee(db, params["id"])
    seen = newest_version(request.headers.get("if-none-match"))
    if seen is not None and (found is None or found.version < seen):
        # The client holds a version this database has not got yet: a replica behind the write
        # that made it. Versions only grow, so ask the primary.
        with read_from_primary(db):
            found = employee(db, params["id"])
    if found is None:
        raise NotFound(params["id"])
    if none_match(request.headers.get("if-none-match"), found.version):
        return Response(304, {"etag": etag(found.version)})
    return employee_response(200, found)


def post_employee(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    document, fields = employee_body(request)
    key = request.headers.get("idempotency-key")
    idempotency_key = IdempotencyKey.of(key, document) if key is not None else None
    now = datetime.now(UTC)
    with transaction(db) as tx:  # the employee and the response recorded for its key, or neither
        if idempotency_key is not None:
            stored = idempotency.stored_response(tx, idempotency_key.key, idempotency_key.fingerprint, now)
            if stored is not None:
                return Response(stored.status, {**stored.headers, "idempotent-replayed": "true"}, stored.body)
        created = create_employee(CreateEmployee(fields), tx, metadata(request))
        response = employee_response(201, created, {"location": f"/employees/{created.id}"})
        if idempotency_key is not None:
            recorded = StoredResponse(response.status, response.headers, response.body)
            idempotency.record(tx, idempotency_key.key, idempotency_key.fingerprint, recorded, now)
    return response


def put_employee(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    _, fields = employee_body(request)
    command = UpdateEmployee(params["id"], fields, expected_version(request))
    with transaction(db) as tx:
        updated = update_employee(command, tx, metadata(request))
    return employee_response(200, updated)


def delete_employee_endpoint(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    with transaction(db) as tx:  # the stored POST response holds personal data too: erase it with the rest
        delete_employee(DeleteEmployee(params["id"], expected_version(request)), tx, metadata(request))
        idempotency.forget(tx, f"/employees/{params['id']}")
    empty_write_ahead_log(db)
    return Response(204)


def get_history(request: Request, db: Database, params: Mapping[str, str]) -> Response:
    entries = history(db, params["id"])
    if entries is None:
        raise NotFound(params["id"])
    before: dict[str, Any] = {}
    documents = []
    for entry in entries:
        after = pointers(fields_json(entry.fields)) if entry.fields else before
        documents.append(history_json(entry, before, after))
        before = after
    return json_response(200, documents)


def employee_body(request: Request) -> tuple[dict[str, Any], EmployeeFields]:
    """The POST/PUT body, parsed and validated: the raw document and the fields it sets."""
    document = parse_json_object(request.body, request.headers.get("content-type"), EMPLOYEE_INPUT_DEPTH)
    return document, fields_from_json(document)


def expected_version(request: Request) -> ExpectedVersion | None:
    """The precondition If-Match states: none without the header, any version for `*`."""
    if_match = request.headers.get("if-match")
    return None if if_match is None else ExpectedVersion(if_match_versions(if_match))


def employee_response(status: int, found: Employee, headers: Mapping[str, str] | None = None) -> Response:
    return json_response(status, employee_json(found), {"etag": etag(found.version), **(headers or {})})


def history_json(entry: HistoryEntry, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """One entry, with the fields that differ from the entry before it as JSON pointers; a field
    the entry unset changes to null."""
    unset = [pointer for pointer in before if pointer not in after]
    changes = [
        {"field": pointer, "from": before.get(pointer), "to": after.get(pointer)}
        for pointer in [*after, *unset]
        if before.get(pointer) != after.get(pointer)
    ]
    return {
        "type": entry.type,
        "version": entry.version,
        "occurredAt": entry.occurred_at,
        "changes": changes,
        "erased": entry.erased,
        "actor": entry.actor,
    }


EMPLOYEE_REF = ref("schemas", "Employee")

ROUTES: tuple[Route[Endpoint], ...] = (
    Route(
        "GET",
        "/employees",
        list_employees,
        {
            "operationId": "listEmployees",
            "summary": "List employees, ordered by name then id",
            "parameters": [ref("parameters", name) for name in LIST_PARAMETERS],
            "responses": {
                "200": json_content(
                    "One page.", {"type": "array", "items": ref("schemas", "EmployeeSummary")}, "Link"
                ),
                "422": problem("A query parameter is invalid; `errors` lists each."),
            },
        },
        requires=Role.READER,
    ),
    Route(
        "POST",
        "/employees",
        post_employee,
        {
            "operationId": "createEmployee",
            "summary": "Create an employee",
            "parameters": [ref("parameters", "Idempotency-Key")],
            "requestBody": BODY,
            "responses": {
                "201": json_content("Created.", EMPLOYEE_REF, "Location", "ETag", "Idempotent-Replayed"),
                **BODY_ERRORS,
            },
        },
        requires=Role.WRITER,
    ),
    Route(
        "GET",
        "/employees/{id}",
        get_employee,
        {
            "operationId": "getEmployee",
            "summary": "Read one employee",
            "parameters": [ref("parameters", "id"), ref("parameters", "If-None-Match")],
            "responses": {
                "200": json_content("The employee.", EMPLOYEE_REF, "ETag"),
                "304": {"description": "Not modified.", "headers": {"ETag": ref("headers", "ETag")}},
                "404": problem("No employee with this id."),
            },
        },
        requires=Role.READER,
    ),
    Route(
        "PUT",
        "/employees/{id}",
        put_employee,
        {
            "operationId": "replaceEmployee",
            "summary": "Replace an employee",
            "parameters": [ref("parameters", "id"), ref("parameters", "If-Match")],
            "requestBody": BODY,
            "responses": {
                "200": json_content("Replaced.", EMPLOYEE_REF, "ETag"),
                "404": problem("No employee with this id."),
                "412": problem("If-Match does not name the current version."),
                **BODY_ERRORS,
            },
        },
        requires=Role.WRITER,
    ),
    Route(
        "DELETE",
        "/employees/{id}",
        delete_employee_endpoint,
        {
            "operationId": "deleteEmployee",
            "summary": "Delete an employee",
            "parameters": [ref("parameters", "id"), ref("parameters", "If-Match")],
            "responses": {
                "204": {"description": "Deleted."},
                "404": problem("No employee with this id."),
                "412": problem("If-Match does not name the current version."),
            },
        },
        requires=Role.WRITER,
    ),
    Route(
        "GET",
        "/employees/{id}/history",
        get_history,
        {
            "operationId": "getEmployeeHistory",
            "summary": "An employee's events, oldest first (also after deletion, with personal data erased)",
            "parameters": [ref("parameters", "id")],
            "responses": {
                "200": json_content(
                    "The history.", {"type": "array", "items": ref("schemas", "HistoryEntry")}
                ),
                "404": problem("The log has never seen this id."),
            },
        },
        requires=Role.READER,
    ),
)
