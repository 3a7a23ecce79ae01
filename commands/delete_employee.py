"""DeleteEmployee: remove an employee; their address goes with them (ON DELETE CASCADE)."""

from dataclasses import dataclass

from domain.database import Database, transaction
from domain.errors import NotFound
from domain.events import EmployeeDeleted
from domain.projections import project


@dataclass(frozen=True)
class DeleteEmployee:
    employee_id: str


def delete_employee(command: DeleteEmployee, db: Database) -> None:
    with transaction(db):
        rows = db.execute("DELETE FROM employees WHERE id = ? RETURNING id", (command.employee_id,))
        if not rows:
            raise NotFound(command.employee_id)
        project(db, EmployeeDeleted(command.employee_id))
