"""Unit-test fixtures: a migrated SQLite file per test, and the app's request pipeline on CPython.
Fixtures only: helpers the tests share are in tests/support.py."""

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.database import Database
from tests.native_db import NativeDatabase, strictest_database
from tests.support import Call, send


@pytest.fixture
def db(tmp_path: Path) -> Iterator[NativeDatabase]:
    """A migrated database as the strictest host keeps it (tests.native_db.strictest_database):
    every statement the unit tests make the service send is one every host runs."""
    database = strictest_database(tmp_path / "cqrs.db")
    yield database
    database.close()


@pytest.fixture
def call(db: Database) -> Call:
    """`send` to the `db` fixture's database."""
    return functools.partial(send, db)
