"""Idempotent requests (the IETF Idempotency-Key header): the first response to a key is stored
in the same transaction as the write it reports, and a retry with the same key and payload gets
that response again instead of a second write. Keys expire after RETENTION; expired keys are
purged by the next keyed request, so no background job is needed."""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from domain.database import Database
from domain.timestamps import iso_utc
from domain.transactions import transaction

RETENTION = timedelta(hours=24)
KEY_SCHEMA = {"type": "string", "pattern": r"^[\x21-\x7e]{1,255}$"}  # printable ASCII
_VALID_KEY = re.compile(KEY_SCHEMA["pattern"])


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


class InvalidIdempotencyKey(Exception):
    """The Idempotency-Key header is empty, too long or not printable ASCII (HTTP 400)."""


class IdempotencyKeyReused(Exception):
    """The key was first used with a different payload (HTTP 422)."""


@dataclass(frozen=True)
class IdempotencyKey:
    key: str
    fingerprint: str  # of the payload: a retry must send the same one

    @classmethod
    def of(cls, key: str, payload: Any) -> "IdempotencyKey":
        if not _VALID_KEY.match(key):
            raise InvalidIdempotencyKey("Idempotency-Key must be 1 to 255 printable ASCII characters")
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return cls(key, hashlib.sha256(canonical.encode()).hexdigest())


def respond_once(
    db: Database, key: IdempotencyKey, respond: Callable[[], StoredResponse], now: datetime
) -> tuple[StoredResponse, bool]:
    """The response for this key, and whether it is a replay. `respond` runs (and writes) only
    for a new key; if it fails, nothing is stored and the key stays unused."""
    with transaction(db):
        db.execute("DELETE FROM idempotency_keys WHERE created_at < ?", (iso_utc(now - RETENTION),))
        stored = _stored(db, key)
        if stored is not None:
            return stored, True
        response = respond()
        db.execute(
            "INSERT INTO idempotency_keys (key, fingerprint, status, headers, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                key.key,
                key.fingerprint,
                response.status,
                json.dumps(response.headers),
                response.body,
                iso_utc(now),
            ),
        )
        return response, False


def forget(db: Database, location: str) -> None:
    """Drop stored responses about a resource, e.g. when it is deleted and its data erased."""
    db.execute("DELETE FROM idempotency_keys WHERE json_extract(headers, '$.location') = ?", (location,))


def _stored(db: Database, key: IdempotencyKey) -> StoredResponse | None:
    rows = db.execute(
        "SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE key = ?", (key.key,)
    )
    if not rows:
        return None
    fingerprint, status, headers, body = rows[0]
    if fingerprint != key.fingerprint:
        raise IdempotencyKeyReused(f"Idempotency-Key {key.key!r} was used with a different payload")
    return StoredResponse(status, json.loads(headers), body)
