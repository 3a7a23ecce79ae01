"""A keep-alive HTTP/1.1 client on a plain socket, as connection pools use one: requests one after
another on one connection, each answer read in full by its Content-Length. It also says how many
reads of the socket each answer took, which no HTTP library exposes: a response that arrives in
pieces is the mark of a head and body written apart (tests/e2e/test_one_write_per_response.py).
The end-to-end tests and the real-Spin benchmark (bench/real_spin.py) use it."""

import json
import socket
from dataclasses import dataclass
from types import TracebackType


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes
    reads: int  # how many reads of the socket it took to receive the whole response

    def json(self) -> object:
        return json.loads(self.body)


class KeepAliveConnection:
    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.socket = socket.create_connection((host, port))

    def send(
        self, method: str, path: str, document: object = None, headers: dict[str, str] | None = None
    ) -> Answer:
        body = b"" if document is None else json.dumps(document).encode()
        lines = [f"{method} {path} HTTP/1.1", "host: localhost", f"content-length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.socket.sendall("\r\n".join(lines).encode() + b"\r\n\r\n" + body)
        return self._receive()

    def _receive(self) -> Answer:
        received, reads = b"", 0
        while b"\r\n\r\n" not in received or len(received) < _length(received):
            chunk = self.socket.recv(1 << 20)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            received, reads = received + chunk, reads + 1
        head, body = received.split(b"\r\n\r\n", 1)
        status_line, *fields = head.decode().split("\r\n")
        headers = {name.lower(): value.strip() for name, value in (field.split(":", 1) for field in fields)}
        return Answer(int(status_line.split()[1]), headers, body, reads)

    def close(self) -> None:
        self.socket.close()

    def __enter__(self) -> "KeepAliveConnection":
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def _length(received: bytes) -> int:
    """The length of the whole response, once its head is in."""
    head = received.split(b"\r\n\r\n", 1)[0]
    for field in head.decode().split("\r\n")[1:]:
        name, value = field.split(":", 1)
        if name.lower() == "content-length":
            return len(head) + 4 + int(value)
    return len(head) + 4
