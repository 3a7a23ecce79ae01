"""An employee's history, read from the event log: what happened, when, and the state after it."""

from dataclasses import dataclass

from domain.employee import EmployeeFields
from domain.events import EmployeeCreated, EmployeeUpdated
from storage import event_log
from storage.database import Database


@dataclass(frozen=True)
class HistoryEntry:
    type: str
    version: int
    occurred_at: str
    fields: EmployeeFields | None  # the state after a create or update; None for a deletion
    erased: bool  # personal data removed when the employee was deleted
    actor: str | None  # the API key id that caused it; None when keys were off


def history(db: Database, employee_id: str) -> list[HistoryEntry] | None:
    """Oldest first; None when the log has never seen this employee."""
    logged = event_log.stream(db, employee_id)
    if not logged:
        return None
    return [
        HistoryEntry(
            entry.type,
            entry.version,
            entry.occurred_at,
            entry.event.employee.fields
            if isinstance(entry.event, EmployeeCreated | EmployeeUpdated)
            else None,
            erased=entry.event is None,
            actor=entry.actor,
        )
        for entry in logged
    ]
