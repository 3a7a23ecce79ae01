"""A small JSON Schema validator, and the errors it reports.

Schemas are plain data (a JSON Schema 2020-12 subset), so the same object both validates input and
documents it in OpenAPI; the validator understands exactly the keywords the service uses: type,
properties, required, additionalProperties, minLength, maxLength, pattern, minimum, maximum, enum.
For every schema the service publishes it accepts exactly what JSON Schema 2020-12 accepts
(tests/unit/test_schema_agreement.py): lengths count code points, and a pattern is an ECMA-262
regular expression with the u flag (web/ecma_regex.py), not Python's. One gap, out of reach of
every published schema: `integer` takes Python ints only, where 2020-12 also takes 1.0.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from web.ecma_regex import compiled

Schema = Mapping[str, Any]


@dataclass(frozen=True)
class FieldError:
    """One invalid part of a JSON document, located by a JSON pointer (RFC 6901)."""

    pointer: str
    detail: str


@dataclass(frozen=True)
class ParameterError:
    """One invalid query parameter."""

    parameter: str
    detail: str


class ValidationFailed(Exception):
    """Well-formed input that breaks its schema; every broken field or parameter is listed."""

    def __init__(self, errors: list[FieldError] | list[ParameterError]) -> None:
        super().__init__(f"{len(errors)} field(s) are missing or invalid.")
        self.errors = errors


_CONTROLS = r"\x00-\x1f\x7f"  # C0 controls and DEL
# Invisible characters, spelled out: Unicode's White_Space beyond the C0 controls, and the byte
# order mark. `\s` would not do: ECMA-262's takes U+FEFF but not U+0085, Python's (which
# generators such as schemathesis use) the reverse, and neither character is visible.
_SPACES = r"\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# At least one visible character and no control characters. Plain enough for test generators
# (schemathesis) to produce matching strings; checked only after maxLength, so the backtracking of
# the three parts stays small. Lone surrogates never get here: web/json_body refuses them.
TEXT_PATTERN = rf"^[^{_CONTROLS}]*[^{_CONTROLS}{_SPACES}][^{_CONTROLS}]*$"


def text(max_length: int) -> Schema:
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": max_length,
        "pattern": TEXT_PATTERN,
    }


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {"object": (dict,), "string": (str,), "integer": (int,)}


def validate(schema: Schema, value: object, pointer: str = "") -> list[FieldError]:
    """Every way `value` breaks `schema`; empty when it is valid."""
    if "enum" in schema:
        allowed = schema["enum"]
        return (
            []
            if value in allowed
            else [FieldError(pointer, f"must be one of {', '.join(map(str, allowed))}")]
        )
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
    if "pattern" in schema and not compiled(schema["pattern"]).search(value):
        return [
            FieldError(pointer, _PATTERN_DETAILS.get(schema["pattern"], f"must match {schema['pattern']}"))
        ]
    return []


# What a failed pattern means, said in words where the pattern is this module's; any other
# pattern (an optional field's, say) is quoted as the schema publishes it.
_PATTERN_DETAILS = {TEXT_PATTERN: "must contain a visible character and no control characters"}


# Compiled at import, so it is in the component's pre-initialized snapshot: Spin starts every
# request from that snapshot, and compiling a pattern (pure-Python sre) would cost each one.
compiled(TEXT_PATTERN)


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


def pointers(document: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Every leaf of a JSON object by its JSON pointer: {"a": {"b": 1}} gives {"/a/b": 1}."""
    leaves: dict[str, Any] = {}
    for name, value in document.items():
        pointer = f"{prefix}/{_escape(name)}"
        leaves.update(pointers(value, pointer) if isinstance(value, Mapping) else {pointer: value})
    return leaves
