"""The employee as JSON: the one place where the API's field names meet the domain's, with the
JSON Schemas that validate request bodies and document every body in OpenAPI, and the table of
the employee's optional fields."""

from collections.abc import Mapping
from typing import Any

from domain.employee import Address, Employee, EmployeeFields
from queries.employee_views import EmployeeSummary
from web.json_schema import Schema, ValidationFailed, depth, text, validate

# The employee's optional fields: each is its JSON name and its schema, and this is all a new one
# needs in code (docs/adding-a-field.md). A field here is validated on POST and PUT (and unset when
# a PUT leaves it out), returned by GET /employees/{id} (not in the list), published in
# /openapi.json, kept in the event log and so in the history, and erased with the employee; its
# values are rows of employee_optional_fields and employee_optional_field_view (storage/optional_fields.py).
OPTIONAL_FIELDS: Mapping[str, Schema] = {}

READ_ONLY_ID: Schema = {"type": "string", "readOnly": True, "description": "Ignored on input."}

EMPLOYEE_INPUT: Schema = {
    "type": "object",
    "required": ["firstName", "lastName", "address"],
    "properties": {
        "id": READ_ONLY_ID,
        "firstName": text(100),
        "lastName": text(100),
        **OPTIONAL_FIELDS,
        "address": {
            "type": "object",
            "required": ["street", "zip", "city"],
            "properties": {"id": READ_ONLY_ID, "street": text(200), "zip": text(20), "city": text(100)},
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}
EMPLOYEE_INPUT_DEPTH = depth(EMPLOYEE_INPUT)

# The responses: not validated at run time (the code builds them), but published in the OpenAPI
# document and checked against real responses by the tests.
EMPLOYEE: Schema = {
    "type": "object",
    "required": ["id", "firstName", "lastName", "address"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "firstName": text(100),
        "lastName": text(100),
        **OPTIONAL_FIELDS,
        "address": {
            "type": "object",
            "required": ["id", "street", "zip", "city"],
            "properties": {
                "id": {"type": "string", "format": "uuid", "description": "The employee's id."},
                "street": text(200),
                "zip": text(20),
                "city": text(100),
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

EMPLOYEE_SUMMARY: Schema = {
    "type": "object",
    "required": ["id", "name", "city"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string", "description": '"Last, First"'},
        "city": {"type": "string"},
    },
    "additionalProperties": False,
}


def fields_from_json(document: Any) -> EmployeeFields:
    """A POST or PUT body as the fields it sets; ValidationFailed lists every error."""
    errors = validate(EMPLOYEE_INPUT, document)
    if errors:
        raise ValidationFailed(errors)
    address = document["address"]
    return EmployeeFields(
        first_name=document["firstName"],
        last_name=document["lastName"],
        address=Address(street=address["street"], zip=address["zip"], city=address["city"]),
        optional={name: document[name] for name in OPTIONAL_FIELDS if name in document},
    )


def fields_json(fields: EmployeeFields) -> dict[str, Any]:
    """The fields as a body sets them: what an employee's history compares, field by field."""
    address = fields.address
    return {
        "firstName": fields.first_name,
        "lastName": fields.last_name,
        # Only the fields this code publishes: one that newer code set is kept, not shown.
        **{name: value for name, value in fields.optional.items() if name in OPTIONAL_FIELDS},
        "address": {"street": address.street, "zip": address.zip, "city": address.city},
    }


def employee_json(employee: Employee) -> dict[str, Any]:
    document = fields_json(employee.fields)
    return {"id": employee.id, **document, "address": {"id": employee.id, **document["address"]}}


def summary_json(summary: EmployeeSummary) -> dict[str, Any]:
    return {"id": summary.id, "name": summary.name, "city": summary.city}
