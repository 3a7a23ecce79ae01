"""Starts the built app.wasm behind real HTTP on loopback, the way a user does with `make run`:
real `spin up` when `spin` is on PATH, otherwise the project's local Spin-compatible host."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
REAL_SPIN = shutil.which("spin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class SpinServer:
    """One `spin up` process with its own runtime config and database file under `workdir`."""

    workdir: Path
    migrate: bool = True
    fresh_instance: bool = False
    extra_args: Sequence[str] = ()
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def database(self) -> Path:
        return self.workdir / "cqrs.db"

    @property
    def log(self) -> Path:
        return self.workdir / f"spin-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        runtime_config = self.workdir / "runtime-config.toml"
        runtime_config.write_text(f'[sqlite_database.default]\ntype = "spin"\npath = "{self.database}"\n')
        flags = ["--from", str(ROOT / "spin.toml"), "--listen", f"127.0.0.1:{self.port}"]
        flags += ["--runtime-config-file", str(runtime_config), *self.extra_args]
        if self.migrate:
            flags += ["--sqlite", f"@{ROOT / 'migrations.sql'}"]
        if REAL_SPIN:
            return [REAL_SPIN, "up", *flags]
        return ["node", str(ROOT / "devhost" / "spin-up.mjs"), *flags] + (
            ["--fresh-instance"] if self.fresh_instance else []
        )

    def start(self) -> "SpinServer":
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env}
            )
        self._wait_until_serving()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _wait_until_serving(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"spin exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                httpx.get(f"{self.url}/", timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise TimeoutError(f"spin did not serve {self.url} within {timeout}s:\n{self.log.read_text()}")


@contextmanager
def serving(workdir: Path, **options: Any) -> Iterator[SpinServer]:
    """A started SpinServer for the duration of the block."""
    server = SpinServer(workdir, **options).start()
    try:
        yield server
    finally:
        server.stop()
