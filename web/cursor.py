"""Opaque page cursors: a position in an ordered list, as a URL-safe token clients pass back."""

import base64
import binascii
import json

from web.json_schema import is_unicode

MAX_PART = 300  # no key this service orders by is longer


def encode_cursor(position: tuple[str, ...]) -> str:
    packed = json.dumps(list(position), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def decode_cursor(cursor: str, parts: int) -> tuple[str, ...] | None:
    """The position of `parts` strings a cursor names, or None for anything `encode_cursor` could
    not have issued."""
    try:
        unpacked = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(unpacked, list) or len(unpacked) != parts:
        return None
    if not all(isinstance(part, str) and len(part) <= MAX_PART and is_unicode(part) for part in unpacked):
        return None
    return tuple(unpacked)
