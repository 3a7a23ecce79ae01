import pytest

from commands.create_employee import CreateEmployee, create_employee
from commands.delete_employee import DeleteEmployee, delete_employee
from commands.update_employee import UpdateEmployee, update_employee
from domain.employee import Address, EmployeeFields
from domain.errors import NotFound
from storage.database import DatabaseError
from tests.native_db import NativeDatabase
from tests.support import run_command, snapshot

ADA = EmployeeFields("Ada", "Lovelace", Address("12 St James's Square", "SW1Y 4JH", "London"))
GRACE = EmployeeFields("Grace", "Hopper", Address("1 Navy Way", "20001", "Arlington"))


def test_create_writes_the_write_tables_and_both_views(db: NativeDatabase) -> None:
    created = run_command(db, create_employee, CreateEmployee(ADA))

    assert created.version == 1
    assert db.execute("SELECT first_name, last_name, version FROM employees") == [("Ada", "Lovelace", 1)]
    assert db.execute("SELECT employee_id, city FROM addresses") == [(created.id, "London")]
    assert db.execute("SELECT id, name, city FROM employee_list_view") == [
        (created.id, "Lovelace, Ada", "London")
    ]
    assert db.execute("SELECT first_name, zip, version FROM employee_details_view") == [
        ("Ada", "SW1Y 4JH", 1)
    ]


def test_create_gives_each_employee_a_new_uuid4(db: NativeDatabase) -> None:
    first = run_command(db, create_employee, CreateEmployee(ADA))
    second = run_command(db, create_employee, CreateEmployee(ADA))
    assert first.id != second.id
    assert first.id[14] == "4"  # the UUID version digit


def test_update_replaces_every_field_and_bumps_the_version(db: NativeDatabase) -> None:
    created = run_command(db, create_employee, CreateEmployee(ADA))
    updated = run_command(db, update_employee, UpdateEmployee(created.id, GRACE))

    assert updated.version == 2
    assert db.execute("SELECT first_name, version FROM employees") == [("Grace", 2)]
    assert db.execute("SELECT street, zip, city FROM addresses") == [("1 Navy Way", "20001", "Arlington")]
    assert db.execute("SELECT name, city FROM employee_list_view") == [("Hopper, Grace", "Arlington")]
    assert db.execute("SELECT last_name, city, version FROM employee_details_view") == [
        ("Hopper", "Arlington", 2)
    ]


def test_update_of_an_unknown_id_raises_not_found_and_creates_nothing(db: NativeDatabase) -> None:
    before = snapshot(db)
    with pytest.raises(NotFound):
        run_command(db, update_employee, UpdateEmployee("00000000-0000-4000-8000-000000000000", ADA))
    assert snapshot(db) == before


def test_delete_removes_the_employee_their_address_and_their_view_rows(db: NativeDatabase) -> None:
    kept = run_command(db, create_employee, CreateEmployee(GRACE))
    before = snapshot(db)
    gone = run_command(db, create_employee, CreateEmployee(ADA))

    run_command(db, delete_employee, DeleteEmployee(gone.id))

    after = snapshot(db)
    # Every table is as it was before Ada, but the log (her two events), its counter and the
    # checkpoints that follow it.
    changed = {table for table in after if after[table] != before[table]}
    assert changed == {"events", "sqlite_sequence", "projection_checkpoints"}
    assert db.execute("SELECT id FROM employee_details_view") == [(kept.id,)]


def test_delete_twice_raises_not_found_the_second_time(db: NativeDatabase) -> None:
    created = run_command(db, create_employee, CreateEmployee(ADA))
    run_command(db, delete_employee, DeleteEmployee(created.id))
    with pytest.raises(NotFound):
        run_command(db, delete_employee, DeleteEmployee(created.id))


def test_the_database_itself_refuses_a_second_address_for_one_employee(db: NativeDatabase) -> None:
    created = run_command(db, create_employee, CreateEmployee(ADA))
    with pytest.raises(DatabaseError):
        db.execute("INSERT INTO addresses VALUES (?, 'x', 'y', 'z')", (created.id,))
