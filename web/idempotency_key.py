"""The Idempotency-Key request header (IETF draft-ietf-httpapi-idempotency-key-header): a key, and
a fingerprint of the payload it was sent with, so a retry can be told from a reuse."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from web.ecma_regex import compiled

KEY_SCHEMA = {"type": "string", "pattern": r"^[\x21-\x7e]{1,255}$"}  # printable ASCII
_VALID_KEY = compiled(KEY_SCHEMA["pattern"])  # at import: in the pre-initialized snapshot


class InvalidIdempotencyKey(Exception):
    """The Idempotency-Key header is empty, too long or not printable ASCII (HTTP 400)."""


@dataclass(frozen=True)
class IdempotencyKey:
    key: str
    fingerprint: str  # of the payload: a retry must send the same one

    @classmethod
    def of(cls, key: str, payload: Any) -> "IdempotencyKey":
        if not _VALID_KEY.search(key):
            raise InvalidIdempotencyKey("Idempotency-Key must be 1 to 255 printable ASCII characters")
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return cls(key, hashlib.sha256(canonical.encode()).hexdigest())
