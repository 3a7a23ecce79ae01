"""The service on libSQL, the engine behind SpinKube's and Turso's `type = "libsql"` databases:
the same migrations.sql, commands, views and rollbacks as on Spin's SQLite."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spin_sdk.http import Request, Response

import app
from domain.migrations import SCHEMA_VERSION, applied_version
from tests.libsql_db import LibsqlDatabase
from tests.unit.conftest import body_of, valid_employee
from tests.unit.test_rebuild import corrupt, rebuild_until_done, run_random_commands, views

TABLES = ["employees", "addresses", "events", "idempotency_keys", "employee_details_view"]


@pytest.fixture
def libsql_db(tmp_path: Path) -> Iterator[LibsqlDatabase]:
    database = LibsqlDatabase(tmp_path / "cqrs.db")
    database.migrate()
    yield database
    database.close()


def send(db: LibsqlDatabase, method: str, uri: str, body: Any = None, **headers: str) -> Response:
    raw = None if body is None else json.dumps(body).encode()
    return app.handle(Request(method, uri, {k.replace("_", "-"): v for k, v in headers.items()}, raw), db)


def counts(db: LibsqlDatabase) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def test_migrations_apply_on_libsql_twice_and_record_the_schema_version(libsql_db: LibsqlDatabase) -> None:
    libsql_db.migrate()

    assert applied_version(libsql_db) == SCHEMA_VERSION
    assert body_of(send(libsql_db, "GET", "/healthz"))["schemaVersion"] == SCHEMA_VERSION


def test_an_employee_lives_and_is_erased_on_libsql_as_on_spin_sqlite(libsql_db: LibsqlDatabase) -> None:
    created = send(libsql_db, "POST", "/employees", valid_employee())
    employee_id = body_of(created)["id"]
    stale = created.headers["etag"]
    updated = send(
        libsql_db, "PUT", f"/employees/{employee_id}", valid_employee(firstName="Augusta"), if_match=stale
    )
    conflict = send(libsql_db, "PUT", f"/employees/{employee_id}", valid_employee(), if_match=stale)
    listed = body_of(send(libsql_db, "GET", "/employees?city=LONDON&q=aug"))
    deleted = send(libsql_db, "DELETE", f"/employees/{employee_id}")
    history = body_of(send(libsql_db, "GET", f"/employees/{employee_id}/history"))

    assert (created.status, updated.status, conflict.status, deleted.status) == (201, 200, 412, 204)
    assert listed == [{"id": employee_id, "name": "Lovelace, Augusta", "city": "London"}]
    assert send(libsql_db, "GET", f"/employees/{employee_id}").status == 404
    assert [entry["type"] for entry in history] == ["EmployeeCreated", "EmployeeUpdated", "EmployeeDeleted"]
    assert [entry["erased"] for entry in history] == [True, True, False]  # the deletion holds no data
    assert counts(libsql_db) == {table: 0 for table in TABLES} | {"events": 3}


def test_a_replayed_idempotency_key_creates_one_employee_on_libsql(libsql_db: LibsqlDatabase) -> None:
    first = send(libsql_db, "POST", "/employees", valid_employee(), idempotency_key="k-1")
    again = send(libsql_db, "POST", "/employees", valid_employee(), idempotency_key="k-1")

    assert body_of(again) == body_of(first)
    assert again.headers["idempotent-replayed"] == "true"
    assert counts(libsql_db)["employees"] == 1


def test_a_statement_failing_mid_command_rolls_the_whole_write_back_on_libsql(
    libsql_db: LibsqlDatabase,
) -> None:
    send(libsql_db, "POST", "/employees", valid_employee())
    before = counts(libsql_db)
    libsql_db.execute(
        "CREATE TEMP TRIGGER fail AFTER INSERT ON events BEGIN SELECT RAISE(ABORT, 'injected'); END"
    )

    response = send(libsql_db, "POST", "/employees", valid_employee())

    assert response.status == 500
    assert counts(libsql_db) == before


def test_rebuilt_views_equal_the_projected_ones_on_libsql(libsql_db: LibsqlDatabase) -> None:
    run_random_commands(libsql_db, 300, seed=7)
    projected = views(libsql_db)
    corrupt(libsql_db)

    rebuild_until_done(libsql_db, chunk_size=50)

    assert views(libsql_db) == projected
