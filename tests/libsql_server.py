"""A real libSQL server (`sqld`, what Turso runs) for the libSQL end-to-end tests: a primary, or a
replica of one, each in a process group of its own like the Spin servers (tests/spin_server.py).
Found on PATH as `sqld`; the tests that need it are marked `libsql` and run by `make test-libsql`.

The tests read the server's database through its HTTP API, as any client of it would."""

import shutil
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.spin_server import ServerGroup, free_port

SQLD = shutil.which("sqld")


@dataclass
class SqldServer(ServerGroup):
    """`sqld` on loopback with its data under `workdir`. A primary listens for replicas on
    `grpc_port`; a replica (`primary` given) forwards writes to its primary and replicates from it."""

    grpc_port: int = field(default_factory=free_port)
    primary: "SqldServer | None" = None

    @property
    def name(self) -> str:
        return "sqld"

    def command(self) -> list[str]:
        if SQLD is None:
            raise RuntimeError("sqld is not on PATH")
        command = [SQLD, "--no-welcome", "--http-listen-addr", f"127.0.0.1:{self.port}"]
        command += ["--db-path", str(self.workdir / f"data-{self.port}.sqld")]
        if self.primary is None:
            return [*command, "--grpc-listen-addr", f"127.0.0.1:{self.grpc_port}"]
        return [*command, "--primary-grpc-url", f"http://127.0.0.1:{self.primary.grpc_port}"]

    def query(self, sql: str) -> list[list[Any]]:
        """The rows of one statement, through the server's HTTP API."""
        [answer] = httpx.post(self.url, json={"statements": [sql]}, timeout=30).json()
        if "error" in answer:
            raise RuntimeError(f"{sql}: {answer['error']}")
        rows: list[list[Any]] = answer["results"]["rows"]
        return rows
