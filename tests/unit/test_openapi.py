"""The OpenAPI document is valid OpenAPI 3.1, covers every route, and says what the code does."""

from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate as validate_openapi

from api.list_parameters import LIST_PARAMETERS
from api.representation import EMPLOYEE_INPUT
from api.routes import OPENAPI, ROUTES
from tests.support import valid_employee
from web.json_schema import validate


def test_the_document_is_valid_openapi_3_1() -> None:
    validate_openapi(OPENAPI)


def test_every_route_in_app_py_is_documented_and_nothing_else() -> None:
    documented = {
        (method.upper(), path) for path, operations in OPENAPI["paths"].items() for method in operations
    }
    assert documented == {(route.method, route.pattern) for route in ROUTES}


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
