"""Two host processes on one SQLite file, as two replicas sharing a database: racing writers,
one idempotency key sent to both, a mixed workload, a held write lock, and a SIGKILL mid-burst."""

import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.e2e.helpers import create_until_stopped, new_employee, query, rebuild_over_http
from tests.spin_server import SpinServer, serving
from tests.support import views

TOKEN = "replica-admin-token"


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SpinServer, SpinServer]]:
    shared = tmp_path_factory.mktemp("replicas")
    env = {"SPIN_VARIABLE_ADMIN_TOKEN": TOKEN}
    with serving(shared, env=env) as first, serving(shared, env=env) as second:
        yield first, second


def in_parallel(count: int, work: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(work, range(count)))


def test_both_replicas_serve_the_same_database(replicas: tuple[SpinServer, SpinServer]) -> None:
    first, second = replicas
    created = httpx.post(f"{first.url}/employees", json=new_employee())
    assert httpx.get(f"{second.url}{created.headers['location']}").json() == created.json()


def test_clients_updating_one_employee_with_one_etag_on_two_replicas_have_exactly_one_winner(
    replicas: tuple[SpinServer, SpinServer],
) -> None:
    first, second = replicas
    created = httpx.post(f"{first.url}/employees", json=new_employee())
    location, tag = created.headers["location"], created.headers["etag"]

    def update(i: int) -> httpx.Response:
        base = (first, second)[i % 2].url
        body = new_employee(firstName=f"Writer{i}")
        return httpx.put(f"{base}{location}", json=body, headers={"if-match": tag}, timeout=60)

    statuses = sorted(response.status_code for response in in_parallel(12, update))

    assert statuses == [200] + [412] * 11
    assert httpx.get(f"{second.url}{location}").headers["etag"] == '"2"'


def test_one_idempotency_key_sent_to_both_replicas_creates_one_employee(
    replicas: tuple[SpinServer, SpinServer],
) -> None:
    first, second = replicas
    body, key = new_employee(), str(uuid.uuid4())

    def create(i: int) -> httpx.Response:
        base = (first, second)[i % 2].url
        return httpx.post(f"{base}/employees", json=body, headers={"idempotency-key": key}, timeout=60)

    responses = in_parallel(10, create)

    assert {response.status_code for response in responses} == {201}
    assert len({response.headers["location"] for response in responses}) == 1
    count = query(first.database, "SELECT count(*) FROM employees WHERE last_name = ?", (body["lastName"],))
    assert count == [(1,)]


def test_after_a_mixed_workload_on_two_replicas_the_views_equal_a_rebuild_from_the_log(
    replicas: tuple[SpinServer, SpinServer],
) -> None:
    servers = replicas
    ids = [httpx.post(f"{servers[0].url}/employees", json=new_employee()).json()["id"] for _ in range(10)]

    def work(i: int) -> httpx.Response:
        rng = random.Random(i)
        base = servers[i % 2].url
        roll = rng.random()
        if roll < 0.4:
            return httpx.post(f"{base}/employees", json=new_employee(), timeout=60)
        if roll < 0.8:
            return httpx.put(f"{base}/employees/{rng.choice(ids)}", json=new_employee(), timeout=60)
        return httpx.delete(f"{base}/employees/{rng.choice(ids)}", timeout=60)

    statuses = {response.status_code for response in in_parallel(60, work)}
    live = views(servers[0].database)
    rebuild_over_http(servers[1].url, TOKEN)

    assert statuses <= {200, 201, 204, 404}
    assert views(servers[0].database) == live


def test_a_write_lock_held_past_the_busy_timeout_is_a_503_with_retry_after_and_loses_nothing(
    replicas: tuple[SpinServer, SpinServer],
) -> None:
    first, _ = replicas
    body = new_employee()
    blocker = sqlite3.connect(first.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        refused = httpx.post(f"{first.url}/employees", json=body, timeout=60)
        read_meanwhile = httpx.get(f"{first.url}/employees?limit=1", timeout=60)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    retried = httpx.post(f"{first.url}/employees", json=body, timeout=60)

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"] == "application/problem+json"
    assert read_meanwhile.status_code == 200  # readers are not blocked by a pending writer
    assert retried.status_code == 201
    count = query(first.database, "SELECT count(*) FROM employees WHERE last_name = ?", (body["lastName"],))
    assert count == [(1,)]


def test_every_acknowledged_write_survives_a_sigkill_mid_burst(tmp_path: Path) -> None:
    server = SpinServer(tmp_path, env={"SPIN_VARIABLE_ADMIN_TOKEN": TOKEN}).start()
    acknowledged: list[str] = []
    stop = threading.Event()

    burst = (server.url, stop, acknowledged)
    writers = [threading.Thread(target=create_until_stopped, args=burst) for _ in range(4)]
    for writer in writers:
        writer.start()
    time.sleep(1.5)
    server.kill()
    stop.set()
    for writer in writers:
        writer.join()

    server.start()
    try:
        assert len(acknowledged) > 20
        stored = {row[0] for row in query(server.database, "SELECT id FROM employees")}
        assert set(acknowledged) <= stored
        sample = random.Random(0).sample(acknowledged, 10)
        assert all(httpx.get(f"{server.url}/employees/{i}").status_code == 200 for i in sample)
        live = views(server.database)
        rebuild_over_http(server.url, TOKEN)
        assert views(server.database) == live
    finally:
        server.stop()
