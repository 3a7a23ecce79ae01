"""Suite-wide fixtures: the built component, and a guard that no host process the suite started
outlives it.

A SIGKILL of `spin up` alone once left its `spin trigger http` child serving, holding a port and
a database, after every run. The harness (tests/spin_server.py) remembers each process group it
starts until it has seen the whole group end; this fails the run, naming every survivor, if any
such group still has a live member, or if any child of the test process is still running."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.spin_server import ROOT, leftover_processes


@pytest.fixture(scope="session")
def built_component() -> Path:
    """app.wasm, which `make test` builds first; a test that needs it fails without it, never skips."""
    wasm = ROOT / "app.wasm"
    if not wasm.exists():
        pytest.fail("app.wasm is missing: run the tests with `make test`, which builds it")
    return wasm


@pytest.fixture(scope="session", autouse=True)
def no_host_process_outlives_the_suite() -> Iterator[None]:
    yield
    survivors = leftover_processes()
    if survivors:
        pytest.fail("processes the tests started are still running:\n" + "\n".join(survivors), pytrace=False)
