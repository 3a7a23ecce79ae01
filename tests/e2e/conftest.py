"""End-to-end fixtures: the built app.wasm served over real HTTP, one database per test module."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.spin_server import SpinServer, serving


@pytest.fixture(scope="session", autouse=True)
def every_test_here_serves_the_built_component(built_component: Path) -> None:
    """Fails each end-to-end test, saying how to build it, while app.wasm is missing."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpinServer]:
    with serving(tmp_path_factory.mktemp("spin")) as running:
        yield running


@pytest.fixture
def client(server: SpinServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30.0) as http:
        yield http
