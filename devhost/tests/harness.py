"""The types the devhost tests share: an app folder, a running host, and the fixtures' call
signatures. Fixtures live in conftest.py; tests import from here, never from a conftest."""

from __future__ import annotations

import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx

REPO = Path(__file__).resolve().parents[2]
DEVHOST = REPO / "devhost"


@dataclass
class App:
    """A Spin application folder: spin.toml, app.wasm and its .spin/ state."""

    root: Path

    @property
    def manifest(self) -> Path:
        return self.root / "spin.toml"

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path


class MakeApp(Protocol):
    def __call__(
        self,
        *,
        route: str = "/...",
        databases: tuple[str, ...] = ("default",),
        app_variables: str = 'greeting = { default = "hello" }',
        component_variables: str = 'greeting = "{{ greeting }}"\nliteral = "plain text"',
    ) -> App: ...


@dataclass
class Host:
    """A running devhost process serving one app."""

    url: str
    process: subprocess.Popen[bytes]
    logs: Logs
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.client = httpx.Client(base_url=self.url, timeout=30.0)

    def stdout(self) -> str:
        return self.logs.stdout.read_text(errors="replace")

    def stderr(self) -> str:
        return self.logs.stderr.read_text(errors="replace")

    def output(self) -> str:
        return self.stdout() + self.stderr()

    def stop(self) -> int:
        self.client.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@dataclass
class Logs:
    stdout: Path
    stderr: Path

    @classmethod
    def in_folder(cls, folder: Path, name: str) -> Logs:
        return cls(folder / f"{name}.stdout", folder / f"{name}.stderr")

    def text(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")


class StartHost(Protocol):
    def __call__(self, app: App, *args: str, env: dict[str, str] | None = None) -> Host: ...


class RunHostToExit(Protocol):
    def __call__(self, app: App, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]: ...
