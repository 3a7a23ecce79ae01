"""Projectors: one per view table, each turning an event into that table's rows.

Commands call `project` inside their transaction, so a query sees a command's result as soon as
the command returns (read-your-writes), and the views are never out of step with the write tables.
"""

from collections.abc import Callable

from domain.database import Database
from domain.events import EmployeeDeleted, Event

Projector = Callable[[Database, Event], None]


def project_employee_list(db: Database, event: Event) -> None:
    if isinstance(event, EmployeeDeleted):
        db.execute("DELETE FROM employee_list_view WHERE id = ?", (event.employee_id,))
        return
    employee = event.employee
    db.execute(
        "INSERT OR REPLACE INTO employee_list_view (id, name, city, sort_key) VALUES (?, ?, ?, ?)",
        (employee.id, employee.list_name, employee.fields.address.city, employee.list_name.casefold()),
    )


def project_employee_details(db: Database, event: Event) -> None:
    if isinstance(event, EmployeeDeleted):
        db.execute("DELETE FROM employee_details_view WHERE id = ?", (event.employee_id,))
        return
    employee, fields = event.employee, event.employee.fields
    db.execute(
        "INSERT OR REPLACE INTO employee_details_view"
        " (id, first_name, last_name, street, zip, city, version) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            employee.id,
            fields.first_name,
            fields.last_name,
            fields.address.street,
            fields.address.zip,
            fields.address.city,
            employee.version,
        ),
    )


PROJECTORS: tuple[Projector, ...] = (project_employee_list, project_employee_details)


def project(db: Database, event: Event) -> None:
    """Apply one event to every view."""
    for projector in PROJECTORS:
        projector(db, event)
