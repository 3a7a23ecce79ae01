from typing import Any

import pytest

from api.representation import EMPLOYEE_INPUT, fields_from_json
from tests.support import valid_employee
from web.json_schema import FieldError, ValidationFailed, validate


def errors_for(document: Any) -> list[FieldError]:
    return validate(EMPLOYEE_INPUT, document)


def test_a_complete_employee_is_valid() -> None:
    assert errors_for(valid_employee()) == []


def test_every_missing_field_is_reported_with_its_pointer() -> None:
    document: dict[str, object] = {"address": {}}
    assert errors_for(document) == [
        FieldError("/firstName", "is required"),
        FieldError("/lastName", "is required"),
        FieldError("/address/street", "is required"),
        FieldError("/address/zip", "is required"),
        FieldError("/address/city", "is required"),
    ]


def test_wrong_types_are_reported_per_field() -> None:
    document = valid_employee(firstName=42, lastName=None, address=["London"])
    assert errors_for(document) == [
        FieldError("/firstName", "must be a JSON string"),
        FieldError("/lastName", "must be a JSON string"),
        FieldError("/address", "must be a JSON object"),
    ]


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("", "must not be empty"),
        ("x" * 101, "must be at most 100 characters"),
        ("   ", "must contain a visible character and no control characters"),
        ("Ada\x00", "must contain a visible character and no control characters"),
        ("Ada\nLovelace", "must contain a visible character and no control characters"),
        ("Ada\n", "must contain a visible character and no control characters"),
        ("\ufeff", "must contain a visible character and no control characters"),
        ("\x85\u3000", "must contain a visible character and no control characters"),
    ],
)
def test_bad_text_is_rejected_with_a_reason(value: str, detail: str) -> None:
    assert errors_for(valid_employee(firstName=value)) == [FieldError("/firstName", detail)]


def test_the_longest_allowed_values_and_any_script_are_accepted() -> None:
    address = {"street": "s" * 200, "zip": "z" * 20, "city": "東京"}
    assert errors_for(valid_employee(firstName="Zoë", lastName="x" * 100, address=address)) == []


def test_unknown_fields_are_reported_and_pointer_tokens_are_escaped() -> None:
    document = valid_employee(nickname="Ada", **{"a/b~c": 1})
    assert errors_for(document) == [
        FieldError("/nickname", "is not a known field"),
        FieldError("/a~1b~0c", "is not a known field"),
    ]


def test_read_only_ids_from_a_previous_get_are_accepted_and_ignored() -> None:
    document = valid_employee(id="anything")
    document["address"]["id"] = "anything"
    fields = fields_from_json(document)
    assert fields.address.city == "London"


def test_from_json_raises_validation_failed_with_all_errors() -> None:
    with pytest.raises(ValidationFailed) as caught:
        fields_from_json({"firstName": ""})
    assert caught.value.errors == [
        FieldError("/firstName", "must not be empty"),
        FieldError("/lastName", "is required"),
        FieldError("/address", "is required"),
    ]


def test_a_value_another_pattern_refuses_is_reported_with_that_pattern() -> None:
    schema = {"type": "object", "properties": {"email": {"type": "string", "pattern": "^[^@]+@[^@]+$"}}}

    assert validate(schema, {"email": "no-at-sign"}) == [FieldError("/email", "must match ^[^@]+@[^@]+$")]
