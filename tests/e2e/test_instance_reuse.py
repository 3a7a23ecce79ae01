"""Instance reuse, end to end: nothing request-specific survives a request.

Spin 4.1+ reuses an instance of a WASIp3 component for up to 128 requests in sequence (and 16 at
once), so the service's module state lives across requests (Spin's `crates/trigger-http`; the rules
and their sources are in devhost/README.md). These tests serve the built component with those rules
and check, request after request, that what one request brought (its X-Request-Id or traceparent, its
bearer token, its failed transaction, its statement count, its Idempotency-Key, its conditional
headers) is gone from the next one, and that the OpenAPI document served is the same after a burst
of requests as before.

Without `spin` on PATH the local host serves app.wasm on one shared instance under Spin's WASIp3
rule (`--max-instance-reuse-count 128 --idle-instance-timeout 1s`), and logs each instance it
retires, so every scenario here is checked to have run on one instance, and the module as a whole to
have crossed from one instance to the next. With `spin` on PATH the same tests run against real
spin: Spin 4.1+ serves the WASIp3 component and reuses its instances by its own defaults; older Spin
(and any WASIp2 component) gets a fresh instance per request, where the tests pass but prove less.
"""

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from tests.e2e.helpers import new_employee, query, statements
from tests.spin_server import REAL_SPIN, SpinServer, serving
from tests.support import snapshot

TOKEN = "reuse-admin-token"
# Spin 4's defaults for a WASIp3 component, for the local host's shared instance.
SPIN_WASIP3_REUSE = ("--max-instance-reuse-count", "128", "--idle-instance-timeout", "1s")
RETIRED = re.compile(r"devhost: instance \d+ retired after (\d+) requests?: (.*)")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

T = TypeVar("T")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpinServer]:
    with serving(
        tmp_path_factory.mktemp("reuse"),
        env={"SPIN_VARIABLE_ADMIN_TOKEN": TOKEN},
        local_host_args=SPIN_WASIP3_REUSE,
    ) as running:
        yield running


@pytest.fixture
def client(server: SpinServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30.0) as http:
        yield http


def retirements(server: SpinServer) -> list[tuple[int, str]]:
    """The local host's retired instances so far: the requests each served, and why it went."""
    return [(int(served), why) for served, why in RETIRED.findall(server.log.read_text())]


def on_one_instance(server: SpinServer, scenario: Callable[[], T]) -> T:
    """Runs a scenario of a few requests so that they all reach one instance, and returns what it
    returns. Under the local host, an instance retired midway (at most once in 128 requests) makes
    it run again on the next instance; under real spin the instance cannot be seen."""
    for _ in range(2):
        before = len(retirements(server))
        result = scenario()
        if REAL_SPIN or len(retirements(server)) == before:
            return result
    raise AssertionError(f"two instances retired during one short scenario: {retirements(server)}")


class FailingInserts:
    """While active, every INSERT into `table` fails inside the component's transaction."""

    def __init__(self, server: SpinServer, table: str) -> None:
        self.server, self.table = server, table

    def __enter__(self) -> None:
        query(
            self.server.database,
            f"CREATE TRIGGER test_only_reuse_failure BEFORE INSERT ON {self.table}"
            " BEGIN SELECT RAISE(ABORT, 'test-only forced failure'); END",
        )

    def __exit__(self, *_: object) -> None:
        query(self.server.database, "DROP TRIGGER IF EXISTS test_only_reuse_failure")


def correlation_column(server: SpinServer, employee_id: str) -> str:
    rows = query(
        server.database,
        "SELECT correlation_id FROM events WHERE type = 'EmployeeCreated' AND stream_id = ?",
        (employee_id,),
    )
    assert len(rows) == 1, rows
    value: str = rows[0][0]
    return value


