"""A failure at any step of any command leaves every table exactly as it was."""

from collections.abc import Callable

import pytest

from commands.create_employee import CreateEmployee, create_employee
from commands.delete_employee import DeleteEmployee, delete_employee
from commands.update_employee import UpdateEmployee, update_employee
from domain.employee import Address, EmployeeFields
from storage.database import DatabaseError
from tests.native_db import NativeDatabase
from tests.support import run_command

ADA = EmployeeFields("Ada", "Lovelace", Address("12 St James Square", "SW1Y 4JH", "London"))
GRACE = EmployeeFields("Grace", "Hopper", Address("1 Navy Way", "20001", "Arlington"))
EXISTING = "00000000-0000-4000-8000-000000000001"

TABLES = (
    "employees",
    "addresses",
    "events",
    "employee_list_view",
    "employee_name_prefix_view",
    "employee_details_view",
    "projection_checkpoints",
    "idempotency_keys",
    "sqlite_sequence",
)

Command = Callable[[NativeDatabase], object]
COMMANDS: dict[str, Command] = {
    "create": lambda db: run_command(db, create_employee, CreateEmployee(GRACE)),
    "update": lambda db: run_command(db, update_employee, UpdateEmployee(EXISTING, GRACE)),
    "delete": lambda db: run_command(db, delete_employee, DeleteEmployee(EXISTING)),
}

# Every write each command makes, in order: the write model, the log, each projector, checkpoints.
STEPS = {
    "create": [
        ("INSERT", "employees"),
        ("INSERT", "addresses"),
        ("INSERT", "events"),
        ("INSERT", "employee_list_view"),
        ("INSERT", "employee_name_prefix_view"),
        ("INSERT", "employee_details_view"),
        ("UPDATE", "projection_checkpoints"),
    ],
    "update": [
        ("UPDATE", "employees"),
        ("UPDATE", "addresses"),
        ("INSERT", "events"),
        ("UPDATE", "employee_list_view"),
        ("DELETE", "employee_name_prefix_view"),
        ("INSERT", "employee_name_prefix_view"),
        ("UPDATE", "employee_details_view"),
        ("UPDATE", "projection_checkpoints"),
    ],
    "delete": [
        ("DELETE", "employees"),
        ("DELETE", "addresses"),
        ("INSERT", "events"),
        ("DELETE", "employee_list_view"),
        ("DELETE", "employee_name_prefix_view"),
        ("DELETE", "employee_details_view"),
        ("UPDATE", "projection_checkpoints"),
        ("UPDATE", "events"),  # erasure of the earlier payloads
    ],
}

CASES = [(command, action, table) for command, steps in STEPS.items() for action, table in steps]


def snapshot(db: NativeDatabase) -> dict[str, list[tuple[object, ...]]]:
    return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1") for table in TABLES}


@pytest.mark.parametrize(("command", "action", "table"), CASES, ids=[f"{c}-{a}-{t}" for c, a, t in CASES])
def test_a_failure_at_any_step_leaves_every_table_unchanged(
    db: NativeDatabase, command: str, action: str, table: str
) -> None:
    run_command(db, create_employee, CreateEmployee(ADA, employee_id=EXISTING))
    run_command(db, update_employee, UpdateEmployee(EXISTING, ADA))
    before = snapshot(db)
    db.connection.execute(
        f"CREATE TEMP TRIGGER fail BEFORE {action} ON {table}"
        " BEGIN SELECT RAISE(ABORT, 'test-only forced failure'); END"
    )

    with pytest.raises(DatabaseError):
        COMMANDS[command](db)

    assert snapshot(db) == before
    db.execute("DROP TRIGGER fail")
    COMMANDS[command](db)  # and the same command succeeds once the fault is gone
