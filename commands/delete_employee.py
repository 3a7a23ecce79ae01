"""DeleteEmployee: remove an employee and their address, and erase their personal data from the
event log, in one transaction."""

from dataclasses import dataclass

from domain import event_log
from domain.database import Database
from domain.employee import ExpectedVersion, nothing_matched, version_condition
from domain.event_log import Metadata
from domain.events import EmployeeDeleted
from domain.projections import project
from domain.transactions import transaction


@dataclass(frozen=True)
class DeleteEmployee:
    employee_id: str
    expected: ExpectedVersion | None = None


def delete_employee(command: DeleteEmployee, db: Database, metadata: Metadata | None = None) -> None:
    condition, versions = version_condition(command.expected)
    with transaction(db):
        rows = db.execute(
            f"DELETE FROM employees WHERE id = ?{condition} RETURNING version",
            (command.employee_id, *versions),
        )
        if not rows:
            raise nothing_matched(command.employee_id, command.expected)
        # ON DELETE CASCADE does this where foreign keys are on; not every host turns them on, and
        # the service sends no PRAGMA for it (one round trip per write saved).
        db.execute("DELETE FROM addresses WHERE employee_id = ?", (command.employee_id,))
        event = EmployeeDeleted(command.employee_id, rows[0][0] + 1)
        project(db, event, event_log.append(db, event, metadata or Metadata()))
        event_log.erase(db, command.employee_id)
