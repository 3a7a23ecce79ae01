"""Domain events: what a command did, in the past tense.

Created and Updated carry the employee's whole state after the change, so any projector can be
rebuilt from the log alone. How they are stored is storage/event_log.py's business.
"""

from dataclasses import dataclass

from domain.employee import Employee


@dataclass(frozen=True)
class EmployeeCreated:
    employee: Employee


@dataclass(frozen=True)
class EmployeeUpdated:
    employee: Employee


@dataclass(frozen=True)
class EmployeeDeleted:
    employee_id: str
    version: int


Event = EmployeeCreated | EmployeeUpdated | EmployeeDeleted


def stream_id(event: Event) -> str:
    """The employee an event is about."""
    return event.employee_id if isinstance(event, EmployeeDeleted) else event.employee.id
