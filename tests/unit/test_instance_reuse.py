"""Instance reuse on CPython: no request leaves anything behind in the service's modules.

Spin 4.1+ reuses an instance of a WASIp3 component for up to 128 requests (devhost/README.md), so
whatever a request changes in a module-level object, the next request on that instance sees. Here
one interpreter plays one long-lived instance: it imports every module of the service's packages,
takes a deep snapshot of every module-level value (dicts, lists and sets, also nested in schema
constants and route tables, the fields of module-level objects, the defaults and closures of
functions, class attributes), runs a varied workload through api.service.handle and serve (every
route, successes, 304s, 4xx, 500s and 503s, admin calls with and without the token), and compares.
Module-level caches may fill once, but a second workload, on other data, must not grow them.
"""

import dataclasses
import functools
import importlib
import pkgutil
import re
import sys
import types
import uuid
from collections.abc import Callable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

import app
from api.service import serve
from storage.database import Erasure, Row, Value
from storage.spin_sqlite import SpinDatabase
from tests.native_db import FailingDatabase, NativeDatabase
from tests.support import body_of, send, valid_employee
from web.http import Request, Response

SERVICE_PACKAGES = ("app", "api", "commands", "domain", "queries", "storage", "web")
TOKEN = "reuse-unit-token"


def import_every_service_module() -> list[types.ModuleType]:
    """Every module of the service's packages, imported (app.py is the WASIp2 entry point; app_p3.py
    needs spin-sdk 5, which CPython cannot import, and is not one of them)."""
    for name in SERVICE_PACKAGES:
        package = importlib.import_module(name)
        for found in pkgutil.walk_packages(getattr(package, "__path__", []), f"{name}."):
            importlib.import_module(found.name)
    return [
        module
        for name, module in sorted(sys.modules.items())
        if name.split(".")[0] in SERVICE_PACKAGES and module is not None
    ]


def is_service_object(value: object) -> bool:
    return (getattr(value, "__module__", None) or "").split(".")[0] in SERVICE_PACKAGES


Frozen = Any  # nested tuples of plain values: a deep, immutable copy


