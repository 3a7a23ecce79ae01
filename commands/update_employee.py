"""UpdateEmployee: replace an existing employee's names, address and optional fields (PUT semantics)."""

from dataclasses import dataclass

from domain.employee import Employee, EmployeeFields, ExpectedVersion, nothing_matched
from domain.events import EmployeeUpdated
from storage import event_log, optional_fields
from storage.event_log import Metadata
from storage.projectors import project
from storage.timestamps import utc_now
from storage.transaction import Transaction
from storage.versions import version_condition


@dataclass(frozen=True)
class UpdateEmployee:
    employee_id: str
    fields: EmployeeFields
    expected: ExpectedVersion | None = None


def update_employee(command: UpdateEmployee, tx: Transaction, metadata: Metadata | None = None) -> Employee:
    fields = command.fields
    condition, versions = version_condition(command.expected)
    rows = tx.execute(
        "UPDATE employees SET first_name = ?, last_name = ?, version = version + 1,"
        f" updated_at = ? WHERE id = ?{condition} RETURNING version",
        (fields.first_name, fields.last_name, utc_now(), command.employee_id, *versions),
    )
    if not rows:
        raise nothing_matched(command.employee_id, command.expected)
    tx.execute(
        "UPDATE addresses SET street = ?, zip = ?, city = ? WHERE employee_id = ?",
        (fields.address.street, fields.address.zip, fields.address.city, command.employee_id),
    )
    optional_fields.replace(tx, optional_fields.WRITE_MODEL, command.employee_id, fields.optional)
    employee = Employee(id=command.employee_id, version=rows[0][0], fields=fields)
    event = EmployeeUpdated(employee)
    project(tx, event, event_log.append(tx, event, metadata or Metadata()))
    return employee