def test_a_request_id_never_becomes_the_correlation_id_of_a_later_request(
    client: httpx.Client, server: SpinServer
) -> None:
    request_id, trace_id = f"reuse-{uuid.uuid4().hex[:12]}", uuid.uuid4().hex

    def scenario() -> list[str]:
        with FailingInserts(server, "employee_list_view"):
            failed = [
                client.post("/employees", json=new_employee(), headers={"x-request-id": request_id}),
                client.post("/employees", json=new_employee()),
                client.post(
                    "/employees", json=new_employee(), headers={"traceparent": f"00-{trace_id}-{'cd' * 8}-01"}
                ),
                client.post("/employees", json=new_employee()),
            ]
        assert [response.status_code for response in failed] == [500] * 4
        return [response.json()["correlationId"] for response in failed]

    given, after_given, traced, after_traced = on_one_instance(server, scenario)

    assert (given, traced) == (request_id, trace_id)
    assert all(_UUID.match(generated) for generated in (after_given, after_traced)), (
        after_given,
        after_traced,
    )
    assert len({given, after_given, traced, after_traced}) == 4


def test_the_event_log_records_each_requests_own_correlation_id(
    client: httpx.Client, server: SpinServer
) -> None:
    request_id = f"reuse-{uuid.uuid4().hex[:12]}"

    def scenario() -> list[str]:
        with_id = client.post("/employees", json=new_employee(), headers={"x-request-id": request_id})
        without = client.post("/employees", json=new_employee())
        another = client.post("/employees", json=new_employee())
        return [correlation_column(server, response.json()["id"]) for response in (with_id, without, another)]

    given, generated, generated_again = on_one_instance(server, scenario)

    assert given == request_id
    assert all(_UUID.match(value) for value in (generated, generated_again)), (generated, generated_again)
    assert generated != generated_again


def test_a_bearer_token_authorizes_only_the_request_that_carries_it(
    client: httpx.Client, server: SpinServer
) -> None:
    bearer = {"authorization": f"Bearer {TOKEN}"}

    def scenario() -> list[int]:
        return [
            client.get("/admin/projections", headers=bearer).status_code,
            client.get("/admin/projections").status_code,
            client.get("/admin/projections", headers={"authorization": "Bearer wrong"}).status_code,
            client.post("/admin/projections/rebuild", headers=bearer).status_code,
            client.post("/admin/projections/rebuild").status_code,
            client.get("/admin/projections", headers=bearer).status_code,
        ]

    assert on_one_instance(server, scenario) == [200, 401, 401, 200, 401, 200]


def test_a_rolled_back_write_leaves_the_next_request_normal(client: httpx.Client, server: SpinServer) -> None:
    def scenario() -> tuple[list[int], bool, dict[str, Any]]:
        before = snapshot(server.database)
        with FailingInserts(server, "employee_details_view"):
            failed = client.post("/employees", json=new_employee())
        rolled_back = snapshot(server.database) == before
        invalid = client.post("/employees", json={"firstName": ""})
        created = client.post("/employees", json=new_employee())
        return [failed.status_code, invalid.status_code, created.status_code], rolled_back, created.json()

    statuses, rolled_back, created = on_one_instance(server, scenario)

    assert statuses == [500, 422, 201]
    assert rolled_back
    # Committed, so another connection sees it: the failed request left no transaction open.
    assert query(server.database, "SELECT count(*) FROM employees WHERE id = ?", (created["id"],)) == [(1,)]
    assert client.get(f"/employees/{created['id']}").json() == created


def test_server_timing_counts_only_the_requests_own_statements(
    client: httpx.Client, server: SpinServer
) -> None:
    kept = client.post("/employees", json=new_employee()).json()
    doomed = [client.post("/employees", json=new_employee()).json()["id"] for _ in range(2)]

    def scenario() -> list[int]:
        counted = []
        for employee_id in doomed:
            deleted = client.delete(f"/employees/{employee_id}")
            assert deleted.status_code == 204
            counted += [
                statements(deleted),
                statements(client.get(f"/employees/{kept['id']}")),
                statements(client.get("/openapi.json")),
            ]
        return counted

    first_delete, read, document, second_delete, read_again, document_again = on_one_instance(
        server, scenario
    )

    assert first_delete == second_delete > 1
    assert (read, document, read_again, document_again) == (1, 0, 1, 0)


