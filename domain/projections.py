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
    fields = event.employee.fields
    db.execute(
        "INSERT INTO employee_list_view (id, name, city, sort_key, city_key, first_key, last_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, city = excluded.city,"
        " sort_key = excluded.sort_key, city_key = excluded.city_key,"
        " first_key = excluded.first_key, last_key = excluded.last_key",
        (
            event.employee.id,
            event.employee.list_name,
            fields.address.city,
            event.employee.list_name.casefold(),
            fields.address.city.casefold(),
            fields.first_name.casefold(),
            fields.last_name.casefold(),
        ),
    )


def project_employee_details(db: Database, event: Event) -> None:
    if isinstance(event, EmployeeDeleted):
        db.execute("DELETE FROM employee_details_view WHERE id = ?", (event.employee_id,))
        return
    employee, fields = event.employee, event.employee.fields
    db.execute(
        "INSERT INTO employee_details_view"
        " (id, first_name, last_name, street, zip, city, version) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name,"
        " last_name = excluded.last_name, street = excluded.street, zip = excluded.zip,"
        " city = excluded.city, version = excluded.version",
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
