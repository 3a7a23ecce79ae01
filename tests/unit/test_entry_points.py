"""Both Spin entry points, app.py (WASIp2, spin-sdk 3) and app_p3.py (WASIp3, spin-sdk 5, async),
against the same cases on CPython: from the request as the service sees it to its response, through
each entry point's database and variables. How app.py reads and writes wasi:http itself is
tests/unit/test_wasip2_wire.py.

The host is a mock, named as one, at the one boundary no test here can reach: Spin's SQLite and
variables interfaces. `FakeSpinHost` serves `fermyon:spin/sqlite@2.0.0` over CPython's sqlite3 on a
real migrated file (a connection per open, as Spin does) and the variables from a dict. For the
WASIp2 entry point it replaces the host calls of spin-sdk 3.4.1's own binding modules (on CPython
they are stubs that raise NotImplementedError). spin-sdk 5 cannot be imported on CPython 3.11 (its
support package needs componentize-py's runtime and Python 3.12 syntax), so for the WASIp3 entry
point stand-in modules take the names it imports, shaped as spin-sdk 5.0.0 generates them: the
bindings under their full names, and errors raised as `componentize_py_types.Err`, a class distinct
from spin_sdk.wit.types.Err, as it is in the real component.
"""

import asyncio
import sqlite3
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import spin_sdk.http
from spin_sdk.http import Request as SpinRequest
from spin_sdk.http import Response as SpinResponse
from spin_sdk.wit.imports import sqlite as p2_sqlite
from spin_sdk.wit.imports import variables as p2_variables
from spin_sdk.wit.types import Err as P2Err

from tests.native_db import NativeDatabase
from tests.support import snapshot, valid_employee
from web.http import Request, Response

Send = Callable[[str, str, dict[str, str], bytes | None], Response]


class FakeSpinHost:
    """A mock of Spin's SQLite and variables host interfaces (see the module docstring)."""

    def __init__(self, path: Path, err: type[Exception], labels: tuple[str, ...] = ("default",)) -> None:
        self.path, self.err, self.labels = path, err, labels
        self.variables: dict[str, str] = {"erasure": "overwrite", "admin_token": ""}
        self.open_connections = 0
        self.statements: list[str] = []
        self.variable_reads: list[str] = []
        self.opened = 0
        self.fail_once: str | None = None  # the start of a statement that fails once, with an I/O error

    def get_variable(self, name: str) -> str:
        self.variable_reads.append(name)
        if name not in self.variables:
            raise self.err(p2_variables.Error_Undefined(f"no variable {name}"))
        return self.variables[name]

    def connection_class(self) -> type:
        host = self

        class Connection:
            @classmethod
            def open(cls, database: str) -> "Connection":
                if database not in host.labels:
                    raise host.err(p2_sqlite.Error_NoSuchDatabase())
                host.open_connections += 1
                host.opened += 1
                return cls()

            def __init__(self) -> None:
                self.sqlite = sqlite3.connect(host.path, isolation_level=None)

            def execute(self, statement: str, parameters: list[Any]) -> p2_sqlite.QueryResult:
                host.statements.append(statement)
                if host.fail_once and statement.startswith(host.fail_once):
                    host.fail_once = None
                    raise host.err(p2_sqlite.Error_Io("disk I/O error"))
                try:
                    cursor = self.sqlite.execute(
                        statement, [p.value if hasattr(p, "value") else None for p in parameters]
                    )
                except sqlite3.Error as error:
                    raise host.err(p2_sqlite.Error_Io(str(error))) from None
                rows = [p2_sqlite.RowResult([to_value(value) for value in row]) for row in cursor.fetchall()]
                return p2_sqlite.QueryResult([column[0] for column in cursor.description or ()], rows)

            def __exit__(self, *exc: object) -> None:
                self.sqlite.close()
                host.open_connections -= 1

        return Connection


def to_value(value: object) -> p2_sqlite.Value:
    match value:
        case None:
            return p2_sqlite.Value_Null()
        case int():
            return p2_sqlite.Value_Integer(value)
        case float():
            return p2_sqlite.Value_Real(value)
        case str():
            return p2_sqlite.Value_Text(value)
        case _:
            return p2_sqlite.Value_Blob(bytes(value))  # type: ignore[call-overload]


@dataclass
class EntryPoint:
    host: FakeSpinHost
    send: Send
    # What Spin does when it replaces the instance: a WASIp3 instance reads its variables once.
    new_instance: Callable[[], None] = lambda: None


def database(tmp_path: Path) -> Path:
    path = tmp_path / "cqrs.db"
    NativeDatabase(path).migrate()
    return path


