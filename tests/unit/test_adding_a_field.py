"""Adding an optional field as docs/adding-a-field.md says, on a database the previous version of the
code made (tests/fixtures/database-v2.sql): the migration applies twice, the old rows are served,
the old events replay, and a rebuild equals the live views; then a field declared for these tests
alone (the product declares none) is stored, served, replayed, unset and erased."""

from pathlib import Path

import pytest

from api import representation
from commands.create_employee import CreateEmployee, create_employee
from domain.employee import Address, EmployeeFields
from storage.migrations import DATABASE_VERSION, applied_version
from tests.native_db import NativeDatabase
from tests.support import (
    body_of,
    rebuild_until_done,
    run_command,
    send,
    snapshot,
    table_names,
    valid_employee,
    views,
)
from web.json_schema import text

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "database-v2.sql"
# The employees in the fixture: Ada as created, Grace updated once, Katherine deleted and erased.
ADA = "fcb73696-f1b7-45ce-a413-e85efc06bce5"
GRACE = "1f9a19c5-217f-4615-9ab9-75df99fdc7c5"
KATHERINE = "44c8ec1e-e68d-44a7-a5c7-a4edb95a8acd"


@pytest.fixture
def previous(tmp_path: Path) -> NativeDatabase:
    """The database as version 2 of the code left it, not yet migrated."""
    db = NativeDatabase(tmp_path / "previous.db")
    db.connection.executescript(FIXTURE.read_text())
    return db


@pytest.fixture
def migrated(previous: NativeDatabase) -> NativeDatabase:
    previous.migrate()
    return previous


@pytest.fixture
def nickname(monkeypatch: pytest.MonkeyPatch) -> None:
    """The recipe's one step in code, for an optional `nickname`: an entry in OPTIONAL_FIELDS
    (here patched in, where a real field is written into api/representation.py)."""
    schema = text(40)
    monkeypatch.setattr(representation, "OPTIONAL_FIELDS", {"nickname": schema})
    monkeypatch.setitem(representation.EMPLOYEE_INPUT["properties"], "nickname", schema)


def test_the_previous_version_s_database_is_refused_with_a_503_until_migrated(
    previous: NativeDatabase,
) -> None:
    before = snapshot(previous)

    response = send(previous, "PUT", f"/employees/{GRACE}", valid_employee(), {"if-match": '"2"'})

    assert response.status == 503
    assert (body_of(response)["schemaVersion"], body_of(response)["requiredSchemaVersion"]) == (2, 3)
    assert snapshot(previous) == before


def test_the_migration_runs_twice_keeps_every_row_and_changes_nothing_the_second_time(
    previous: NativeDatabase,
) -> None:
    old_tables = table_names(previous)
    before = snapshot(previous)

    previous.migrate()
    once = list(previous.connection.iterdump())
    previous.migrate()

    assert list(previous.connection.iterdump()) == once
    assert applied_version(previous) == DATABASE_VERSION
    assert snapshot(previous, old_tables) == {
        **before,
        "projection_checkpoints": [*before["projection_checkpoints"], ("employee_optional_fields", 5, None)],
        "schema_migrations": snapshot(previous, ["schema_migrations"])["schema_migrations"],
    }


def test_after_the_migration_the_old_rows_are_served_and_the_old_events_replayed(
    migrated: NativeDatabase,
) -> None:
    ada = send(migrated, "GET", f"/employees/{ADA}")
    grace = body_of(send(migrated, "GET", f"/employees/{GRACE}"))
    listed = body_of(send(migrated, "GET", "/employees"))
    history = body_of(send(migrated, "GET", f"/employees/{GRACE}/history"))
    erased = body_of(send(migrated, "GET", f"/employees/{KATHERINE}/history"))

    assert (ada.status, ada.headers["etag"]) == (200, '"1"')
    assert body_of(ada) == {
        "id": ADA,
        **valid_employee(),
        "address": {"id": ADA, **valid_employee()["address"]},
    }
    assert grace["address"]["city"] == "Arlington"
    assert send(migrated, "GET", f"/employees/{KATHERINE}").status == 404
    assert [row["name"] for row in listed] == ["Hopper, Grace", "Lovelace, Ada"]
    assert [change["field"] for change in history[1]["changes"]] == [
        "/address/street",
        "/address/zip",
        "/address/city",
    ]
    assert [entry["erased"] for entry in erased] == [True, False]


