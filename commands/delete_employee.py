"""DeleteEmployee: remove an employee; their address goes with them (ON DELETE CASCADE)."""

from dataclasses import dataclass

from domain.database import Database, transaction
from domain.employee import ExpectedVersion, nothing_matched, version_condition
from domain.events import EmployeeDeleted
from domain.projections import project


@dataclass(frozen=True)
class DeleteEmployee:
    employee_id: str
    expected: ExpectedVersion | None = None


def delete_employee(command: DeleteEmployee, db: Database) -> None:
    condition, versions = version_condition(command.expected)
    with transaction(db):
        rows = db.execute(
            f"DELETE FROM employees WHERE id = ?{condition} RETURNING id",
            (command.employee_id, *versions),
        )
        if not rows:
            raise nothing_matched(command.employee_id, command.expected)
        project(db, EmployeeDeleted(command.employee_id))
