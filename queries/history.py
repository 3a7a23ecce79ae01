"""An employee's history, read from the event log: what happened, when, and what changed."""

from dataclasses import dataclass
from typing import Any

from domain import event_log
from domain.database import Database
from domain.events import state_of


@dataclass(frozen=True)
class Change:
    field: str  # a JSON pointer into the employee, e.g. /address/city
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    type: str
    version: int
    occurred_at: str
    changes: list[Change]
    erased: bool  # personal data removed when the employee was deleted


def history(db: Database, employee_id: str) -> list[HistoryEntry] | None:
    """Oldest first; None when the log has never seen this employee."""
    logged = event_log.stream(db, employee_id)
    if not logged:
        return None
    entries: list[HistoryEntry] = []
    previous: dict[str, Any] = {}
    for event in logged:
        state = state_of(event.record)
        erased = state is None and event.record.type != "EmployeeDeleted"
        changes = _changes(previous, state) if state is not None else []
        entries.append(
            HistoryEntry(event.record.type, event.record.version, event.occurred_at, changes, erased)
        )
        previous = state or previous
    return entries


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    return [
        Change(field, before.get(field), value)
        for field, value in after.items()
        if before.get(field) != value
    ]
