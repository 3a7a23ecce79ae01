"""Schema versions: what migrations.sql records, and what the service does with an older database."""

from collections.abc import Sequence
from pathlib import Path

import pytest

from storage.database import DatabaseUnavailable, Erasure, Row, Value
from storage.migrations import DATABASE_VERSION, applied_version
from tests.native_db import NativeDatabase
from tests.support import Call, body_of, send, table_names, valid_employee


@pytest.fixture
def unversioned(db: NativeDatabase) -> NativeDatabase:
    """A database migrated before schema versions existed: today's tables, no schema_migrations."""
    db.execute("DROP TABLE schema_migrations")
    return db


def test_migrations_record_the_version_the_code_needs(db: NativeDatabase) -> None:
    assert applied_version(db) == DATABASE_VERSION
    [(description,)] = db.execute("SELECT description FROM schema_migrations WHERE version = ?", [1])
    assert description


def test_applying_migrations_again_changes_no_table_and_no_row(call: Call, db: NativeDatabase) -> None:
    call("POST", "/employees", valid_employee())
    dump = list(db.connection.iterdump())

    db.migrate()

    assert list(db.connection.iterdump()) == dump


def test_an_empty_database_is_at_version_0_and_every_route_is_a_503_saying_how_to_migrate(
    tmp_path: Path,
) -> None:
    empty = NativeDatabase(tmp_path / "empty.db")

    for method, uri in [("GET", "/employees"), ("POST", "/employees"), ("GET", "/healthz")]:
        # A body is validated before the database is asked anything, so this one is valid.
        response = send(empty, method, uri, valid_employee() if method == "POST" else None)
        problem = body_of(response)
        assert response.status == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert problem["type"] == "/problems/schema-outdated"
        assert (problem["schemaVersion"], problem["requiredSchemaVersion"]) == (0, DATABASE_VERSION)
        assert "@migrations.sql" in problem["detail"]
    assert table_names(empty) == []


def test_a_database_older_than_the_code_is_refused_without_writing_anything(
    call: Call, unversioned: NativeDatabase
) -> None:
    dump = list(unversioned.connection.iterdump())

    created = call("POST", "/employees", valid_employee())

    assert created.status == 503
    assert body_of(created)["schemaVersion"] == 0
    assert list(unversioned.connection.iterdump()) == dump


def test_applying_migrations_upgrades_an_unversioned_database_and_keeps_its_rows(
    call: Call, db: NativeDatabase
) -> None:
    kept = body_of(call("POST", "/employees", valid_employee()))
    db.execute("DROP TABLE schema_migrations")
    assert call("GET", f"/employees/{kept['id']}").status == 503

    db.migrate()

    assert body_of(call("GET", f"/employees/{kept['id']}")) == kept
    assert applied_version(db) == DATABASE_VERSION


def test_the_openapi_document_is_served_whatever_the_schema(call: Call, unversioned: NativeDatabase) -> None:
    assert call("GET", "/openapi.json").status == 200


def test_healthz_reports_the_schema_version_and_is_never_cached(call: Call) -> None:
    response = call("GET", "/healthz")

    assert response.status == 200
    assert response.headers["cache-control"] == "no-store"
    assert body_of(response) == {
        "status": "pass",
        "schemaVersion": DATABASE_VERSION,
        "requiredSchemaVersion": DATABASE_VERSION,
        "erasure": "delete",  # the unit tests' database is set up as for a libSQL server
    }


def test_a_newer_schema_is_served_so_migrations_can_run_before_the_code_rolls_out(
    call: Call, db: NativeDatabase
) -> None:
    newer = DATABASE_VERSION + 1
    db.execute("INSERT INTO schema_migrations VALUES (?, 'from the future', '2030-01-01T00:00:00Z')", [newer])

    assert call("POST", "/employees", valid_employee()).status == 201
    assert body_of(call("GET", "/healthz"))["schemaVersion"] == newer


class NoDatabase:
    """A host that grants no database to the component (Spin's `sqlite.open` error): a stand-in,
    because neither sqlite3 nor the local host can be made to refuse an open on demand."""

    erasure = Erasure.OVERWRITE

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        raise DatabaseUnavailable("AccessDenied")


def test_healthz_is_a_503_when_the_database_cannot_be_opened() -> None:
    response = send(NoDatabase(), "GET", "/healthz")

    assert response.status == 503
    assert "no database labelled 'default'" in body_of(response)["detail"]
