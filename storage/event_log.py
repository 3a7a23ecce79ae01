"""The event log: appending a command's event, reading the log in order, and erasing a stream's
personal data. Writes run inside the caller's transaction."""

import uuid
from dataclasses import dataclass, field

from domain.employee import Employee
from domain.events import EmployeeCreated, EmployeeDeleted, EmployeeUpdated, Event, stream_id
from storage import event_payload
from storage.database import Database, Row
from storage.migrations import read_current
from storage.timestamps import utc_now
from storage.transaction import Transaction


@dataclass(frozen=True)
class Metadata:
    """What caused a command: the correlation id ties its events to the request and the logs; the
    actor is the id of the API key that sent it (None while the service runs without keys)."""

    correlation_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    actor: str | None = None


@dataclass(frozen=True)
class LoggedEvent:
    seq: int
    stream_id: str
    version: int
    type: str
    occurred_at: str
    correlation_id: str
    actor: str | None
    event: Event | None  # None once erased: the entry still says what happened and when


def append(tx: Transaction, event: Event, metadata: Metadata) -> int:
    """Add the event at the end of the log; its global sequence number."""
    if isinstance(event, EmployeeDeleted):
        version, payload = event.version, event_payload.EMPTY
    else:
        version, payload = event.employee.version, event_payload.encode(event.employee.fields)
    rows = tx.execute(
        "INSERT INTO events (stream_id, version, type, schema_version, payload, occurred_at, correlation_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq",
        (
            stream_id(event),
            version,
            type(event).__name__,
            event_payload.PAYLOAD_VERSION,
            payload,
            utc_now(),
            metadata.correlation_id,
        ),
    )
    seq: int = rows[0][0]
    if metadata.actor is not None:
        tx.execute("INSERT INTO event_actors (seq, actor) VALUES (?, ?)", (seq, metadata.actor))
    return seq


def erase(tx: Transaction, employee_id: str) -> None:
    """Remove personal data from a stream's payloads; types, versions and times stay."""
    tx.execute(
        "UPDATE events SET payload = ? WHERE stream_id = ? AND type != 'EmployeeDeleted'",
        (event_payload.ERASED, employee_id),
    )


_COLUMNS = "events.seq, stream_id, version, type, schema_version, payload, occurred_at, correlation_id, actor"
_FROM = "FROM events LEFT JOIN event_actors USING (seq)"


def read(tx: Transaction, after_seq: int, limit: int) -> list[LoggedEvent]:
    """Up to `limit` events after `after_seq`, in log order."""
    rows = tx.execute(
        f"SELECT {_COLUMNS} {_FROM} WHERE events.seq > ? ORDER BY events.seq LIMIT ?", (after_seq, limit)
    )
    return [_logged(row) for row in rows]


def stream(db: Database, employee_id: str) -> list[LoggedEvent]:
    """One employee's events, oldest first (a read: one statement with the schema check)."""
    select = f"SELECT {_COLUMNS} {_FROM} WHERE stream_id = ?"
    rows = read_current(db, select, (employee_id,), order_by=("version",))
    return [_logged(row) for row in rows]


def head(tx: Transaction) -> int:
    """The sequence number of the last event (0 for an empty log)."""
    rows = tx.execute("SELECT coalesce(max(seq), 0) FROM events")
    last: int = rows[0][0]
    return last


def _logged(row: Row) -> LoggedEvent:
    seq, stream, version, type_, payload_version, payload, occurred_at, correlation_id, actor = row
    event = _event(stream, version, type_, payload_version, payload)
    return LoggedEvent(seq, stream, version, type_, occurred_at, correlation_id, actor, event)


def _event(stream: str, version: int, type_: str, payload_version: int, payload: str) -> Event | None:
    if type_ == "EmployeeDeleted":
        return EmployeeDeleted(stream, version)
    fields = event_payload.decode(payload_version, payload)
    if fields is None:
        return None
    employee = Employee(stream, version, fields)
    return EmployeeCreated(employee) if type_ == "EmployeeCreated" else EmployeeUpdated(employee)
