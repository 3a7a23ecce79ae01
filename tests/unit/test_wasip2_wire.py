"""How app.py, the WASIp2 entry point, reads Spin's request and hands over its response, on CPython.

The wasi:http resources are a mock, named as one: `FakeWire` records, in order, what the entry
point does with the outgoing response, its body stream and the response outparam, and stands in for
the incoming request. What it models of the host is what Spin's does (wasmtime-wasi-http's p2
`HostOutgoingBody`): a body stream takes writes without waiting up to a budget (1 MiB, with room
for one more chunk), and more only once the server has started sending, that is after
`ResponseOutparam.set`. Real Spin runs the same code in tests/e2e/test_one_write_per_response.py.
"""

from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from spin_sdk.wit.imports.streams import StreamError_Closed
from spin_sdk.wit.imports.types import (
    IncomingRequest,
    Method_Get,
    Method_Other,
    Method_Post,
    ResponseOutparam,
)
from spin_sdk.wit.types import Err, Ok

import app
from web.http import Request, Response

BUDGET = 1 << 20
OUTPARAM = cast(ResponseOutparam, object())  # only handed on to the fake ResponseOutparam.set


@dataclass
class FakeWire:
    """The host's side of one exchange: what the entry point did, in order."""

    events: list[str] = field(default_factory=list)
    sent: bytearray = field(default_factory=bytearray)
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    status: int | None = None
    response_set: bool = False
    buffered: int = 0  # bytes written and not yet taken by the server

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        wire = self

        class Fields:
            @classmethod
            def from_list(cls, entries: list[tuple[str, bytes]]) -> "Fields":
                wire.headers = entries
                return cls()

        class Pollable:
            def __enter__(self) -> "Pollable":
                return self

            def __exit__(self, *exc: object) -> None:
                pass

            def block(self) -> None:
                assert wire.response_set, "waited for the server before it could send: a deadlock"
                wire.events.append("server took the buffer")
                wire.buffered = 0

        class OutputStream:
            def check_write(self) -> int:
                return BUDGET if wire.buffered < BUDGET else 0

            def write(self, contents: bytes) -> None:
                assert len(contents) <= self.check_write(), "wrote past the budget: a trap in Spin"
                wire.events.append(f"write {len(contents)}")
                wire.sent += contents
                wire.buffered += len(contents)

            def subscribe(self) -> Pollable:
                return Pollable()

            def __enter__(self) -> "OutputStream":
                return self

            def __exit__(self, *exc: object) -> None:
                wire.events.append("stream dropped")

        class OutgoingBody:
            def write(self) -> OutputStream:
                return OutputStream()

            @staticmethod
            def finish(body: "OutgoingBody", trailers: None) -> None:
                wire.events.append("body finished")

        class OutgoingResponse:
            def __init__(self, fields: Fields) -> None:
                pass

            def set_status_code(self, status: int) -> None:
                wire.status = status

            def body(self) -> OutgoingBody:
                return OutgoingBody()

        class ResponseOutparam:
            @staticmethod
            def set(param: object, result: Ok[OutgoingResponse]) -> None:
                wire.events.append("response set")
                wire.response_set = True

        for name, fake in [
            ("Fields", Fields),
            ("OutgoingBody", OutgoingBody),
            ("OutgoingResponse", OutgoingResponse),
            ("ResponseOutparam", ResponseOutparam),
        ]:
            monkeypatch.setattr(app, name, fake)


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> FakeWire:
    fake = FakeWire()
    fake.install(monkeypatch)
    return fake


def test_a_response_s_body_is_written_and_finished_before_its_head_is_handed_over(wire: FakeWire) -> None:
    body = b'{"status":"pass"}'
    app.send(Response(200, {"content-type": "application/json"}, body), OUTPARAM)

    assert wire.events == [f"write {len(body)}", "stream dropped", "body finished", "response set"]
    assert (wire.status, bytes(wire.sent)) == (200, body)
    assert wire.headers == [
        ("content-type", b"application/json"),
        ("content-length", str(len(body)).encode()),
    ]


def test_an_empty_body_still_finishes_before_the_head(wire: FakeWire) -> None:
    app.send(Response(204), OUTPARAM)

    assert wire.events == ["stream dropped", "body finished", "response set"]
    assert ("content-length", b"0") in wire.headers


def test_a_body_larger_than_the_host_buffers_is_sent_whole_once_the_head_is_out(wire: FakeWire) -> None:
    body = bytes(range(256)) * (3 * BUDGET // 256 + 7)
    app.send(Response(200, {}, body), OUTPARAM)

    assert bytes(wire.sent) == body
    assert wire.events[:2] == [f"write {BUDGET}", "response set"]
    assert wire.events[-2:] == ["stream dropped", "body finished"]


class FakeInputStream:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def blocking_read(self, size: int) -> bytes:
        if not self.chunks:
            raise Err(StreamError_Closed())
        return self.chunks.pop(0)

    def __enter__(self) -> "FakeInputStream":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


@dataclass
class FakeIncomingRequest:
    """A wasi:http incoming request whose body arrives in `chunks`; it is its own body resource."""

    verb: Any
    uri: str | None
    fields: list[tuple[str, bytes]]
    chunks: list[bytes]
    body_finished: bool = False

    def method(self) -> Any:
        return self.verb

    def path_with_query(self) -> str | None:
        return self.uri

    def headers(self) -> "FakeIncomingRequest":
        return self

    def entries(self) -> list[tuple[str, bytes]]:
        return self.fields

    def consume(self) -> "FakeIncomingRequest":
        return self

    def stream(self) -> FakeInputStream:
        return FakeInputStream(self.chunks)


@pytest.fixture(autouse=True)
def incoming_body(monkeypatch: pytest.MonkeyPatch) -> None:
    class IncomingBody:
        @staticmethod
        def finish(body: FakeIncomingRequest) -> None:
            body.body_finished = True

    monkeypatch.setattr(app, "IncomingBody", IncomingBody)


def receive(request: FakeIncomingRequest) -> Request:
    return app.received(cast(IncomingRequest, request))


def test_a_request_is_read_whole_with_its_headers_in_lower_case() -> None:
    request = FakeIncomingRequest(
        Method_Post(), "/employees?x=1", [("Content-Type", b"application/json")], [b'{"a":', b"1}"]
    )
    received = receive(request)

    assert (received.method, received.uri, received.body) == ("POST", "/employees?x=1", b'{"a":1}')
    assert received.headers == {"content-type": "application/json"}
    assert request.body_finished


def test_a_request_without_a_path_is_for_the_root_and_keeps_an_extension_method_s_name() -> None:
    assert receive(FakeIncomingRequest(Method_Get(), None, [], [])).uri == "/"
    purge = FakeIncomingRequest(Method_Other("PURGE"), "/", [], [])
    assert receive(purge).method == "PURGE"
