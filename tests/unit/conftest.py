"""Unit-test fixtures: a migrated SQLite file per test, and the app's request pipeline on CPython."""

import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api.service import handle
from storage.database import Database, Erasure
from tests import libsql_server_model
from tests.native_db import NativeDatabase
from web.http import Request, Response

Call = Callable[..., Response]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[NativeDatabase]:
    """A migrated database that refuses what a libSQL server refuses (a model of its checks), set
    up as the service is for such a server (erasure "delete"): the strictest host, so every
    statement the unit tests make the service send is one every host runs."""
    database = NativeDatabase(tmp_path / "cqrs.db", Erasure.DELETE, refuse=libsql_server_model.refusal)
    database.migrate()
    yield database
    database.close()


def send(
    db: Database,
    method: str,
    uri: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    admin_token: str | None = None,
) -> Response:
    """Send one request through the service, as the component does, to `db`; a body that is not
    bytes is sent as JSON."""
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    return handle(Request.of(method, uri, headers or {}, raw), db, lambda: admin_token)


@pytest.fixture
def call(db: Database) -> Call:
    """`send` to the `db` fixture's database."""
    return functools.partial(send, db)


def body_of(response: Response) -> Any:
    return json.loads(response.body or b"")


def valid_employee(**changes: Any) -> dict[str, Any]:
    employee: dict[str, Any] = {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "address": {"street": "12 St James's Square", "zip": "SW1Y 4JH", "city": "London"},
    }
    employee.update(changes)
    return employee
