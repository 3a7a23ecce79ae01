"""The service accepts exactly what its published /openapi.json accepts: for every input schema in
the document, the service's verdict on generated values equals a reference JSON Schema 2020-12
validator's (jsonschema, with ECMA-262 patterns: tests/reference_validator.py)."""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.admin import projector_parameter
from api.list_parameters import list_query
from api.representation import EMPLOYEE_INPUT, EMPLOYEE_INPUT_DEPTH, fields_from_json
from api.routes import OPENAPI
from tests.reference_validator import EcmaRegex, ecma_regex, reference_validator
from tests.support import valid_employee
from web.idempotency_key import IdempotencyKey, InvalidIdempotencyKey
from web.json_body import MalformedBody, parse_json_object
from web.json_schema import ParameterError, ValidationFailed, validate

# The document as a client reads it from /openapi.json.
DOCUMENT: dict[str, Any] = json.loads(json.dumps(OPENAPI))
PARAMETERS: dict[str, Any] = DOCUMENT["components"]["parameters"]
REBUILD = DOCUMENT["paths"]["/admin/projections/rebuild"]["post"]

AGREEMENT = settings(
    max_examples=500, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Characters where regular expression dialects and Unicode handling part ways: C0 and C1 controls,
# every kind of Unicode space and line terminator, format characters, the byte order mark, lone
# surrogates, an astral character, a combining mark, non-ASCII digits.
TRICKY = [
    *map(chr, range(0x20)),
    *"\x20\x7f\x80\x85\x9f\xa0\u1680\u180e\u2000\u2007\u200a\u200b\u200c\u200d\u200e\u200f",
    *"\u2028\u2029\u202a\u202e\u202f\u205f\u2060\u3000\ufeff\ufffd\ud800\udbff\udc00\udfff",
    *"\U0001f600\U000e0001\u0301\u0660\u0665\u06f5\uff15A5x_-é",
]
MAX_LENGTHS = [1, 20, 100, 200, 255, 1000]


def no_surrogates(text: str) -> bool:
    return not any("\ud800" <= character <= "\udfff" for character in text)


@st.composite
def boundary_text(draw: st.DrawFn) -> str:
    """A text of a length at or next to a limit, of one filler with tricky characters placed in it."""
    limit = draw(st.sampled_from(MAX_LENGTHS))
    length = draw(st.sampled_from([0, 1, limit - 1, limit, limit + 1]))
    characters = [draw(st.sampled_from(["x", " ", "\U0001f600", "\u0301", "é"]))] * max(length, 0)
    for _ in range(draw(st.integers(0, 2))):
        placed = draw(st.sampled_from(TRICKY))
        position = draw(st.sampled_from(["start", "end", "middle"]))
        index = {"start": 0, "end": len(characters), "middle": len(characters) // 2}[position]
        characters[index:index] = [placed]
    return "".join(characters)


TEXT = st.one_of(
    st.text(max_size=12),
    st.text(st.sampled_from([*TRICKY, "A", "A", "A"]), min_size=1, max_size=4),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=3), st.sampled_from(TRICKY), st.text(max_size=3)),
    boundary_text(),
)
QUERY_TEXT = TEXT.filter(no_surrogates)  # a URL cannot carry a lone surrogate
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, 1, -1, 200, 201, 2**53 + 1, 10**30, 1.0, -0.0, 1e2, 1.5, 1e308]),
    st.floats(allow_nan=False, allow_infinity=False),
    TEXT,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=6,
)
INPUT_KEYS = ["id", "firstName", "lastName", "address", "street", "zip", "city"]


TEXT_FIELDS = [("firstName",), ("lastName",), ("address", "street"), ("address", "zip"), ("address", "city")]


def with_field(path: tuple[str, ...], value: str) -> dict[str, Any]:
    body = valid_employee()
    (*parents, name) = path
    target = body
    for parent in parents:
        target = target[parent]
    target[name] = value
    return body


