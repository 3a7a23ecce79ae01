"""Spin SQLite over real files: values, errors, transactions, labels and --sqlite."""

from __future__ import annotations

import base64
import sqlite3
import time
from typing import Any

import httpx

from devhost.tests.harness import MakeApp, RunHostToExit, StartHost

CREATE_ITEMS = {"sql": "CREATE TABLE items (name TEXT)"}
COUNT_ITEMS = {"sql": "SELECT count(*) FROM items"}


def run_sql(
    client: httpx.Client,
    *statements: dict[str, Any],
    database: str = "default",
    keep_open: bool = False,
    route: str = "/sql",
) -> dict[str, Any]:
    spec = {"database": database, "statements": list(statements), "keep_open": keep_open}
    response = client.post(route, json=spec)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def insert(name: str) -> dict[str, Any]:
    return {"sql": "INSERT INTO items (name) VALUES (?)", "params": [{"text": name}]}


def only_value(result: dict[str, Any]) -> dict[str, Any]:
    ((value,),) = result["results"][-1]["rows"]
    typed: dict[str, Any] = value
    return typed


def test_values_round_trip_with_their_sqlite_types(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())
    values = [
        {"integer": 2**63 - 1},
        {"integer": -(2**63)},
        {"real": 2.0},
        {"text": "héllo ✓"},
        {"blob": base64.b64encode(b"\x00\x01\xff").decode()},
        {"null": None},
    ]

    result = run_sql(
        host.client,
        {"sql": "CREATE TABLE v (a, b, c, d, e, f)"},
        {"sql": "INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)", "params": values},
        {"sql": "SELECT a, b, c, d, e, f, typeof(c) AS c_type FROM v"},
    )

    create, inserted, selected = result["results"]
    assert create == {"columns": [], "rows": []}
    assert inserted == {"columns": [], "rows": []}
    assert selected["columns"] == ["a", "b", "c", "d", "e", "f", "c_type"]
    assert selected["rows"] == [[*values, {"text": "real"}]]