def test_a_validation_error_lists_only_the_fields_of_its_own_request(
    client: httpx.Client, server: SpinServer
) -> None:
    def scenario() -> list[list[str]]:
        many = client.post("/employees", json={"firstName": "", "lastName": 7, "address": {"city": ""}})
        one = client.post("/employees", json=new_employee(firstName=""))
        valid = client.post("/employees", json=new_employee())
        assert (many.status_code, one.status_code, valid.status_code) == (422, 422, 201)
        return [[error["pointer"] for error in response.json()["errors"]] for response in (many, one)]

    many, one = on_one_instance(server, scenario)

    assert len(many) > 2
    assert one == ["/firstName"]


def test_conditional_and_head_requests_leave_the_next_request_whole(
    client: httpx.Client, server: SpinServer
) -> None:
    created = client.post("/employees", json=new_employee())
    url, tag = created.headers["location"], created.headers["etag"]

    def scenario() -> list[httpx.Response]:
        return [
            client.get(url, headers={"if-none-match": tag}),
            client.get(url),
            client.head(url),
            client.get(url),
            client.put(url, json=new_employee(firstName="Stale"), headers={"if-match": '"999"'}),
            client.get(url),
        ]

    not_modified, full, head, full_again, stale, unchanged = on_one_instance(server, scenario)

    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert full.json() == full_again.json() == unchanged.json() == created.json()
    assert (head.status_code, head.content) == (200, b"")
    assert stale.status_code == 412


def test_an_idempotency_key_answers_only_requests_that_carry_it(
    client: httpx.Client, server: SpinServer
) -> None:
    body, key = new_employee(), f"reuse-{uuid.uuid4()}"

    def scenario() -> list[httpx.Response]:
        return [
            client.post("/employees", json=body, headers={"idempotency-key": key}),
            client.post("/employees", json=body),
            client.post("/employees", json=body, headers={"idempotency-key": key}),
        ]

    keyed, unkeyed, replayed = on_one_instance(server, scenario)

    assert (keyed.status_code, unkeyed.status_code, replayed.status_code) == (201, 201, 201)
    assert unkeyed.json()["id"] != keyed.json()["id"]
    assert "idempotent-replayed" not in unkeyed.headers
    assert replayed.json() == keyed.json()
    assert replayed.headers["idempotent-replayed"] == "true"


def burst(client: httpx.Client, rounds: int) -> None:
    """Varied requests, successes and failures of every kind the service answers."""
    for round_number in range(rounds):
        created = client.post("/employees", json=new_employee(firstName=f"Burst{round_number}"))
        url = created.headers["location"]
        client.put(url, json=new_employee(firstName="Changed"), headers={"if-match": created.headers["etag"]})
        client.get("/employees", params={"q": "burst", "city": "Arlington", "limit": 3})
        client.get(f"{url}/history")
        client.get("/employees/not-an-id")
        client.patch("/employees")
        client.post("/employees", content=b"{not json", headers={"x-request-id": f"burst-{round_number}"})
        client.get("/admin/projections", headers={"authorization": f"Bearer {TOKEN}"})
        client.delete(url)


def test_the_openapi_document_and_health_are_the_same_after_a_burst_of_requests(
    client: httpx.Client, server: SpinServer
) -> None:
    document, health = client.get("/openapi.json"), client.get("/healthz")

    burst(client, 15)  # 135 requests: more than one instance's worth

    assert client.get("/openapi.json").content == document.content
    assert client.get("/healthz").json() == health.json()


@pytest.mark.skipif(REAL_SPIN is not None, reason="real spin does not say when it drops an instance")
def test_the_local_host_gives_each_instance_128_requests_as_spin_does_for_wasip3(
    client: httpx.Client, server: SpinServer
) -> None:
    burst(client, 30)  # 270 requests

    served = retirements(server)

    assert [count for count, why in served if why == "max-instance-reuse-count reached"], served
    assert all(count == 128 for count, why in served if why == "max-instance-reuse-count reached"), served
    assert not [why for _, why in served if "trapped" in why or "memory" in why], served