@st.composite
def bodies(draw: st.DrawFn) -> Any:
    """A valid body with a few members replaced, removed or added, or any JSON value at all."""
    choice = draw(st.integers(0, 9))
    if choice == 0:
        return draw(JSON_VALUES)
    if choice <= 5:  # one field changed alone, so no other error can hide what its text does
        return with_field(draw(st.sampled_from(TEXT_FIELDS)), draw(TEXT))
    body: dict[str, Any] = valid_employee()
    for _ in range(draw(st.integers(1, 3))):
        target = body["address"] if isinstance(body.get("address"), dict) and draw(st.booleans()) else body
        key = draw(st.sampled_from(INPUT_KEYS) | TEXT)
        if draw(st.integers(0, 4)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(st.one_of(TEXT, JSON_VALUES))
    return body


@pytest.fixture(scope="module")
def engine() -> Iterator[EcmaRegex]:
    yield from ecma_regex()


def accepts(check: Callable[[], object], *refusals: type[Exception]) -> bool:
    try:
        check()
    except refusals:
        return False
    return True


def query_value(schema: dict[str, Any], text: str) -> str | int:
    """A query value as the JSON value its schema validates. OpenAPI leaves the conversion to the
    server; this one reads an integer's decimal numeral (ASCII digits, an optional minus) as that
    integer, and leaves any other text a string, which `type: integer` refuses."""
    if schema["type"] == "integer" and re.fullmatch("-?[0-9]+", text, re.ASCII):
        return int(text)
    return text


def assert_agree(engine: EcmaRegex, schema: dict[str, Any], value: Any, service_accepts: bool) -> None:
    reference_accepts = reference_validator(schema, engine).is_valid(value)
    assert service_accepts == reference_accepts, (
        f"{value!r}: the reference {'accepts' if reference_accepts else 'refuses'} it,"
        f" the service {'accepts' if service_accepts else 'refuses'} it"
    )


def body_accepted(document: Any) -> bool:
    """Whether the service takes `document` as a POST or PUT body: parsed, then validated."""
    raw = json.dumps(document).encode()  # ASCII: a lone surrogate goes as its escape
    try:
        fields_from_json(parse_json_object(raw, None, EMPLOYEE_INPUT_DEPTH))
    except (ValidationFailed, MalformedBody):
        return False
    return True


def has_lone_surrogate(document: Any) -> bool:
    try:
        json.dumps(document, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


@AGREEMENT
@given(document=bodies())
def test_the_service_accepts_exactly_the_bodies_the_published_employee_input_schema_accepts(
    engine: EcmaRegex, document: Any
) -> None:
    if has_lone_surrogate(document):
        # Not Unicode text, so not I-JSON: refused as malformed (400) before any schema applies.
        assert not body_accepted(document)
        return
    schema = DOCUMENT["components"]["schemas"]["EmployeeInput"]
    assert_agree(engine, schema, document, body_accepted(document))


INTEGER_TEXT = st.one_of(
    st.integers(-(10**15), 10**15).map(str),
    st.sampled_from(["0", "1", "200", "201", "05", "0" * 13 + "7", "-0", "+5", " 5", "5 ", "5\n"]),
    st.sampled_from(["1.0", "1e2", "0x10", "\u0665", "\u06f5", "\uff15", "1_0", "", "NaN", "Infinity"]),
    st.text(st.sampled_from("0123456789-+.e \n\u0665\u06f5\uff15"), max_size=14),
)


# Beyond its schema (any string of 1 to 1000 characters) a cursor must be one the service issued.
NOT_ISSUED = ParameterError("cursor", "is not a cursor this service issued")


def list_parameter_accepted(name: str, text: str) -> bool:
    try:
        list_query(urlencode({name: text}))
    except ValidationFailed as failed:
        return failed.errors == [NOT_ISSUED]
    return True


@AGREEMENT
@given(name=st.sampled_from(["limit", "cursor", "city", "q"]), data=st.data())
def test_the_service_accepts_exactly_the_list_parameters_the_published_schemas_accept(
    engine: EcmaRegex, name: str, data: st.DataObject
) -> None:
    schema = PARAMETERS[name]["schema"]
    text = data.draw(INTEGER_TEXT if schema["type"] == "integer" else QUERY_TEXT)
    assert_agree(engine, schema, query_value(schema, text), list_parameter_accepted(name, text))


@AGREEMENT
@given(text=st.one_of(QUERY_TEXT, st.sampled_from(["employee_list", "employee_details", "Employee_list"])))
def test_the_service_accepts_exactly_the_projectors_the_published_schema_accepts(
    engine: EcmaRegex, text: str
) -> None:
    (parameter,) = REBUILD["parameters"]
    service_accepts = accepts(lambda: projector_parameter(urlencode({"projector": text})), ValidationFailed)
    assert_agree(engine, parameter["schema"], text, service_accepts)


@AGREEMENT
@given(key=st.one_of(TEXT, st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7F), max_size=300)))
def test_the_service_accepts_exactly_the_idempotency_keys_the_published_schema_accepts(
    engine: EcmaRegex, key: str
) -> None:
    schema = PARAMETERS["Idempotency-Key"]["schema"]
    service_accepts = accepts(lambda: IdempotencyKey.of(key, {}), InvalidIdempotencyKey)
    assert_agree(engine, schema, key, service_accepts)


@pytest.mark.parametrize(("member", "prefix"), [("firstName", ""), ("firstName", "A")])
def test_every_code_point_alone_or_after_a_letter_is_judged_as_ecma_262_judges_it(
    engine: EcmaRegex, member: str, prefix: str
) -> None:
    published = DOCUMENT["components"]["schemas"]["EmployeeInput"]["properties"][member]
    ranges = engine.matching_code_points(published["pattern"], prefix)
    expected = {code for first, last in ranges for code in range(first, last + 1)}
    schema = EMPLOYEE_INPUT["properties"][member]
    disagreeing = [
        code for code in range(0x110000) if (validate(schema, prefix + chr(code)) == []) != (code in expected)
    ]
    assert disagreeing == [], [f"U+{code:04X}" for code in disagreeing[:20]]


# Each input the tests above hold to its published schema. Every other one is any string, which
# the service takes as it comes (an unknown id is a 404, a garbage If-Match matches nothing).
CHECKED = {"body EmployeeInput", "limit", "cursor", "city", "q", "projector", "Idempotency-Key"}


def published_inputs() -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for operations in DOCUMENT["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if "$ref" in parameter:
                    parameter = PARAMETERS[parameter["$ref"].rsplit("/", 1)[1]]
                inputs[parameter["name"]] = parameter["schema"]
            if "requestBody" in operation:
                reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                inputs[f"body {reference.rsplit('/', 1)[1]}"] = reference
    return inputs


def test_every_input_the_document_constrains_is_checked_against_the_reference() -> None:
    inputs = published_inputs()
    unchecked = {name: schema for name, schema in inputs.items() if name not in CHECKED}
    assert inputs.keys() >= CHECKED
    assert all(schema == {"type": "string"} for schema in unchecked.values()), unchecked
