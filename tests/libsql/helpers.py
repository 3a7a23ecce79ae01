"""What the libSQL end-to-end tests share: their marker, Spin instances on a libSQL server, and
requests sent in parallel and retried after a 503 as a client does."""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.helpers import new_employee
from tests.libsql_server import SQLD, SqldServer
from tests.spin_server import REAL_SPIN, SpinServer

LIBSQL = [
    pytest.mark.libsql,
    pytest.mark.skipif(
        REAL_SPIN is None or SQLD is None, reason="needs spin and sqld on PATH (make test-libsql)"
    ),
]
# The erasure a libSQL server allows: it refuses PRAGMA secure_delete (docs/where-it-runs.md).
ON_LIBSQL = {"SPIN_VARIABLE_ERASURE": "delete"}
RETRIES = 5
RACERS = 6  # conditional writes sent at once with the same If-Match


def instance_on(database: SqldServer, workdir: Path, migrate: bool = False) -> SpinServer:
    """A started `spin up` whose `default` database is `database`, as a SpinKube pod's is."""
    return SpinServer(workdir, migrate=migrate, libsql_url=database.url, env=ON_LIBSQL).start()


def in_parallel(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def post(instance: SpinServer) -> Callable[[], httpx.Response]:
    return partial(retried, httpx.post, f"{instance.url}/employees", json=new_employee(), timeout=30)


def put(instance: SpinServer, location: str, if_match: str) -> Callable[[], httpx.Response]:
    headers = {"if-match": if_match}
    body = new_employee()
    return partial(retried, httpx.put, f"{instance.url}{location}", json=body, headers=headers, timeout=30)


def retried(send: Callable[..., httpx.Response], *args: Any, **options: Any) -> httpx.Response:
    """As a client does with a 503: waits the Retry-After it names, then sends again. sqld rolls
    back a transaction that held the write lock for 5 s while another waited (SQLITE_INTERRUPT),
    which on this 2-core machine happens under 40 writers; a 500 is never retried."""
    for _ in range(RETRIES):
        answer = send(*args, **options)
        if answer.status_code != 503:
            return answer
        time.sleep(float(answer.headers["retry-after"]))
    return answer
