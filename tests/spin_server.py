"""Starts the built app.wasm behind real HTTP on loopback, the way a user does with `make run`:
real `spin up` when `spin` is on PATH, otherwise the project's local Spin-compatible host. Each
server runs in a process group of its own, which is stopped as a whole; the harness remembers
every group it started until it has seen the group end, so the suite can tell if a host process
(such as the `spin trigger http` child of `spin up`) outlived its test."""

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import httpx

from deploy.component import wasi_for

ROOT = Path(__file__).resolve().parent.parent
REAL_SPIN = shutil.which("spin")
# The component `make run` would serve: WASIp3 under Spin 4.1+, else WASIp2 (deploy/component.py);
# the Makefile passes its choice on as WASI.
WASI = os.environ.get("WASI") or wasi_for(REAL_SPIN)
WASIP3_MANIFEST = "spin-p3.toml"
MANIFEST = ROOT / (WASIP3_MANIFEST if WASI == "p3" else "spin.toml")
COMPONENT = ROOT / ("app-p3.wasm" if WASI == "p3" else "app.wasm")
STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveProcess:
    pid: int
    parent: int
    group: int
    command: str


def live_processes() -> list[LiveProcess]:
    """Every process on the machine that has not exited (zombies left out)."""
    if not Path("/proc/self/stat").exists():
        return _from_ps()
    found = (_from_proc(pid) for pid in os.listdir("/proc") if pid.isdigit())
    return [process for process in found if process is not None]


def _from_proc(pid: str) -> LiveProcess | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:  # it exited while we looked
        return None
    # The command name in parentheses may itself hold spaces and parentheses.
    name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None
    return LiveProcess(int(pid), int(fields[1]), int(fields[2]), command.strip() or f"[{name}]")


def _from_ps() -> list[LiveProcess]:
    """For systems without /proc (macOS); `ps` itself is left out of what it lists."""
    with subprocess.Popen(["ps", "-A", "-o", "pid=,ppid=,pgid=,stat=,args="], stdout=subprocess.PIPE) as ps:
        listing = ps.communicate()[0].decode(errors="replace")
    found = []
    for line in listing.splitlines():
        pid, parent, group, state, *command = line.split(maxsplit=4)
        if not state.startswith("Z") and int(pid) != ps.pid:
            found.append(LiveProcess(int(pid), int(parent), int(group), " ".join(command)))
    return found


# Process groups started here and not yet seen empty, with the test that started each.
_unfinished_groups: dict[int, str] = {}


def leftover_processes() -> list[str]:
    """A line for each live process in a group the harness started but never saw end, and for
    each live child of this interpreter: what should be nothing once every test has finished."""
    me = os.getpid()
    return [
        f"pid {found.pid} (process group {found.group}, started by {_started_by(found)}): {found.command}"
        for found in live_processes()
        if found.group in _unfinished_groups or (found.parent == me and found.pid != me)
    ]


def _started_by(found: LiveProcess) -> str:
    return _unfinished_groups.get(found.group, "a test, not through tests/spin_server.py")


def _group_members(group: int) -> list[LiveProcess]:
    return [found for found in live_processes() if found.group == group]


def _signal_group(group: int, signal_number: signal.Signals) -> None:
    with suppress(ProcessLookupError):  # every member has already exited
        os.killpg(group, signal_number)


def _ended(leader: subprocess.Popen[bytes], group: int, timeout: float) -> bool:
    """Waits for the leader (reaping it) and every other member of its group to exit."""
    deadline = time.monotonic() + timeout
    try:
        leader.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    while _group_members(group):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@dataclass
class ServerGroup:
    """A server in a process group of its own, stopped as a whole: `spin up` serves from a child
    process (`spin trigger http`), and a group lets stop() and kill() reach both, as a terminal's
    Ctrl+C or a crash of the machine would. Subclasses say what to run."""

    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def log(self) -> Path:
        return self.workdir / f"{self.name.lower()}-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> Self:
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **self.env},
                start_new_session=True,
            )
        _unfinished_groups[self.process.pid] = os.environ.get("PYTEST_CURRENT_TEST", "outside pytest")
        try:
            self._wait_until_serving()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """SIGTERM to the whole process group; SIGKILL to it if it has not ended in time."""
        if self.process is not None:
            self._end_group(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL to the whole process group, as when the machine or the host crashes."""
        if self.process is not None:
            self._end_group(signal.SIGKILL)

    def restart(self) -> None:
        self.stop()
        self.start()

    def _end_group(self, first_signal: signal.Signals) -> None:
        assert self.process is not None
        group = self.process.pid
        _signal_group(group, first_signal)
        if not _ended(self.process, group, STOP_TIMEOUT_S):
            _signal_group(group, signal.SIGKILL)
            if not _ended(self.process, group, STOP_TIMEOUT_S):
                survivors = "\n".join(found.command for found in _group_members(group))
                raise RuntimeError(f"process group {group} survived SIGKILL:\n{survivors}")
        del _unfinished_groups[group]
        self.process = None

    def _wait_until_serving(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}:\n{self.log.read_text()}"
                )
            try:
                httpx.get(f"{self.url}/", timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise TimeoutError(f"{self.name} did not serve {self.url} within {timeout}s:\n{self.log.read_text()}")


@dataclass
class SpinServer(ServerGroup):
    """One `spin up` with its own runtime config and database file under `workdir`, or, given
    `libsql_url`, on that libSQL server (tests/libsql_server.py)."""

    migrate: bool = True
    fresh_instance: bool = False
    extra_args: Sequence[str] = ()
    manifest: Path = MANIFEST  # another application: the benchmark's floor components
    libsql_url: str | None = None
    # Flags for the local host only, such as Spin's instance reuse options (devhost/README.md);
    # real spin applies its own reuse rules to the component it serves.
    local_host_args: Sequence[str] = ()

    @property
    def name(self) -> str:
        return "spin"

    @property
    def database(self) -> Path:
        return self.workdir / "cqrs.db"

    def command(self) -> list[str]:
        runtime_config = self.workdir / f"runtime-config-{self.port}.toml"
        runtime_config.write_text(self._runtime_config())
        flags = ["--from", str(self.manifest), "--listen", f"127.0.0.1:{self.port}"]
        flags += ["--runtime-config-file", str(runtime_config), *self.extra_args]
        if self.migrate:
            flags += ["--sqlite", f"@{ROOT / 'migrations.sql'}"]
        if self.manifest.name == WASIP3_MANIFEST and self.libsql_url is None:
            flags += ["--sqlite", "PRAGMA journal_mode = WAL"]  # as `make run` (Makefile, WAL_FLAG)
        if REAL_SPIN:
            return [REAL_SPIN, "up", *flags]
        if WASI == "p3":
            raise RuntimeError("the local host cannot run the WASIp3 component (jco needs Node 24's JSPI)")
        return ["node", str(ROOT / "devhost" / "spin-up.mjs"), *flags, *self.local_host_args] + (
            ["--fresh-instance"] if self.fresh_instance else []
        )

    def _runtime_config(self) -> str:
        if self.libsql_url is None:
            return f'[sqlite_database.default]\ntype = "spin"\npath = "{self.database}"\n'
        # sqld without --auth-jwt-key accepts any token; Spin's runtime config requires one.
        return f'[sqlite_database.default]\ntype = "libsql"\nurl = "{self.libsql_url}"\ntoken = "none"\n'


@contextmanager
def serving(workdir: Path, **options: Any) -> Iterator[SpinServer]:
    """A started SpinServer for the duration of the block."""
    server = SpinServer(workdir, **options).start()
    try:
        yield server
    finally:
        server.stop()
