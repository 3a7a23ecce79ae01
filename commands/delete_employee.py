"""DeleteEmployee: remove an employee, their address and optional fields, and erase their
personal data from the event log."""

from dataclasses import dataclass

from domain.employee import ExpectedVersion, nothing_matched
from domain.events import EmployeeDeleted
from storage import event_log, optional_fields
from storage.event_log import Metadata
from storage.projectors import project
from storage.transaction import Transaction
from storage.versions import version_condition


@dataclass(frozen=True)
class DeleteEmployee:
    employee_id: str
    expected: ExpectedVersion | None = None


def delete_employee(command: DeleteEmployee, tx: Transaction, metadata: Metadata | None = None) -> None:
    condition, versions = version_condition(command.expected)
    rows = tx.execute(
        f"DELETE FROM employees WHERE id = ?{condition} RETURNING version",
        (command.employee_id, *versions),
    )
    if not rows:
        raise nothing_matched(command.employee_id, command.expected)
    # ON DELETE CASCADE does this where foreign keys are on; not every host turns them on, and
    # the service sends no PRAGMA for it (one round trip per write saved).
    tx.execute("DELETE FROM addresses WHERE employee_id = ?", (command.employee_id,))
    optional_fields.delete(tx, optional_fields.WRITE_MODEL, command.employee_id)
    event = EmployeeDeleted(command.employee_id, rows[0][0] + 1)
    project(tx, event, event_log.append(tx, event, metadata or Metadata()))
    event_log.erase(tx, command.employee_id)
