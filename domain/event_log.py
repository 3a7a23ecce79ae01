"""The event log: appending a command's event, reading the log in order, and erasing a stream's
personal data. Everything here runs inside the caller's transaction."""

import uuid
from dataclasses import dataclass, field

from domain.database import Database, Row
from domain.events import ERASED_PAYLOAD, Event, EventRecord, to_record
from domain.migrations import read_current
from domain.timestamps import utc_now


@dataclass(frozen=True)
class Metadata:
    """Who caused a command: the correlation id ties its events to the request and the logs."""

    correlation_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True)
class LoggedEvent:
    seq: int
    record: EventRecord
    occurred_at: str
    correlation_id: str


def append(db: Database, event: Event, metadata: Metadata) -> int:
    """Add the event at the end of the log; its global sequence number."""
    record = to_record(event)
    rows = db.execute(
        "INSERT INTO events (stream_id, version, type, schema_version, payload, occurred_at, correlation_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        (
            record.stream_id,
            record.version,
            record.type,
            record.schema_version,
            record.payload,
            utc_now(),
            metadata.correlation_id,
        ),
    )
    seq: int = rows[0][0]
    return seq


def erase(db: Database, stream_id: str) -> None:
    """Remove personal data from a stream's payloads; types, versions and times stay."""
    db.execute(
        "UPDATE events SET payload = ? WHERE stream_id = ? AND type != 'EmployeeDeleted'",
        (ERASED_PAYLOAD, stream_id),
    )


_COLUMNS = "seq, stream_id, version, type, schema_version, payload, occurred_at, correlation_id"


def read(db: Database, after_seq: int, limit: int) -> list[LoggedEvent]:
    """Up to `limit` events after `after_seq`, in log order."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (after_seq, limit))
    return [_logged(row) for row in rows]


def stream(db: Database, stream_id: str) -> list[LoggedEvent]:
    """One employee's events, oldest first (a read: one statement with the schema check)."""
    select = f"SELECT {_COLUMNS} FROM events WHERE stream_id = ?"
    rows = read_current(db, select, (stream_id,), order_by=("version",))
    return [_logged(row) for row in rows]


def head(db: Database) -> int:
    """The sequence number of the last event (0 for an empty log)."""
    rows = db.execute("SELECT coalesce(max(seq), 0) FROM events")
    last: int = rows[0][0]
    return last


def _logged(row: Row) -> LoggedEvent:
    seq, stream_id, version, type_, schema_version, payload, occurred_at, correlation_id = row
    record = EventRecord(stream_id, version, type_, schema_version, payload)
    return LoggedEvent(seq, record, occurred_at, correlation_id)
