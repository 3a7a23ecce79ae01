"""CreateEmployee: add an employee and their address."""

import uuid
from dataclasses import dataclass, field

from domain.employee import Employee, EmployeeFields
from domain.events import EmployeeCreated
from storage import event_log, optional_fields
from storage.event_log import Metadata
from storage.projectors import project
from storage.timestamps import utc_now
from storage.transaction import Transaction


@dataclass(frozen=True)
class CreateEmployee:
    fields: EmployeeFields
    employee_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def create_employee(command: CreateEmployee, tx: Transaction, metadata: Metadata | None = None) -> Employee:
    employee = Employee(id=command.employee_id, version=1, fields=command.fields)
    address, now = command.fields.address, utc_now()
    tx.execute(
        "INSERT INTO employees (id, first_name, last_name, version, created_at, updated_at)"
        " VALUES (?, ?, ?, 1, ?, ?)",
        (employee.id, command.fields.first_name, command.fields.last_name, now, now),
    )
    tx.execute(
        "INSERT INTO addresses (employee_id, street, zip, city) VALUES (?, ?, ?, ?)",
        (employee.id, address.street, address.zip, address.city),
    )
    optional_fields.insert(tx, optional_fields.WRITE_MODEL, employee.id, command.fields.optional)
    event = EmployeeCreated(employee)
    project(tx, event, event_log.append(tx, event, metadata or Metadata()))
    return employee
