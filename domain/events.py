"""Domain events: what a command did, in the past tense, and how each is stored in the log.

Created and Updated carry the employee's whole state after the change, so any projector can be
rebuilt from the log alone. A deleted employee's earlier payloads are erased (see event_log);
an erased event still says what happened and when, but no longer to whom.
"""

import json
from dataclasses import dataclass
from typing import Any

from domain.employee import Address, Employee, EmployeeFields

SCHEMA_VERSION = 1


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


@dataclass(frozen=True)
class EventRecord:
    """An event as one row of the `events` table."""

    stream_id: str
    version: int
    type: str
    schema_version: int
    payload: str


ERASED_PAYLOAD = '{"erased":true}'


def to_record(event: Event) -> EventRecord:
    match event:
        case EmployeeCreated(employee=employee) | EmployeeUpdated(employee=employee):
            payload = json.dumps(_state(employee.fields), ensure_ascii=False, separators=(",", ":"))
            return EventRecord(employee.id, employee.version, type(event).__name__, SCHEMA_VERSION, payload)
        case EmployeeDeleted(employee_id=employee_id, version=version):
            return EventRecord(employee_id, version, "EmployeeDeleted", SCHEMA_VERSION, "{}")


def from_record(record: EventRecord) -> Event | None:
    """The event a stored row holds; None for an erased one, which no projector needs: its stream
    ends in EmployeeDeleted."""
    if record.type == "EmployeeDeleted":
        return EmployeeDeleted(record.stream_id, record.version)
    state = json.loads(record.payload)
    if state.get("erased"):
        return None
    employee = Employee(record.stream_id, record.version, _fields(state))
    return EmployeeCreated(employee) if record.type == "EmployeeCreated" else EmployeeUpdated(employee)


def state_of(record: EventRecord) -> dict[str, Any] | None:
    """The employee's state a Created or Updated row carries, flattened to JSON pointers; None for
    a deletion or an erased event."""
    event = from_record(record)
    if not isinstance(event, EmployeeCreated | EmployeeUpdated):
        return None
    state = _state(event.employee.fields)
    address = state.pop("address")
    return {**{f"/{k}": v for k, v in state.items()}, **{f"/address/{k}": v for k, v in address.items()}}


def _state(fields: EmployeeFields) -> dict[str, Any]:
    address = fields.address
    return {
        "firstName": fields.first_name,
        "lastName": fields.last_name,
        "address": {"street": address.street, "zip": address.zip, "city": address.city},
    }


def _fields(state: dict[str, Any]) -> EmployeeFields:
    address = state["address"]
    return EmployeeFields(state["firstName"], state["lastName"], Address(**address))
