"""Idempotency records: the first response to an Idempotency-Key, stored in the same transaction
as the write it reports, so a retry gets that response again instead of a second write. Keys
expire after RETENTION; the next keyed request purges expired ones, so no background job is needed."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.timestamps import iso_utc
from storage.transaction import Transaction

RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


class IdempotencyKeyReused(Exception):
    """The key was first used with a different payload (HTTP 422)."""


def stored_response(tx: Transaction, key: str, fingerprint: str, now: datetime) -> StoredResponse | None:
    """The response recorded for this key, if any (after purging expired keys); IdempotencyKeyReused
    if the key came with a payload of another fingerprint."""
    tx.execute("DELETE FROM idempotency_keys WHERE created_at < ?", (iso_utc(now - RETENTION),))
    rows = tx.execute("SELECT fingerprint, status, headers, body FROM idempotency_keys WHERE key = ?", (key,))
    if not rows:
        return None
    recorded, status, headers, body = rows[0]
    if recorded != fingerprint:
        raise IdempotencyKeyReused(f"Idempotency-Key {key!r} was used with a different payload")
    return StoredResponse(status, json.loads(headers), body)


def record(tx: Transaction, key: str, fingerprint: str, response: StoredResponse, now: datetime) -> None:
    tx.execute(
        "INSERT INTO idempotency_keys (key, fingerprint, status, headers, body, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (key, fingerprint, response.status, json.dumps(response.headers), response.body, iso_utc(now)),
    )


def forget(tx: Transaction, location: str) -> None:
    """Drop stored responses about a resource, e.g. when it is deleted and its data erased."""
    tx.execute("DELETE FROM idempotency_keys WHERE json_extract(headers, '$.location') = ?", (location,))
