"""Unit-test fixtures: a migrated SQLite file per test, and the app's request pipeline on CPython."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from spin_sdk.http import Request, Response

import app
from domain.database import Database
from tests.native_db import NativeDatabase

Call = Callable[..., Response]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[NativeDatabase]:
    database = NativeDatabase(tmp_path / "cqrs.db")
    database.migrate()
    yield database
    database.close()


@pytest.fixture
def call(db: Database) -> Call:
    """Send one request through app.handle, as the component does, with the `db` fixture's database."""

    def send(
        method: str,
        uri: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
        admin_token: str | None = None,
    ) -> Response:
        raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        return app.handle(Request(method, uri, dict(headers or {}), raw), db, lambda: admin_token)

    return send


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
