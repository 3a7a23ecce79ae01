"""The OpenAPI document is valid OpenAPI 3.1, covers every route, and says what the code does."""

import re
from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from api.list_parameters import LIST_PARAMETERS
from api.representation import EMPLOYEE_INPUT
from api.routes import OPENAPI, ROUTES
from tests.support import valid_employee
from web.json_schema import validate
from web.routing import Route


def test_the_document_is_valid_openapi_3_1() -> None:
    validate_openapi(OPENAPI)


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.pattern}")
def test_every_route_carries_an_operation_with_a_summary_and_its_success_response(route: Route[Any]) -> None:
    success = {"GET": {"200"}, "POST": {"200", "201"}, "PUT": {"200"}, "DELETE": {"204"}}[route.method]
    assert route.operation["summary"]
    assert success & route.operation["responses"].keys()
    assert OPENAPI["paths"][route.pattern][route.method.lower()]["summary"] == route.operation["summary"]


# What clients generated from the document name their functions after (createEmployee becomes
# create_employee): a rename here breaks their code, so it must be a deliberate change of this table.
OPERATION_IDS = {
    ("GET", "/employees"): "listEmployees",
    ("POST", "/employees"): "createEmployee",
    ("GET", "/employees/{id}"): "getEmployee",
    ("PUT", "/employees/{id}"): "replaceEmployee",
    ("DELETE", "/employees/{id}"): "deleteEmployee",
    ("GET", "/employees/{id}/history"): "getEmployeeHistory",
    ("GET", "/admin/projections"): "getProjectionStatus",
    ("POST", "/admin/projections/rebuild"): "rebuildProjections",
    ("GET", "/openapi.json"): "getOpenApi",
    ("GET", "/healthz"): "getHealth",
}


def test_every_operation_has_the_operation_id_clients_are_generated_with() -> None:
    published = {
        (method.upper(), path): operation.get("operationId")
        for path, operations in OPENAPI["paths"].items()
        for method, operation in operations.items()
    }
    assert published == OPERATION_IDS


def test_operation_ids_are_unique_camel_case_names() -> None:
    names = [route.operation["operationId"] for route in ROUTES]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z]*)*", name) for name in names), names


def test_the_request_schemas_are_the_validators_own() -> None:
    document = OPENAPI
    assert document["components"]["schemas"]["EmployeeInput"] == EMPLOYEE_INPUT
    for name, schema in LIST_PARAMETERS.items():
        assert document["components"]["parameters"][name]["schema"] == schema


def test_every_status_the_code_can_answer_with_is_documented() -> None:
    statuses = {
        status
        for operations in OPENAPI["paths"].values()
        for operation in operations.values()
        for status in operation["responses"]
    }
    assert {
        "200",
        "201",
        "204",
        "304",
        "400",
        "404",
        "405",
        "412",
        "413",
        "415",
        "422",
        "500",
        "503",
    } <= statuses


def body(**changes: Any) -> Any:
    return valid_employee(**changes)


@pytest.mark.parametrize(
    "document",
    [
        body(),
        body(firstName=""),
        body(firstName=" "),
        body(firstName="a\x01"),
        body(lastName="x" * 101),
        body(lastName=3),
        body(address=None),
        body(address={"street": "s"}),
        body(extra=True),
        body(id="kept"),
        {"firstName": True, "lastName": [], "address": {"zip": {}, "city": 1.5, "other": 0}},
        [],
        "text",
    ],
)
def test_our_validator_agrees_with_a_reference_json_schema_validator(document: Any) -> None:
    reference = jsonschema.Draft202012Validator(EMPLOYEE_INPUT)
    assert (validate(EMPLOYEE_INPUT, document) == []) == reference.is_valid(document)
