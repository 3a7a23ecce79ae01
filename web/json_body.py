"""Reading a request body as one JSON object, strictly: anything else is the client's error."""

import json
from typing import Any

MAX_BODY_BYTES = 64 * 1024


class MalformedBody(Exception):
    """The body is not a single well-formed JSON object (HTTP 400)."""


class BodyTooLarge(Exception):
    """The body is over MAX_BODY_BYTES (HTTP 413)."""


def parse_json_object(body: bytes | None) -> dict[str, Any]:
    if body is not None and len(body) > MAX_BODY_BYTES:
        raise BodyTooLarge(f"the body is {len(body)} bytes; the limit is {MAX_BODY_BYTES}")
    try:
        document = json.loads(
            (body or b"").decode("utf-8"),
            object_pairs_hook=_reject_duplicate_keys,
            parse_constant=_reject_constant,
        )
    except UnicodeDecodeError as error:
        raise MalformedBody("the body is not valid UTF-8") from error
    except json.JSONDecodeError as error:
        raise MalformedBody(f"the body is not valid JSON: {error}") from error
    except RecursionError as error:
        raise MalformedBody("the body is nested too deeply") from error
    if not isinstance(document, dict):
        raise MalformedBody("the body must be a JSON object")
    return document


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise MalformedBody("the body has a duplicate key in one object")
    return document


def _reject_constant(name: str) -> Any:
    # Python accepts NaN and Infinity; JSON (RFC 8259) does not.
    raise MalformedBody(f"the body is not valid JSON: {name} is not a JSON value")
