"""The JSON Schema of the employee payload, and the small validator that enforces it.

The schema is plain data (a JSON Schema 2020-12 subset) so the same object both validates requests
and documents them; the validator understands exactly the keywords used here.
"""

import functools
import re
from collections.abc import Mapping
from typing import Any

from domain.errors import FieldError

Schema = Mapping[str, Any]

# At least one visible character and no control characters. Plain enough for test generators
# (schemathesis) to produce matching strings; checked only after maxLength, so the backtracking of
# the three parts stays small.
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"


def text(max_length: int) -> Schema:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": TEXT_PATTERN,
        "description": "Unicode text: lone surrogates (such as an unpaired \\ud800) are refused.",
    }


READ_ONLY_ID: Schema = {"type": "string", "readOnly": True, "description": "Ignored on input."}

ADDRESS: Schema = {
    "type": "object",
    "required": ["street", "zip", "city"],
    "properties": {"id": READ_ONLY_ID, "street": text(200), "zip": text(20), "city": text(100)},
    "additionalProperties": False,
}

EMPLOYEE_INPUT: Schema = {
    "type": "object",
    "required": ["firstName", "lastName", "address"],
    "properties": {
        "id": READ_ONLY_ID,
        "firstName": text(100),
        "lastName": text(100),
        "address": ADDRESS,
    },
    "additionalProperties": False,
}

# The responses. Not validated at run time (the code builds them), but published in the OpenAPI
# document and checked against real responses by the tests.
EMPLOYEE: Schema = {
    "type": "object",
    "required": ["id", "firstName", "lastName", "address"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "firstName": text(100),
        "lastName": text(100),
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

_PYTHON_TYPES: dict[str, tuple[type, ...]] = {"object": (dict,), "string": (str,), "integer": (int,)}


def validate(schema: Schema, value: object, pointer: str = "") -> list[FieldError]:
    """Every way `value` breaks `schema`; empty when it is valid."""
    expected = schema["type"]
    if not isinstance(value, _PYTHON_TYPES[expected]) or isinstance(value, bool):
        return [FieldError(pointer, f"must be a JSON {expected}")]
    if isinstance(value, dict):
        return _validate_object(schema, value, pointer)
    if isinstance(value, str):
        return _validate_string(schema, value, pointer)
    if isinstance(value, int):
        return _validate_integer(schema, value, pointer)
    return []


def _validate_object(schema: Schema, value: dict[str, object], pointer: str) -> list[FieldError]:
    """Errors in the schema's property order, then the members the schema does not know."""
    properties: Schema = schema["properties"]
    errors: list[FieldError] = []
    for name, member_schema in properties.items():
        member_pointer = f"{pointer}/{_escape(name)}"
        if name in value:
            errors += validate(member_schema, value[name], member_pointer)
        elif name in schema["required"]:
            errors.append(FieldError(member_pointer, "is required"))
    if schema.get("additionalProperties") is False:
        errors += [
            FieldError(f"{pointer}/{_escape(name)}", "is not a known field")
            for name in value
            if name not in properties
        ]
    return errors


def _validate_string(schema: Schema, value: str, pointer: str) -> list[FieldError]:
    if len(value) < schema.get("minLength", 0):
        return [FieldError(pointer, "must not be empty")]
    if len(value) > schema.get("maxLength", len(value)):
        return [FieldError(pointer, f"must be at most {schema['maxLength']} characters")]
    if "pattern" in schema and not _compiled(schema["pattern"]).search(value):
        return [FieldError(pointer, "must contain a visible character and no control characters")]
    if not is_unicode(value):
        return [FieldError(pointer, "must be Unicode text (it has a lone surrogate)")]
    return []


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Compiled at import, so it is in the component's pre-initialized snapshot: Spin starts every
# request from that snapshot, and compiling the pattern (pure-Python sre) would cost each one.
_compiled(TEXT_PATTERN)


def is_unicode(value: str) -> bool:
    # JSON can carry "\ud800" alone; such a string is not text and cannot cross into SQLite.
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _validate_integer(schema: Schema, value: int, pointer: str) -> list[FieldError]:
    if not schema.get("minimum", value) <= value <= schema.get("maximum", value):
        return [FieldError(pointer, f"must be from {schema['minimum']} to {schema['maximum']}")]
    return []


def _escape(name: str) -> str:
    """A member name as a JSON pointer token (RFC 6901, section 3)."""
    return name.replace("~", "~0").replace("/", "~1")


def depth(schema: Schema) -> int:
    """How many levels of objects and arrays a valid document nests."""
    if schema["type"] != "object":
        return 0
    return 1 + max((depth(member) for member in schema["properties"].values()), default=0)
