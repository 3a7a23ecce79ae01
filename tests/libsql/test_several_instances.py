"""Several Spin instances on one libSQL primary, as SpinKube pods on one Turso database: real
`spin up`s on a real `sqld`. Conditional writes racing across instances have one winner, parallel
creates are all kept, a killed instance loses no acknowledged write, and the log keeps one order."""

import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from tests.e2e.helpers import create_until_stopped
from tests.libsql.helpers import LIBSQL, RACERS, in_parallel, instance_on, post, put
from tests.libsql_server import SqldServer
from tests.spin_server import SpinServer

pytestmark = LIBSQL
ROUNDS = 10


def test_conditional_writes_racing_across_instances_have_one_winner(instances: list[SpinServer]) -> None:
    outcomes = []
    for _ in range(ROUNDS):
        location = post(instances[0])().headers["location"]
        answers = in_parallel([put(instances[n % 2], location, '"1"') for n in range(RACERS)])
        outcomes.append(Counter(answer.status_code for answer in answers))

    assert outcomes == [Counter({412: RACERS - 1, 200: 1})] * ROUNDS


def test_parallel_creates_spread_over_instances_are_all_kept(
    instances: list[SpinServer], primary: SqldServer
) -> None:
    answers = in_parallel([post(instances[n % 2]) for n in range(40)])

    failed = [(answer.status_code, answer.text[:300]) for answer in answers if answer.status_code != 201]
    assert failed == []
    ids = {answer.json()["id"] for answer in answers}
    stored = {row[0] for row in primary.query("SELECT id FROM employees")}
    assert ids <= stored
    for instance in instances:
        assert all(httpx.get(f"{instance.url}/employees/{i}").status_code == 200 for i in sorted(ids)[:10])


def test_a_killed_instance_loses_no_acknowledged_write(primary: SqldServer, tmp_path: Path) -> None:
    victim, survivor = instance_on(primary, tmp_path / "victim"), instance_on(primary, tmp_path / "survivor")
    acknowledged: list[str] = []
    stop = threading.Event()

    writers = [
        threading.Thread(target=create_until_stopped, args=(instance.url, stop, acknowledged))
        for instance in (victim, survivor) * 2
    ]
    for writer in writers:
        writer.start()
    time.sleep(1.5)
    victim.kill()
    time.sleep(0.5)
    stop.set()
    for writer in writers:
        writer.join()
    survivor.stop()

    assert len(acknowledged) > 20
    stored = {row[0] for row in primary.query("SELECT id FROM employees")}
    assert set(acknowledged) <= stored


def test_the_log_keeps_one_order_without_gaps(instances: list[SpinServer], primary: SqldServer) -> None:
    in_parallel([post(instance) for instance in instances * 5])

    sequence = [row[0] for row in primary.query("SELECT seq FROM events ORDER BY seq")]
    assert sequence == list(range(1, len(sequence) + 1))
    streams = primary.query("SELECT stream_id, group_concat(version) FROM events GROUP BY stream_id")
    for stream, versions in streams:
        numbers = [int(version) for version in versions.split(",")]
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), stream
