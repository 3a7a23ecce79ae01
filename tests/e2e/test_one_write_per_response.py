"""Each response reaches a keep-alive client in one piece: head and body together.

Spin's HTTP server does not set TCP_NODELAY. When a response's head and body leave in two writes,
Nagle's algorithm holds the body until the client acknowledges the head, and a client delays that
acknowledgement by up to 40 ms: one request in ten or more then takes 40 ms instead of 2. The entry
points prevent it by handing Spin the body before (WASIp2) or with (WASIp3) the head. What the
client can see of it without timing anything: the first read of a response returns all of it.

Real Spin only: the local host answers from Node, which sets TCP_NODELAY and sends a response
only once the component has finished it, so there no order of the entry point's calls can split
one."""

import uuid
from collections.abc import Iterator

import pytest

from tests.e2e.helpers import new_employee
from tests.keep_alive import Answer, KeepAliveConnection
from tests.spin_server import REAL_SPIN, SpinServer

pytestmark = pytest.mark.skipif(
    REAL_SPIN is None, reason="only real Spin writes to the socket without TCP_NODELAY (module docstring)"
)
ROUNDS = 25


@pytest.fixture
def connection(server: SpinServer) -> Iterator[KeepAliveConnection]:
    with KeepAliveConnection(server.port) as opened:
        yield opened


def test_every_kind_of_response_arrives_in_one_read(connection: KeepAliveConnection) -> None:
    answers: list[tuple[str, Answer]] = []
    for _ in range(ROUNDS):
        created = connection.send("POST", "/employees", new_employee())
        location = created.headers["location"]
        sent = {  # in this order, on the one connection
            "create": created,
            "read": connection.send("GET", location),
            "update": connection.send("PUT", location, new_employee(), headers={"if-match": '"1"'}),
            "list": connection.send("GET", "/employees?limit=5"),
            "health": connection.send("GET", "/healthz"),
            "unknown id": connection.send("GET", f"/employees/{uuid.uuid4()}"),
            "invalid": connection.send("POST", "/employees", {"firstName": ""}),
            "delete": connection.send("DELETE", location),
        }
        answers += sent.items()

    assert {(label, answer.status) for label, answer in answers} == {
        ("create", 201), ("read", 200), ("update", 200), ("list", 200),
        ("health", 200), ("unknown id", 404), ("invalid", 422), ("delete", 204),
    }  # fmt: skip
    split = [f"{label} ({answer.reads} reads)" for label, answer in answers if answer.reads > 1]
    assert split == [], f"{len(split)} of {len(answers)} responses arrived in pieces: {split[:10]}"