def wasip2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EntryPoint:
    import app

    host = FakeSpinHost(database(tmp_path), P2Err)
    monkeypatch.setattr(p2_sqlite, "Connection", host.connection_class())
    monkeypatch.setattr(p2_variables, "get", host.get_variable)

    def send(method: str, uri: str, headers: dict[str, str], body: bytes | None) -> Response:
        return app.answer(Request.of(method, uri, headers, body))

    return EntryPoint(host, send)


def wasip3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EntryPoint:
    cpt = types.ModuleType("componentize_py_types")

    @dataclass
    class Err(Exception):  # like componentize_py_types.Err: not spin_sdk.wit.types.Err
        value: object

    cpt.Err = Err  # type: ignore[attr-defined]
    host = FakeSpinHost(database(tmp_path), Err)
    sqlite_v2 = types.ModuleType("spin_sdk.wit.imports.fermyon_spin_sqlite_2_0_0")
    # The same WIT interface: the same value and error shapes as spin-sdk 3's generated classes.
    shapes = [
        name for name in vars(p2_sqlite) if name.startswith(("Value", "Error", "RowResult", "QueryResult"))
    ]
    sqlite_v2.__dict__.update({name: getattr(p2_sqlite, name) for name in shapes})
    sqlite_v2.Connection = host.connection_class()  # type: ignore[attr-defined]
    variables_v2 = types.ModuleType("spin_sdk.wit.imports.fermyon_spin_variables_2_0_0")
    variables_v2.get = host.get_variable  # type: ignore[attr-defined]
    clock = types.ModuleType("spin_sdk.wit.imports.wasi_clocks_monotonic_clock_0_3_0")
    waits: list[int] = []

    async def wait_for(how_long: int) -> None:
        waits.append(how_long)

    clock.wait_for = wait_for  # type: ignore[attr-defined]

    class Handler:  # spin-sdk 5's spin_sdk.http.Handler, minus the wasi:http plumbing
        async def handle_request(self, request: SpinRequest) -> SpinResponse:
            raise NotImplementedError

    monkeypatch.setitem(sys.modules, "componentize_py_types", cpt)
    monkeypatch.setitem(sys.modules, sqlite_v2.__name__, sqlite_v2)
    monkeypatch.setitem(sys.modules, variables_v2.__name__, variables_v2)
    monkeypatch.setitem(sys.modules, clock.__name__, clock)
    monkeypatch.setattr(spin_sdk.http, "Handler", Handler, raising=False)
    # Imported afresh, so the adapter picks spin-sdk 5's names as it does inside app-p3.wasm.
    monkeypatch.delitem(sys.modules, "storage.spin_sqlite", raising=False)
    monkeypatch.delitem(sys.modules, "app_p3", raising=False)
    import app_p3

    assert sys.modules["storage.spin_sqlite"].bindings is sqlite_v2
    handler = app_p3.HttpHandler()  # one instance for every request, as Spin 4 may reuse it

    def send(method: str, uri: str, headers: dict[str, str], body: bytes | None) -> Response:
        answer = asyncio.run(handler.handle_request(SpinRequest(method, uri, headers, body)))
        return Response(answer.status, dict(answer.headers), answer.body or b"")

    entry = EntryPoint(host, send, app_p3.settings.clear)
    entry.handler = handler  # type: ignore[attr-defined]
    entry.waits = waits  # type: ignore[attr-defined]
    return entry


