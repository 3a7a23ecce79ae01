"""Projectors: one per view table, each turning an event into that table's rows.

Commands call `project` inside their transaction, so a query sees a command's result as soon as
the command returns (read-your-writes). Because every change is also in the event log, a view can
be rebuilt from the log at any time (commands/rebuild_projections.py): a projector writes to the
table it is given, the live view or its staging copy.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass

from domain.employee import Employee
from domain.events import EmployeeCreated, EmployeeDeleted, Event, stream_id
from storage import optional_fields
from storage.transaction import Transaction


@dataclass(frozen=True)
class Projector:
    name: str
    table: str
    apply: Callable[[Transaction, str, Event], None]

    @property
    def staging_table(self) -> str:
        return f"{self.table}_rebuild"


def _list_row(employee: Employee) -> tuple[str, ...]:
    """(id, name, city, sort_key, city_key, first_key, last_key): what the list and the name-prefix
    views store of an employee, the keys case-folded for ordering and filtering."""
    fields = employee.fields
    return (
        employee.id,
        employee.list_name,
        fields.address.city,
        employee.list_name.casefold(),
        fields.address.city.casefold(),
        fields.first_name.casefold(),
        fields.last_name.casefold(),
    )


def apply_to_list(tx: Transaction, table: str, event: Event) -> None:
    if isinstance(event, EmployeeDeleted):
        tx.execute(f"DELETE FROM {table} WHERE id = ?", (event.employee_id,))
        return
    tx.execute(
        f"INSERT INTO {table} (id, name, city, sort_key, city_key, first_key, last_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name, city = excluded.city,"
        " sort_key = excluded.sort_key, city_key = excluded.city_key,"
        " first_key = excluded.first_key, last_key = excluded.last_key",
        _list_row(event.employee),
    )


MAX_PREFIX = 10  # longer `q` values seek on their first 10 characters, then filter


def name_prefixes(first_key: str, last_key: str) -> list[str]:
    """Every distinct prefix, up to MAX_PREFIX characters, of the case-folded first and last name."""
    return sorted({name[:length] for name in (first_key, last_key) for length in range(1, MAX_PREFIX + 1)})


def apply_to_name_prefixes(tx: Transaction, table: str, event: Event) -> None:
    if not isinstance(event, EmployeeCreated):  # an update or delete replaces what was there
        tx.execute(f"DELETE FROM {table} WHERE id = ?", (stream_id(event),))
    if isinstance(event, EmployeeDeleted):
        return
    row = _list_row(event.employee)
    *_, first_key, last_key = row
    # One statement for all of an employee's prefixes, its row sent once beside them: each
    # parameter is converted and copied into the host on its own, and a row per prefix made
    # this the dearest statement of a write.
    tx.execute(
        f"INSERT INTO {table} (prefix, id, name, city, sort_key, city_key, first_key, last_key)"
        " SELECT value, ?, ?, ?, ?, ?, ?, ? FROM json_each(?)",
        (*row, json.dumps(name_prefixes(first_key, last_key), ensure_ascii=False)),
    )


def apply_to_details(tx: Transaction, table: str, event: Event) -> None:
    if isinstance(event, EmployeeDeleted):
        tx.execute(f"DELETE FROM {table} WHERE id = ?", (event.employee_id,))
        return
    employee, fields = event.employee, event.employee.fields
    tx.execute(
        f"INSERT INTO {table} (id, first_name, last_name, street, zip, city, version)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
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


def apply_to_optional_fields(tx: Transaction, table: str, event: Event) -> None:
    if isinstance(event, EmployeeDeleted):
        optional_fields.delete(tx, table, event.employee_id)
    elif isinstance(event, EmployeeCreated):
        optional_fields.insert(tx, table, event.employee.id, event.employee.fields.optional)
    else:
        optional_fields.replace(tx, table, event.employee.id, event.employee.fields.optional)


PROJECTORS: tuple[Projector, ...] = (
    Projector("employee_list", "employee_list_view", apply_to_list),
    Projector("employee_name_prefixes", "employee_name_prefix_view", apply_to_name_prefixes),
    Projector("employee_details", "employee_details_view", apply_to_details),
    Projector("employee_optional_fields", "employee_optional_field_view", apply_to_optional_fields),
)
_NAMES = tuple(projector.name for projector in PROJECTORS)


def project(tx: Transaction, event: Event, seq: int) -> None:
    """Apply the event at log position `seq` to every live view, and move the checkpoint of every
    projector that was caught up. One that is behind (new, or being rebuilt) keeps its checkpoint,
    so its lag stays visible until a rebuild catches it up. A projector of newer code, which this
    code does not know and did not apply, keeps its checkpoint too."""
    for projector in PROJECTORS:
        projector.apply(tx, projector.table, event)
    tx.execute(
        "UPDATE projection_checkpoints SET last_seq = ?"
        f" WHERE last_seq = ? AND projector IN ({', '.join('?' for _ in _NAMES)})",
        (seq, seq - 1, *_NAMES),
    )
