"""libSQL end-to-end fixtures: a real `sqld` primary (and replica) with real `spin up`s on it.
Every test here is marked `libsql` and skipped, saying why, unless both `spin` and `sqld` are on
PATH; `make test-libsql` runs them."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.libsql.helpers import instance_on
from tests.libsql_server import SqldServer
from tests.spin_server import SpinServer


@pytest.fixture(scope="session", autouse=True)
def every_test_here_serves_the_built_component(built_component: Path) -> None:
    """Fails each test here, saying how to build it, while the component is missing."""


@pytest.fixture(scope="module")
def primary(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqldServer]:
    server = SqldServer(tmp_path_factory.mktemp("sqld")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def instances(primary: SqldServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SpinServer]]:
    """Two Spin instances on one primary; the first applied migrations.sql."""
    first = instance_on(primary, tmp_path_factory.mktemp("spin-a"), migrate=True)
    second = instance_on(primary, tmp_path_factory.mktemp("spin-b"))
    yield [first, second]
    for instance in (first, second):
        instance.stop()
