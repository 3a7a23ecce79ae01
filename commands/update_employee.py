"""UpdateEmployee: replace an existing employee's names and address (PUT semantics)."""

from dataclasses import dataclass

from domain.database import Database, transaction
from domain.employee import Employee, EmployeeFields
from domain.errors import NotFound
from domain.events import EmployeeUpdated
from domain.projections import project
from domain.timestamps import utc_now


@dataclass(frozen=True)
class UpdateEmployee:
    employee_id: str
    fields: EmployeeFields


def update_employee(command: UpdateEmployee, db: Database) -> Employee:
    fields = command.fields
    with transaction(db):
        rows = db.execute(
            "UPDATE employees SET first_name = ?, last_name = ?, version = version + 1,"
            " updated_at = ? WHERE id = ? RETURNING version",
            (fields.first_name, fields.last_name, utc_now(), command.employee_id),
        )
        if not rows:
            raise NotFound(command.employee_id)
        db.execute(
            "UPDATE addresses SET street = ?, zip = ?, city = ? WHERE employee_id = ?",
            (fields.address.street, fields.address.zip, fields.address.city, command.employee_id),
        )
        employee = Employee(id=command.employee_id, version=rows[0][0], fields=fields)
        project(db, EmployeeUpdated(employee))
    return employee
