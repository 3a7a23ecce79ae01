"""Domain events: what a command did, in the past tense. Projectors turn them into view rows."""

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


Event = EmployeeCreated | EmployeeUpdated | EmployeeDeleted
