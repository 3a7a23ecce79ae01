"""CreateEmployee: add an employee and their address."""

import uuid
from dataclasses import dataclass, field

from domain import event_log
from domain.database import Database
from domain.employee import Employee, EmployeeFields
from domain.event_log import Metadata
from domain.events import EmployeeCreated
from domain.projections import project
from domain.timestamps import utc_now
from domain.transactions import transaction


@dataclass(frozen=True)
class CreateEmployee:
    fields: EmployeeFields
    employee_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def create_employee(command: CreateEmployee, db: Database, metadata: Metadata | None = None) -> Employee:
    employee = Employee(id=command.employee_id, version=1, fields=command.fields)
    address, now = command.fields.address, utc_now()
    with transaction(db):
        db.execute(
            "INSERT INTO employees (id, first_name, last_name, version, created_at, updated_at)"
            " VALUES (?, ?, ?, 1, ?, ?)",
            (employee.id, command.fields.first_name, command.fields.last_name, now, now),
        )
        db.execute(
            "INSERT INTO addresses (employee_id, street, zip, city) VALUES (?, ?, ?, ?)",
            (employee.id, address.street, address.zip, address.city),
        )
        event = EmployeeCreated(employee)
        project(db, event, event_log.append(db, event, metadata or Metadata()))
    return employee
