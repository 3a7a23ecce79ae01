"""Suite-wide fixtures: the component the end-to-end tests serve, and a guard that no host process
the suite started outlives it.

A SIGKILL of `spin up` alone once left its `spin trigger http` child serving, holding a port and
a database, after every run. The harness (tests/spin_server.py) remembers each process group it
starts until it has seen the whole group end; this fails the run, naming every survivor, if any
such group still has a live member, or if any child of the test process is still running."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.spin_server import COMPONENT, leftover_processes


@pytest.fixture(scope="session")
def built_component() -> Path:
    """The component the end-to-end tests serve (app.wasm, or app-p3.wasm under Spin 4.1+), which
    `make test` builds first; a test that needs it fails without it, never skips."""
    if not COMPONENT.exists():
        pytest.fail(f"{COMPONENT.name} is missing: run the tests with `make test`, which builds it")
    return COMPONENT


@pytest.fixture(scope="session", autouse=True)
def no_host_process_outlives_the_suite() -> Iterator[None]:
    yield
    survivors = leftover_processes()
    if survivors:
        pytest.fail("processes the tests started are still running:\n" + "\n".join(survivors), pytrace=False)
