"""migrations.sql and the service's statements against a MODEL of a libSQL server's statement check
(tests/libsql_server_model.py, which cites its sources), and the schema's types without STRICT.

The unit tests' `db` fixture refuses what the model refuses, so every statement any unit test makes
the service send is checked too; this module holds what that cannot show by itself."""

import sqlite3
from pathlib import Path

import pytest

from storage.database import Erasure
from storage.migrations import DATABASE_VERSION, applied_version
from tests import libsql_server_model
from tests.libsql_server_model import refusal, statements
from tests.native_db import MIGRATIONS, NativeDatabase, RecordingDatabase
from tests.support import body_of, send, table_names, valid_employee

STRICT_V1 = Path(__file__).resolve().parent.parent / "fixtures" / "migrations-v1-strict.sql"


# The model: what was measured on libsql-server 0.24.33, and what its source says.


def test_the_model_refuses_a_strict_table_as_the_server_s_parser_did() -> None:
    refused = refusal("CREATE TABLE t (id TEXT PRIMARY KEY) STRICT;")

    assert refused is not None
    assert refused.startswith("SQL string could not be parsed: syntax error around L1:")
    assert refused.endswith("STRICT")


@pytest.mark.parametrize(
    "pragma", ["PRAGMA secure_delete = ON", "PRAGMA secure_delete=1", "PRAGMA main.journal_mode = WAL"]
)
def test_the_model_refuses_a_pragma_that_sets_a_value_outside_the_server_s_short_list(pragma: str) -> None:
    assert refusal(pragma) == f"unsupported statement: {pragma}"


@pytest.mark.parametrize(
    "statement",
    [
        "PRAGMA foreign_keys = ON",
        "PRAGMA secure_delete",
        "BEGIN IMMEDIATE",
        "COMMIT",
        "ROLLBACK",
        "CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY CHECK (typeof(id) = 'text')) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS t_copy AS SELECT * FROM t WHERE 0",
        "INSERT INTO t (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET id = excluded.id RETURNING id",
        "SELECT id FROM t WHERE (a, id) > (?, ?) ORDER BY a, id LIMIT ?",
        "WITH x AS (SELECT 1) SELECT * FROM x",
    ],
)
def test_the_model_accepts_what_the_server_ran_in_the_measured_experiment(statement: str) -> None:
    assert refusal(statement) is None


@pytest.mark.parametrize(
    "statement",
    ["VACUUM", "ANALYZE", "ATTACH 'other.db' AS other", "CREATE TEMP TABLE t (a)", "REINDEX"],
)
def test_the_model_refuses_what_the_server_s_source_does_not_serve(statement: str) -> None:
    assert refusal(statement) == f"unsupported statement: {statement}"


def test_the_pragma_lists_of_the_model_do_not_overlap() -> None:
    assert not libsql_server_model.PRAGMAS_WITH_VALUE & libsql_server_model.PRAGMAS_READ_ONLY


# migrations.sql, before and after


def test_every_statement_of_migrations_sql_is_one_a_libsql_server_accepts() -> None:
    refused = {sql: refusal(sql) for sql in statements(MIGRATIONS.read_text())}

    assert {sql: why for sql, why in refused.items() if why} == {}
    assert len(refused) >= 20  # the split found the statements, not one blob


def test_the_strict_schema_of_version_1_is_refused_by_the_model_as_it_was_by_the_server() -> None:
    refused = [refusal(sql) for sql in statements(STRICT_V1.read_text())]

    assert any(why and why.endswith("STRICT") for why in refused)


def test_a_database_made_with_the_strict_schema_is_served_after_today_s_migrations(
    tmp_path: Path,
) -> None:
    db = NativeDatabase(tmp_path / "strict.db")  # Spin's SQLite, where version 1 was created
    db.migrate(STRICT_V1)
    db.migrate()  # what `spin up --sqlite @migrations.sql` does on the next start

    created = send(db, "POST", "/employees", valid_employee())
    employee_id = body_of(created)["id"]
    assert created.status == 201
    assert send(db, "PUT", f"/employees/{employee_id}", valid_employee(lastName="King")).status == 200
    assert send(db, "DELETE", f"/employees/{employee_id}").status == 204
    assert applied_version(db) == DATABASE_VERSION
    assert "STRICT" in _table_sql(db, "employees")  # the tables were kept as they were