def test_a_statement_with_returning_gives_rows(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    result = run_sql(
        host.client,
        {"sql": "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"},
        {"sql": "INSERT INTO t (name) VALUES ('a') RETURNING id, name"},
    )

    assert result["results"][-1] == {"columns": ["id", "name"], "rows": [[{"integer": 1}, {"text": "a"}]]}


def test_connections_start_with_the_pragmas_of_spins_bundled_sqlite(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())

    foreign_keys = run_sql(host.client, {"sql": "PRAGMA foreign_keys"})
    recursive_triggers = run_sql(host.client, {"sql": "PRAGMA recursive_triggers"})

    assert only_value(foreign_keys) == {"integer": 1}
    assert only_value(recursive_triggers) == {"integer": 0}


def test_an_sqlite_error_reaches_python_as_err_error_io(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    syntax = run_sql(host.client, {"sql": "SELEC 1"})["results"][0]
    several = run_sql(host.client, {"sql": "SELECT 1; SELECT 2"})["results"][0]

    assert syntax["error"]["type"] == "Error_Io"
    assert "syntax error" in syntax["error"]["value"]
    assert several["error"] == {"type": "Error_Io", "value": "Multiple statements provided"}


def test_a_committed_transaction_is_visible_to_later_requests(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())
    run_sql(host.client, CREATE_ITEMS)

    run_sql(host.client, {"sql": "BEGIN"}, insert("a"), insert("b"), {"sql": "COMMIT"})

    assert only_value(run_sql(host.client, COUNT_ITEMS)) == {"integer": 2}


def test_a_connection_dropped_mid_transaction_rolls_back(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())
    run_sql(host.client, CREATE_ITEMS)

    run_sql(host.client, {"sql": "BEGIN"}, insert("lost"))

    assert only_value(run_sql(host.client, COUNT_ITEMS)) == {"integer": 0}


def test_a_connection_left_open_is_closed_and_rolled_back_when_its_request_ends(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())
    run_sql(host.client, CREATE_ITEMS)
    run_sql(host.client, {"sql": "BEGIN"}, insert("lost"), keep_open=True)

    started = time.monotonic()
    write = run_sql(host.client, insert("kept"))
    elapsed = time.monotonic() - started
    reuse = run_sql(host.client, COUNT_ITEMS, route="/sql-on-kept-connection")

    assert "error" not in write["results"][0]
    assert elapsed < 2, "the abandoned transaction still held the write lock"
    assert only_value(run_sql(host.client, COUNT_ITEMS)) == {"integer": 1}
    assert reuse["results"][0]["error"]["type"] == "Error_InvalidConnection"


def test_a_database_not_granted_to_the_component_is_access_denied(
    make_app: MakeApp, start_host: StartHost
) -> None:
    app = make_app()
    config = app.write("runtime.toml", '[sqlite_database.other]\ntype = "spin"\npath = "other.db"\n')
    host = start_host(app, "--runtime-config-file", str(config))

    result = run_sql(host.client, database="other")

    assert result == {"open_error": {"type": "Error_AccessDenied", "value": None}}


def test_a_granted_label_without_a_database_is_no_such_database(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(databases=("default", "missing")))

    result = run_sql(host.client, database="missing")

    assert result == {"open_error": {"type": "Error_NoSuchDatabase", "value": None}}


def test_without_runtime_config_the_default_database_is_in_dot_spin(
    make_app: MakeApp, start_host: StartHost
) -> None:
    app = make_app()
    host = start_host(app)

    run_sql(host.client, CREATE_ITEMS, insert("x"))

    with sqlite3.connect(app.root / ".spin" / "sqlite_db.db") as db:
        assert db.execute("SELECT name FROM items").fetchall() == [("x",)]


def test_runtime_config_paths_are_relative_to_the_config_file(
    make_app: MakeApp, start_host: StartHost
) -> None:
    app = make_app(databases=("default", "archive"))
    config = app.write(
        "config/local.toml",
        '[sqlite_database.default]\ntype = "spin"\npath = "../data/main.db"\n\n'
        '[sqlite_database.archive]\ntype = "spin"\npath = "archive.db"\n',
    )
    host = start_host(app, "--runtime-config-file", "config/local.toml")

    run_sql(host.client, CREATE_ITEMS, insert("main"))
    run_sql(host.client, CREATE_ITEMS, insert("old"), database="archive")

    with sqlite3.connect(app.root / "data" / "main.db") as db:
        assert db.execute("SELECT name FROM items").fetchall() == [("main",)]
    with sqlite3.connect(config.parent / "archive.db") as db:
        assert db.execute("SELECT name FROM items").fetchall() == [("old",)]
    assert not (app.root / ".spin" / "sqlite_db.db").exists()


def test_sqlite_flags_apply_a_file_and_a_statement_at_start(make_app: MakeApp, start_host: StartHost) -> None:
    app = make_app()
    app.write("migrations.sql", "CREATE TABLE items (name TEXT);\nINSERT INTO items VALUES ('from file');\n")
    host = start_host(
        app, "--sqlite", "@migrations.sql", "--sqlite", "INSERT INTO items VALUES ('from flag')"
    )

    result = run_sql(host.client, {"sql": "SELECT name FROM items ORDER BY rowid"})

    assert result["results"][0]["rows"] == [[{"text": "from file"}], [{"text": "from flag"}]]


def test_a_sqlite_file_flag_with_a_label_targets_that_database(
    make_app: MakeApp, start_host: StartHost
) -> None:
    app = make_app(databases=("default", "other"))
    app.write("runtime.toml", '[sqlite_database.other]\ntype = "spin"\npath = "other.db"\n')
    app.write("other.sql", "CREATE TABLE items (name TEXT); INSERT INTO items VALUES ('other');")
    host = start_host(app, "--runtime-config-file", "runtime.toml", "--sqlite", "@other.sql:other")

    in_other = run_sql(host.client, COUNT_ITEMS, database="other")
    in_default = run_sql(host.client, COUNT_ITEMS)

    assert only_value(in_other) == {"integer": 1}
    assert in_default["results"][0]["error"]["type"] == "Error_Io"


def test_a_failing_start_up_statement_stops_the_host_with_a_clear_error(
    make_app: MakeApp, run_host_to_exit: RunHostToExit
) -> None:
    code, output = run_host_to_exit(make_app(), "--sqlite", "NOT SQL")

    assert code != 0
    assert "failed to execute following sql statement against default database" in output
    assert "Serving" not in output


def test_a_start_up_file_for_an_unknown_label_stops_the_host(
    make_app: MakeApp, run_host_to_exit: RunHostToExit
) -> None:
    app = make_app()
    app.write("x.sql", "SELECT 1;")

    code, output = run_host_to_exit(app, "--sqlite", "@x.sql:nowhere")

    assert code != 0
    assert "a registered database named 'nowhere' was expected but not found" in output


def test_empty_strings_from_the_host_reach_python_without_a_trap(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())

    result = run_sql(host.client, {"sql": "SELECT '' AS empty"})
    again = run_sql(host.client, {"sql": "SELECT 'still serving'"})

    assert only_value(result) == {"text": ""}
    assert only_value(again) == {"text": "still serving"}