def frozen(value: object, path: frozenset[int] = frozenset()) -> Frozen:
    """A deep copy of `value` as nested tuples, which compares equal exactly when everything the
    service could change in it is unchanged; `path` guards against cycles."""
    if value is None or isinstance(value, bool | int | float | str | bytes):
        return value
    if id(value) in path:
        return ("cycle", type(value).__qualname__)
    inner = path | {id(value)}
    if isinstance(value, Enum):
        return ("enum", type(value).__qualname__, value.name)
    if isinstance(value, dict | types.MappingProxyType):
        return ("dict", tuple((frozen(k, inner), frozen(v, inner)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(frozen(item, inner) for item in value))
    if isinstance(value, set | frozenset):
        return (type(value).__name__, tuple(sorted(repr(frozen(item, inner)) for item in value)))
    if isinstance(value, bytearray):
        return ("bytearray", bytes(value))
    if isinstance(value, re.Pattern):
        return ("pattern", value.pattern, value.flags)
    if isinstance(value, type):
        return frozen_class(value, inner)
    if isinstance(value, types.FunctionType):
        return frozen_function(value, inner)
    if isinstance(value, staticmethod | classmethod):
        return frozen(value.__func__, inner)
    if isinstance(value, property):
        return ("property", frozen(value.fget, inner), frozen(value.fset, inner))
    if isinstance(value, functools.partial):
        return (
            "partial",
            frozen(value.func, inner),
            frozen(value.args, inner),
            frozen(value.keywords, inner),
        )
    if dataclasses.is_dataclass(value):
        fields = tuple((f.name, frozen(getattr(value, f.name), inner)) for f in dataclasses.fields(value))
        return ("dataclass", type(value).__qualname__, fields)
    if is_service_object(type(value)) and hasattr(value, "__dict__"):
        return ("object", type(value).__qualname__, frozen(vars(value), inner))
    # Something of another library (a typing construct, a functools cache wrapper, a builtin):
    # named, not entered.
    return ("opaque", type(value).__module__, type(value).__qualname__, getattr(value, "__qualname__", None))


def frozen_function(function: types.FunctionType, path: frozenset[int]) -> Frozen:
    """A function's identity and what it keeps between calls: its defaults and closure cells,
    where a mutable default (`def f(seen=[])`) would carry one call's data to the next."""
    name = (function.__module__, function.__qualname__)
    if not is_service_object(function):
        return ("function", *name)
    cells = tuple(frozen(cell.cell_contents, path) for cell in function.__closure__ or ())
    return (
        "function",
        *name,
        frozen(function.__defaults__, path),
        frozen(function.__kwdefaults__, path),
        cells,
    )


def frozen_class(cls: type, path: frozenset[int]) -> Frozen:
    """A class's own attributes (not dunders): class-level state is module-level state too."""
    if not is_service_object(cls):
        return ("class", cls.__module__, cls.__qualname__)
    if issubclass(cls, Enum):
        return ("enum-class", cls.__qualname__, tuple((m.name, frozen(m.value, path)) for m in cls))
    own = {name: value for name, value in vars(cls).items() if not name.startswith("__")}
    return ("class", cls.__module__, cls.__qualname__, frozen(own, path))


def module_state(modules: Sequence[types.ModuleType]) -> dict[str, Frozen]:
    """Every module-level name of every module, by `module.name`, deeply frozen."""
    return {
        f"{module.__name__}.{name}": frozen(value)
        for module in modules
        for name, value in vars(module).items()
        if not (name.startswith("__") and name.endswith("__")) and not isinstance(value, types.ModuleType)
    }


def module_caches(modules: Sequence[types.ModuleType]) -> dict[str, int]:
    """The size of every functools cache the service defines at module level (such as
    web.ecma_regex.compiled); the standard library's own, such as urlsplit's, are bounded."""
    return {
        f"{module.__name__}.{name}": value.cache_info().currsize
        for module in modules
        for name, value in vars(module).items()
        if callable(getattr(value, "cache_info", None)) and is_service_object(value)
    }


class Metered:
    """The Database port as api.service.serve wants it (statements counted, closed after the
    request), over a NativeDatabase."""

    def __init__(self, db: NativeDatabase) -> None:
        self.db = db
        self.erasure = db.erasure
        self.statements = 0
        self.seconds = 0.0

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        self.statements += 1
        return self.db.execute(sql, params)


def workload(db: NativeDatabase, empty: NativeDatabase, tag: str) -> Iterator[Response]:
    """Varied requests, as one reused instance would get them; `tag` makes the data differ."""
    admin = {"authorization": f"Bearer {TOKEN}"}

    def call(method: str, uri: str, body: Any = None, **headers: str) -> Response:
        return send(db, method, uri, body, {k.replace("_", "-"): v for k, v in headers.items()}, TOKEN)

    def served(method: str, uri: str, body: bytes | None = None, **headers: str) -> Response:
        request = Request.of(method, uri, {k.replace("_", "-"): v for k, v in headers.items()}, body)
        metered = Metered(db)
        return serve(request, metered, {"admin_token": TOKEN, "erasure": "delete"}.get)

    ids = []
    for number in range(12):
        keyed = {"idempotency_key": f"{tag}-key-{number}"} if number % 2 == 0 else {}
        address = {"street": f"{number} Way", "zip": "12345", "city": tag}
        created = call(
            "POST",
            "/employees",
            valid_employee(firstName=f"{tag}{number}", address=address),
            x_request_id=f"{tag}-{number}",
            **keyed,
        )
        yield created
        ids.append(body_of(created)["id"])
    replayed = call(
        "POST",
        "/employees",
        valid_employee(firstName=f"{tag}0", address={"street": "0 Way", "zip": "12345", "city": tag}),
        idempotency_key=f"{tag}-key-0",
    )
    assert replayed.headers.get("idempotent-replayed") == "true"
    yield replayed
    yield call("POST", "/employees", valid_employee(), idempotency_key=f"{tag}-key-0")  # 422: key reused
    first = f"/employees/{ids[0]}"
    yield call(
        "POST", "/employees", valid_employee(lastName=tag), traceparent=f"00-{uuid.uuid4().hex}-{'ab' * 8}-01"
    )
    yield call("GET", f"/employees?limit=5&city={tag}")
    page = call("GET", f"/employees?limit=3&q={tag[:4]}")
    yield page
    if "link" in page.headers:
        yield call("GET", page.headers["link"].split(">")[0].lstrip("<"))
    yield call("GET", first)
    yield call("HEAD", first)
    yield call("GET", first, if_none_match='"1"')
    yield call("PUT", first, valid_employee(firstName=f"{tag}-changed"), if_match='"1"')
    yield call("PUT", first, valid_employee(), if_match='"1"')  # 412
    yield call("PUT", first, {"firstName": "", "lastName": 3, "extra": True})  # 422
    yield call("POST", "/employees", b"{nope", content_type="application/json")  # 400
    yield call("POST", "/employees", b"x" * 70_000)  # 413
    yield call("POST", "/employees", b"{}", content_type="text/plain")  # 415
    yield call("GET", f"{first}/history")
    yield call("GET", "/employees/00000000-0000-4000-8000-000000000000")  # 404
    yield call("GET", "/employees?limit=0&cursor=bogus")  # 422
    yield call("PATCH", "/employees")  # 405
    yield call("GET", "/nowhere")  # 404
    yield call("DELETE", f"/employees/{ids[1]}", if_match='"1"')
    yield call("DELETE", f"/employees/{ids[2]}")
    yield call("GET", "/admin/projections", authorization=admin["authorization"])
    yield call("GET", "/admin/projections", authorization="Bearer wrong")  # 401
    yield call(
        "POST", "/admin/projections/rebuild?projector=employee_list", authorization=admin["authorization"]
    )
    yield call("POST", "/admin/projections/rebuild?projector=nope", authorization=admin["authorization"])
    yield send(db, "GET", "/admin/projections", headers=admin)  # 404: no admin token set
    yield call("GET", "/openapi.json")
    yield call("GET", "/healthz")
    for position in (0, 3, 6):  # a statement of a create fails: a 500 with its correlation id
        failing = FailingDatabase(db, position)
        yield send(
            failing, "POST", "/employees", valid_employee(), {"x-request-id": f"{tag}-fail-{position}"}
        )
    yield send(empty, "GET", "/employees")  # 503: no schema
    yield send(empty, "POST", "/employees", valid_employee())
    yield served("GET", f"/employees/{ids[3]}")
    yield served("DELETE", f"/employees/{ids[3]}")
    yield served("GET", "/admin/projections", authorization=admin["authorization"])
    yield served("GET", "/openapi.json")


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[NativeDatabase]:
    database = NativeDatabase(tmp_path / "empty.db", Erasure.DELETE)
    yield database
    database.close()


def test_requests_leave_every_module_level_value_of_the_service_as_it_was(
    db: NativeDatabase, empty: NativeDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    modules = import_every_service_module()
    before = module_state(modules)

    statuses = {response.status for response in workload(db, empty, "Reuse")}
    capsys.readouterr()  # the 500s' tracebacks

    after = module_state(modules)
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert not changed, changed
    assert sorted(set(after) - set(before)) == []
    assert {200, 201, 204, 304, 400, 401, 404, 405, 412, 413, 415, 422, 500, 503} <= statuses
    # The walk reached what matters: the schema constants, the route table, the problem table.
    for name in (
        "api.routes.OPENAPI",
        "api.routes.ROUTES",
        "api.problems.PROBLEMS",
        "api.representation.EMPLOYEE",
    ):
        assert name in before


def test_module_level_caches_do_not_grow_with_the_data_of_requests(
    db: NativeDatabase, empty: NativeDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    modules = import_every_service_module()
    for _ in workload(db, empty, "First"):
        pass
    filled = module_caches(modules)

    for _ in workload(db, empty, "Second"):
        pass
    capsys.readouterr()

    assert "web.ecma_regex.compiled" in filled
    assert module_caches(modules) == filled


def test_each_request_gets_its_own_correlation_id(db: NativeDatabase) -> None:
    failing = [FailingDatabase(db, 0) for _ in range(3)]

    given = send(failing[0], "POST", "/employees", valid_employee(), {"x-request-id": "reuse-given"})
    after = send(failing[1], "POST", "/employees", valid_employee())
    again = send(failing[2], "POST", "/employees", valid_employee())

    ids = [body_of(response)["correlationId"] for response in (given, after, again)]
    assert ids[0] == "reuse-given"
    assert len(set(ids)) == 3


def test_the_entry_point_reads_the_erasure_setting_for_each_request(monkeypatch: pytest.MonkeyPatch) -> None:
    # Spin variables may change while an instance lives (a provider such as Vault can change them),
    # so app.py hands each request a new SpinDatabase, which asks for `erasure` when it needs it.
    settings = iter(["overwrite", "delete"])
    current: dict[str, str] = {}
    databases: list[SpinDatabase] = []

    def fake_serve(request: Request, db: SpinDatabase, variable: Callable[[str], str | None]) -> Response:
        databases.append(db)
        return Response(204)

    monkeypatch.setattr(app, "serve", fake_serve)
    monkeypatch.setattr(app, "variable", current.get)
    erasures = []
    for _ in range(2):
        current["erasure"] = next(settings)
        app.answer(Request("GET", "/healthz", {}))
        erasures.append(databases[-1].erasure)

    assert databases[0] is not databases[1]
    assert erasures == [Erasure.OVERWRITE, Erasure.DELETE]
