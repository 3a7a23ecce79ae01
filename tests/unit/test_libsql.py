"""The service on libSQL, the engine behind SpinKube's and Turso's `type = "libsql"` databases:
the same migrations.sql, commands, views and rollbacks as on Spin's SQLite."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.migrations import DATABASE_VERSION, applied_version
from tests.libsql_db import LibsqlDatabase
from tests.support import (
    Call,
    body_of,
    corrupt,
    rebuild_until_done,
    run_random_commands,
    snapshot,
    valid_employee,
    views,
)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[LibsqlDatabase]:
    """Replaces conftest's sqlite3 database in this module, so its `call` goes through libSQL."""
    database = LibsqlDatabase(tmp_path / "cqrs.db")
    database.migrate()
    yield database
    database.close()


def counts(db: LibsqlDatabase) -> dict[str, int]:
    """How many rows each table holds that holds any."""
    return {table: len(rows) for table, rows in snapshot(db).items() if rows}


def test_migrations_apply_on_libsql_twice_and_record_the_schema_version(
    call: Call, db: LibsqlDatabase
) -> None:
    db.migrate()

    assert applied_version(db) == DATABASE_VERSION
    assert body_of(call("GET", "/healthz"))["schemaVersion"] == DATABASE_VERSION


def test_an_employee_lives_and_is_erased_on_libsql_as_on_spin_sqlite(call: Call, db: LibsqlDatabase) -> None:
    created = call("POST", "/employees", valid_employee())
    employee_id = body_of(created)["id"]
    stale = created.headers["etag"]
    updated = call(
        "PUT", f"/employees/{employee_id}", valid_employee(firstName="Augusta"), {"if-match": stale}
    )
    conflict = call("PUT", f"/employees/{employee_id}", valid_employee(), {"if-match": stale})
    listed = body_of(call("GET", "/employees?city=LONDON&q=aug"))
    deleted = call("DELETE", f"/employees/{employee_id}")
    history = body_of(call("GET", f"/employees/{employee_id}/history"))

    assert (created.status, updated.status, conflict.status, deleted.status) == (201, 200, 412, 204)
    assert listed == [{"id": employee_id, "name": "Lovelace, Augusta", "city": "London"}]
    assert call("GET", f"/employees/{employee_id}").status == 404
    assert [entry["type"] for entry in history] == ["EmployeeCreated", "EmployeeUpdated", "EmployeeDeleted"]
    assert [entry["erased"] for entry in history] == [True, True, False]  # the deletion holds no data
    # Only the log remains (with its counter), beside what migrations.sql wrote.
    assert counts(db) == {
        "events": 3,
        "sqlite_sequence": 1,
        "projection_checkpoints": 4,
        "schema_migrations": 3,
    }


def test_a_replayed_idempotency_key_creates_one_employee_on_libsql(call: Call, db: LibsqlDatabase) -> None:
    first = call("POST", "/employees", valid_employee(), {"idempotency-key": "k-1"})
    again = call("POST", "/employees", valid_employee(), {"idempotency-key": "k-1"})

    assert body_of(again) == body_of(first)
    assert again.headers["idempotent-replayed"] == "true"
    assert counts(db)["employees"] == 1


def test_a_statement_failing_mid_command_rolls_the_whole_write_back_on_libsql(
    call: Call,
    db: LibsqlDatabase,
) -> None:
    call("POST", "/employees", valid_employee())
    before = snapshot(db)
    db.connection.execute(
        "CREATE TEMP TRIGGER fail AFTER INSERT ON events BEGIN SELECT RAISE(ABORT, 'injected'); END"
    )

    response = call("POST", "/employees", valid_employee())

    assert response.status == 500
    assert snapshot(db) == before


def test_rebuilt_views_equal_the_projected_ones_on_libsql(db: LibsqlDatabase) -> None:
    run_random_commands(db, 300, seed=7)
    projected = views(db)
    corrupt(db)

    rebuild_until_done(db, chunk_size=50)

    assert views(db) == projected