@pytest.fixture(params=["p2", "p3"], ids=["wasip2-app.py", "wasip3-app_p3.py"])
def entry(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> EntryPoint:
    make = wasip2 if request.param == "p2" else wasip3
    return make(tmp_path, monkeypatch)


def post(entry: EntryPoint, **changes: Any) -> Response:
    import json

    body = json.dumps(valid_employee(**changes)).encode()
    return entry.send("POST", "/employees", {"Content-Type": "application/json"}, body)


def statements(response: Response | SpinResponse) -> str:
    return response.headers["server-timing"].split('desc="')[1].split('"')[0]


def test_a_create_and_a_read_answer_with_their_statement_counts(entry: EntryPoint) -> None:
    created = post(entry)
    assert created.status == 201
    assert statements(created) == "12 statements"
    found = entry.send("GET", created.headers["location"], {}, None)
    assert found.status == 200
    assert found.headers["etag"] == '"1"'
    assert statements(found) == "1 statement"


def test_a_wasip2_request_closes_its_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = wasip2(tmp_path, monkeypatch)
    post(entry)
    entry.send("GET", "/employees", {}, None)
    entry.send("GET", "/employees/nope", {}, None)
    assert (entry.host.opened, entry.host.open_connections) == (3, 0)


def test_a_wasip3_instance_keeps_one_connection_for_its_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = wasip3(tmp_path, monkeypatch)
    location = post(entry).headers["location"]
    entry.send("GET", "/employees", {}, None)
    entry.send("GET", location, {}, None)
    assert (entry.host.opened, entry.host.open_connections) == (1, 1)


def test_a_wasip3_instance_opens_a_new_connection_after_a_statement_failed_on_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = wasip3(tmp_path, monkeypatch)
    post(entry)
    entry.host.fail_once = "COMMIT"  # the old connection may still be inside its transaction
    before = snapshot(entry.host.path)
    assert post(entry, firstName="Lost").status == 503  # the host's failure, not this code's
    assert snapshot(entry.host.path) == before

    assert post(entry, firstName="Kept").status == 201
    assert (entry.host.opened, entry.host.open_connections) == (2, 1)


def test_the_admin_routes_follow_the_admin_token_variable(entry: EntryPoint) -> None:
    assert entry.send("GET", "/admin/projections", {}, None).status == 404
    entry.host.variables["admin_token"] = "s3cret"
    entry.new_instance()
    assert entry.send("GET", "/admin/projections", {}, None).status == 401
    assert entry.send("GET", "/admin/projections", {"Authorization": "Bearer s3cret"}, None).status == 200


def test_erasure_delete_sends_no_secure_delete_pragma(entry: EntryPoint) -> None:
    entry.host.variables["erasure"] = "delete"
    entry.new_instance()
    assert statements(post(entry)) == "11 statements"
    assert not any("secure_delete" in statement for statement in entry.host.statements)


def test_an_undefined_erasure_variable_stops_writes_not_reads(entry: EntryPoint) -> None:
    created = post(entry)
    del entry.host.variables["erasure"]
    entry.new_instance()
    before = snapshot(entry.host.path)
    refused = post(entry, firstName="Grace")
    assert refused.status == 503
    assert b"/problems/misconfigured" in (refused.body or b"")
    assert snapshot(entry.host.path) == before
    assert entry.send("GET", created.headers["location"], {}, None).status == 200


def test_a_component_without_its_database_label_answers_503(entry: EntryPoint) -> None:
    entry.host.labels = ("other",)
    response = entry.send("GET", "/employees", {}, None)
    assert response.status == 503
    assert b"no database labelled 'default'" in (response.body or b"")


def test_the_callers_request_headers_are_left_as_they_were(entry: EntryPoint) -> None:
    headers = {"If-None-Match": '"1"', "X-Request-Id": "r-1"}
    entry.send("GET", "/employees", headers, None)
    assert headers == {"If-None-Match": '"1"', "X-Request-Id": "r-1"}


def test_the_wasip3_handler_serves_concurrent_requests_on_one_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = wasip3(tmp_path, monkeypatch)
    ids = [post(entry, lastName=f"L{i}").headers["location"] for i in range(8)]
    handler = entry.handler  # type: ignore[attr-defined]

    async def burst() -> list[SpinResponse]:
        requests = [SpinRequest("GET", location, {}, None) for location in ids * 2]
        return list(await asyncio.gather(*(handler.handle_request(request) for request in requests)))

    responses = asyncio.run(burst())
    assert [response.status for response in responses] == [200] * 16
    assert {statements(response) for response in responses} == {"1 statement"}
    assert (entry.host.opened, entry.host.open_connections) == (1, 1)


def test_a_wasip3_instance_reads_its_variables_on_its_first_request_then_waits_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = wasip3(tmp_path, monkeypatch)
    for _ in range(3):
        assert post(entry).status == 201

    assert sorted(entry.host.variable_reads) == ["admin_token", "api_keys", "erasure"]
    assert entry.waits == [1]  # type: ignore[attr-defined]


def test_a_wasip3_instance_keeps_its_variables_until_spin_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = wasip3(tmp_path, monkeypatch)
    assert entry.send("GET", "/admin/projections", {}, None).status == 404
    entry.host.variables["admin_token"] = "s3cret"
    assert entry.send("GET", "/admin/projections", {}, None).status == 404
    entry.new_instance()
    assert entry.send("GET", "/admin/projections", {}, None).status == 401


def test_a_wasip2_request_reads_the_variables_it_needs_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = wasip2(tmp_path, monkeypatch)
    location = post(entry).headers["location"]
    entry.send("GET", location, {}, None)
    entry.send("GET", location, {}, None)

    assert entry.host.variable_reads == ["api_keys", "erasure", "api_keys", "api_keys"]
