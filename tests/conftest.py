"""Suite-wide guard: no host process the suite started may outlive it.

A SIGKILL of `spin up` alone once left its `spin trigger http` child serving, holding a port and
a database, after every run. The harness (tests/spin_server.py) remembers each process group it
starts until it has seen the whole group end; this fails the run, naming every survivor, if any
such group still has a live member, or if any child of the test process is still running."""

from collections.abc import Iterator

import pytest

from tests.spin_server import leftover_processes


@pytest.fixture(scope="session", autouse=True)
def no_host_process_outlives_the_suite() -> Iterator[None]:
    yield
    survivors = leftover_processes()
    if survivors:
        pytest.fail("processes the tests started are still running:\n" + "\n".join(survivors), pytrace=False)
