"""Reading a request body as one JSON object, strictly: anything else is the client's error. Strict
means I-JSON (RFC 7493): UTF-8, no duplicate keys, no NaN, and no lone surrogate escapes, which
JSON's grammar allows but no text holds, and which the schemas (web/json_schema.py) never see."""

import json
import re
from typing import Any

from web.json_schema import is_unicode

MAX_BODY_BYTES = 64 * 1024

# curl -d sends this type by default; people try REST samples that way, so it is read as JSON.
_ACCEPTED_TYPES = ("application/json", "application/x-www-form-urlencoded")
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]")


class MalformedBody(Exception):
    """The body is not a single well-formed JSON object (HTTP 400)."""


class BodyTooLarge(Exception):
    """The body is over MAX_BODY_BYTES (HTTP 413)."""


class UnsupportedMediaType(Exception):
    """The Content-Type says the body is something other than JSON (HTTP 415)."""


def parse_json_object(body: bytes | None, content_type: str | None, max_depth: int) -> dict[str, Any]:
    """The body as a JSON object nested at most `max_depth` levels (objects and arrays)."""
    _check_media_type(content_type)
    if body is not None and len(body) > MAX_BODY_BYTES:
        raise BodyTooLarge(f"the body is {len(body)} bytes; the limit is {MAX_BODY_BYTES}")
    try:
        text = (body or b"").decode("utf-8")
    except UnicodeDecodeError as error:
        raise MalformedBody("the body is not valid UTF-8") from error
    _check_depth(text, max_depth)
    try:
        document = json.loads(text, object_pairs_hook=_reject_duplicate_keys, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise MalformedBody(f"the body is not valid JSON: {error}") from error
    except ValueError as error:  # Python refuses integers of more than 4300 digits
        raise MalformedBody("the body has a number too long to read") from error
    if not isinstance(document, dict):
        raise MalformedBody("the body must be a JSON object")
    if "\\u" in text and not is_unicode(json.dumps(document, ensure_ascii=False)):
        raise MalformedBody("the body has a lone surrogate (such as \\ud800 unpaired); JSON text is Unicode")
    return document


def _check_media_type(content_type: str | None) -> None:
    if content_type is None:
        return
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type in _ACCEPTED_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        return
    raise UnsupportedMediaType(f"the body must be application/json, not {media_type[:100]!r}")


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse deep nesting before parsing it, so the parser never recurses on a client's behalf."""
    if text.count("{") + text.count("[") <= max_depth:
        return
    depth = 0
    for bracket in _NOT_A_BRACKET.sub("", _JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > max_depth:
            raise MalformedBody(f"the body is nested deeper than {max_depth} levels")


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise MalformedBody("the body has a duplicate key in one object")
    return document


def _reject_constant(name: str) -> Any:
    # Python accepts NaN and Infinity; JSON (RFC 8259) does not.
    raise MalformedBody(f"the body is not valid JSON: {name} is not a JSON value")
