"""The employee list's query parameters (limit, cursor, city, q) and its next link."""

import re
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode

from queries.employee_views import EmployeeListQuery, ListPosition
from web.cursor import decode_cursor, encode_cursor
from web.json_schema import ParameterError, Schema, ValidationFailed, text, validate

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

LIST_PARAMETERS: Mapping[str, Schema] = {
    "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    "cursor": {"type": "string", "minLength": 1, "maxLength": 1000, "description": "From a Link header."},
    "city": text(100),
    "q": text(100),
}

# An integer's decimal numeral, in ASCII digits; past 12 significant digits it is far out of range.
_SMALL_INTEGER = re.compile(r"-?0*[0-9]{1,12}")


def list_query(query_string: str) -> EmployeeListQuery:
    """The list request these parameters describe; ValidationFailed lists every bad one."""
    given = {name: _typed(name, values[0]) for name, values in _known_parameters(query_string).items()}
    errors = [
        ParameterError(name, error.detail)
        for name, value in given.items()
        for error in validate(LIST_PARAMETERS[name], value)
    ]
    after = None
    if "cursor" in given and not errors:
        position = decode_cursor(str(given["cursor"]), parts=2)
        after = ListPosition(*position) if position else None
        if after is None:
            errors.append(ParameterError("cursor", "is not a cursor this service issued"))
    if errors:
        raise ValidationFailed(errors)
    return EmployeeListQuery(
        limit=int(given.get("limit", DEFAULT_LIMIT)),
        after=after,
        city=_text(given.get("city")),
        name_prefix=_text(given.get("q")),
    )


def next_link(path: str, query_string: str, position: ListPosition) -> str:
    """The Link header value for the page after `position`, keeping the other parameters."""
    kept = {name: values[0] for name, values in _known_parameters(query_string).items() if name != "cursor"}
    cursor = encode_cursor((position.sort_key, position.id))
    return f'<{path}?{urlencode({**kept, "cursor": cursor})}>; rel="next"'


def _known_parameters(query_string: str) -> dict[str, list[str]]:
    parsed = parse_qs(query_string, keep_blank_values=True)
    return {name: values for name, values in parsed.items() if name in LIST_PARAMETERS}


def _typed(name: str, value: str) -> str | int:
    """Query values are text; the integer ones are read as integers when they look like one."""
    if LIST_PARAMETERS[name]["type"] == "integer" and _SMALL_INTEGER.fullmatch(value):
        return int(value)
    return value


def _text(value: str | int | None) -> str | None:
    return None if value is None else str(value)
