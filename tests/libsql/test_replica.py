"""A Spin instance on a libSQL replica beside one on its primary, as SpinKube pods near their users:
real `spin up`s on a real `sqld` primary and replica. The replica forwards each write transaction
to the primary whole: nothing is a 500, a write is there or not at all, and conditional writes
racing across the two instances have one winner. A client that sends the ETag a write gave it
reads that write through the replica at once, whichever instance made it."""

from collections import Counter
from collections.abc import Iterator

import pytest

from tests.keep_alive import KeepAliveConnection
from tests.libsql.helpers import LIBSQL, RACERS, in_parallel, instance_on, post, put
from tests.libsql_server import SqldServer
from tests.spin_server import SpinServer

pytestmark = LIBSQL
WRITES = 50
ROUNDS = 10


@pytest.fixture(scope="module")
def replica(primary: SqldServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqldServer]:
    server = SqldServer(tmp_path_factory.mktemp("replica"), primary=primary).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def on_primary(primary: SqldServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpinServer]:
    instance = instance_on(primary, tmp_path_factory.mktemp("spin-primary"), migrate=True)
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def on_replica(
    replica: SqldServer, on_primary: SpinServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SpinServer]:
    instance = instance_on(replica, tmp_path_factory.mktemp("spin-replica"))
    yield instance
    instance.stop()


def test_writes_through_a_replica_are_whole_on_the_primary(
    on_replica: SpinServer, primary: SqldServer
) -> None:
    answers = [post(on_replica)() for _ in range(WRITES)]

    assert Counter(answer.status_code for answer in answers) == {201: WRITES}
    ids = ", ".join(f"'{answer.json()['id']}'" for answer in answers)
    for table, column in (("employees", "id"), ("events", "stream_id"), ("employee_details_view", "id")):
        assert primary.query(f"SELECT count(*) FROM {table} WHERE {column} IN ({ids})") == [[WRITES]], table


def test_a_write_refused_through_a_replica_leaves_nothing_on_the_primary(
    on_replica: SpinServer, primary: SqldServer
) -> None:
    created = post(on_replica)()
    employee_id = created.json()["id"]

    stale = put(on_replica, created.headers["location"], '"7"')()

    assert stale.status_code == 412
    assert primary.query(f"SELECT version FROM employees WHERE id = '{employee_id}'") == [[1]]
    assert primary.query(f"SELECT type FROM events WHERE stream_id = '{employee_id}'") == [
        ["EmployeeCreated"]
    ]


def test_conditional_writes_racing_across_primary_and_replica_have_one_winner(
    on_primary: SpinServer, on_replica: SpinServer
) -> None:
    outcomes = []
    for _ in range(ROUNDS):
        location = post(on_primary)().headers["location"]
        racers = [put((on_primary, on_replica)[n % 2], location, '"1"') for n in range(RACERS)]
        outcomes.append(Counter(answer.status_code for answer in in_parallel(racers)))

    assert outcomes == [Counter({412: RACERS - 1, 200: 1})] * ROUNDS


def test_a_client_reads_its_own_writes_through_a_replica_with_the_etag_it_got(
    on_primary: SpinServer, on_replica: SpinServer
) -> None:
    answers = []
    with KeepAliveConnection(on_replica.port) as reader:  # as fast as a client can ask
        for writer in (on_replica, on_primary) * (WRITES // 2):
            created = post(writer)()
            location, tag = created.headers["location"], created.headers["etag"]
            answers.append(reader.send("GET", location, headers={"if-none-match": tag}).status)
            updated = put(writer, location, tag)()
            answers.append(
                reader.send("GET", location, headers={"if-none-match": updated.headers["etag"]}).status
            )

    assert Counter(answers) == {304: 2 * WRITES}