# Types without STRICT


def _table_sql(db: NativeDatabase, table: str) -> str:
    [(sql,)] = db.execute("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", (table,))
    return str(sql)


def test_every_column_of_every_table_migrations_sql_declares_checks_its_type(db: NativeDatabase) -> None:
    tables = [
        name
        for name in table_names(db)
        # Staging copies (CREATE TABLE … AS SELECT) hold rows already checked by the live view.
        if not name.endswith("_rebuild") and name != "sqlite_sequence"
    ]
    unchecked = [
        f"{table}.{column}"
        for table in tables
        for _, column, declared, *_ in db.execute(f"PRAGMA table_info({table})")
        if f"typeof({column})" not in _table_sql(db, table)
        and not (declared == "INTEGER" and _is_rowid(db, table, column))
    ]

    assert unchecked == []


def _is_rowid(db: NativeDatabase, table: str, column: str) -> bool:
    """An INTEGER PRIMARY KEY is the rowid itself: SQLite refuses anything but an integer there."""
    return f"{column} INTEGER PRIMARY KEY" in " ".join(_table_sql(db, table).split())


@pytest.mark.parametrize(
    ("column", "value"),
    [("first_name", b"Ada"), ("version", "three"), ("version", 1.5), ("created_at", b"2026")],
)
def test_a_value_of_the_wrong_type_is_refused_as_a_strict_table_would(
    db: NativeDatabase, column: str, value: object
) -> None:
    row = {
        "id": "0" * 36,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "version": 1,
        "created_at": "2026-12-01T00:00:00.000Z",
        "updated_at": "2026-12-01T00:00:00.000Z",
    }
    row[column] = value
    with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
        db.connection.execute(
            f"INSERT INTO employees ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )


def test_a_number_given_for_a_text_column_is_stored_as_text_as_in_a_strict_table(db: NativeDatabase) -> None:
    db.connection.execute("INSERT INTO projection_checkpoints (projector, last_seq) VALUES (?, ?)", (42, "7"))
    assert db.execute(
        "SELECT typeof(projector), typeof(last_seq) FROM projection_checkpoints WHERE projector = '42'"
    ) == [("text", "integer")]


# What a refusal looks like to a client, and what erasure promises


def test_a_write_refused_by_the_host_is_a_503_naming_the_refusal_and_writes_nothing(tmp_path: Path) -> None:
    # A libSQL server with erasure left at "overwrite": the server refuses PRAGMA secure_delete = ON.
    db = NativeDatabase(tmp_path / "turso.db", Erasure.OVERWRITE, refuse=refusal)
    db.migrate()
    response = send(db, "POST", "/employees", valid_employee())

    assert response.status == 503
    assert response.headers["content-type"] == "application/problem+json"
    problem = body_of(response)
    assert problem["type"] == "/problems/statement-refused"
    assert "unsupported statement: PRAGMA secure_delete = ON" in problem["detail"]
    assert 'set it to "delete"' in problem["detail"]
    assert db.execute("SELECT count(*) FROM events") == [(0,)]
    assert send(db, "GET", "/employees").status == 200  # reads send no pragma


@pytest.mark.parametrize("erasure", list(Erasure))
def test_healthz_says_which_erasure_is_in_force(tmp_path: Path, erasure: Erasure) -> None:
    db = NativeDatabase(tmp_path / "cqrs.db", erasure)
    db.migrate()
    assert body_of(send(db, "GET", "/healthz"))["erasure"] == erasure.value


@pytest.mark.parametrize("erasure", list(Erasure))
def test_writes_send_secure_delete_exactly_when_erasure_overwrites(tmp_path: Path, erasure: Erasure) -> None:
    migrated = NativeDatabase(tmp_path / "cqrs.db", erasure)
    migrated.migrate()
    db = RecordingDatabase(migrated)

    created = body_of(send(db, "POST", "/employees", valid_employee()))
    send(db, "DELETE", f"/employees/{created['id']}")

    pragmas = [sql for sql, _ in db.statements if sql.startswith("PRAGMA secure_delete")]
    assert pragmas == (["PRAGMA secure_delete = ON"] * 2 if erasure is Erasure.OVERWRITE else [])