def test_a_rebuild_after_the_migration_equals_the_live_views(migrated: NativeDatabase) -> None:
    live = views(migrated)

    rebuild_until_done(migrated, chunk_size=2)

    assert views(migrated) == live


@pytest.mark.usefixtures("nickname")
def test_a_new_optional_field_is_set_served_kept_in_history_and_rebuilt_on_the_migrated_database(
    migrated: NativeDatabase,
) -> None:
    body = valid_employee(nickname="Amazing Grace")

    replaced = send(migrated, "PUT", f"/employees/{GRACE}", body, {"if-match": '"2"'})
    served = body_of(send(migrated, "GET", f"/employees/{GRACE}"))
    listed = body_of(send(migrated, "GET", "/employees"))
    history = body_of(send(migrated, "GET", f"/employees/{GRACE}/history"))
    live = views(migrated)
    rebuild_until_done(migrated, chunk_size=2)

    assert replaced.status == 200
    assert body_of(replaced)["nickname"] == served["nickname"] == "Amazing Grace"
    assert all("nickname" not in row for row in listed)
    assert {"field": "/nickname", "from": None, "to": "Amazing Grace"} in history[-1]["changes"]
    assert views(migrated) == live


@pytest.mark.usefixtures("nickname")
def test_a_put_without_the_optional_field_unsets_it(migrated: NativeDatabase) -> None:
    send(migrated, "PUT", f"/employees/{ADA}", valid_employee(nickname="Countess"), {"if-match": '"1"'})

    replaced = send(migrated, "PUT", f"/employees/{ADA}", valid_employee(), {"if-match": '"2"'})
    history = body_of(send(migrated, "GET", f"/employees/{ADA}/history"))

    assert "nickname" not in body_of(replaced)
    assert "nickname" not in body_of(send(migrated, "GET", f"/employees/{ADA}"))
    assert history[-1]["changes"] == [{"field": "/nickname", "from": "Countess", "to": None}]
    assert migrated.execute("SELECT * FROM employee_optional_fields") == []


@pytest.mark.usefixtures("nickname")
def test_an_invalid_optional_field_is_a_422_that_writes_nothing(migrated: NativeDatabase) -> None:
    before = snapshot(migrated)

    response = send(migrated, "POST", "/employees", valid_employee(nickname="x" * 41))

    assert response.status == 422
    assert body_of(response)["errors"][0]["pointer"] == "/nickname"
    assert snapshot(migrated) == before


@pytest.mark.usefixtures("nickname")
def test_deleting_an_employee_erases_their_optional_fields_everywhere(migrated: NativeDatabase) -> None:
    created = body_of(send(migrated, "POST", "/employees", valid_employee(nickname="Whistler-7")))

    assert send(migrated, "DELETE", f"/employees/{created['id']}").status == 204

    assert "Whistler-7" not in "\n".join(migrated.connection.iterdump())


def test_a_field_this_code_does_not_publish_is_kept_but_not_shown(migrated: NativeDatabase) -> None:
    # As newer code that declares `department` would have written it, before a rollback.
    address = Address("1 Main St", "12345", "Springfield")
    stored = EmployeeFields("Lisa", "Simpson", address, {"department": "Saxophone"})
    employee = run_command(migrated, create_employee, CreateEmployee(stored))

    served = body_of(send(migrated, "GET", f"/employees/{employee.id}"))

    assert "department" not in served
    assert migrated.execute("SELECT name, value FROM employee_optional_field_view") == [
        ("department", '"Saxophone"')
    ]


def test_code_that_does_not_know_a_projector_leaves_its_checkpoint_behind(migrated: NativeDatabase) -> None:
    # A projector of newer code: this code cannot apply events for it, so it must not claim it did.
    migrated.execute("INSERT INTO projection_checkpoints (projector, last_seq) VALUES ('employee_emails', 5)")

    send(migrated, "POST", "/employees", valid_employee())

    checkpoints: dict[str, int] = dict(
        migrated.execute("SELECT projector, last_seq FROM projection_checkpoints")
    )
    assert checkpoints.pop("employee_emails") == 5
    assert set(checkpoints.values()) == {6}
