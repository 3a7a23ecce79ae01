"""Fixtures for testing the devhost (devhost/spin-up.mjs) against a tiny component.

The fixture component is built once per source hash with componentize-py into
.spin/devhost-tests/, and all test apps share one jco transpile cache, so only
the first run pays for building and transpiling.

Every test collected under this folder is marked `devhost`, so that `make test` can deselect
them all (`-m "not devhost"`) when real `spin` serves the end-to-end tests and Node is not needed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from devhost.tests.harness import DEVHOST, REPO, App, Host, Logs, MakeApp, RunHostToExit, StartHost

FIXTURE_SOURCE = Path(__file__).resolve().parent / "fixture"
WORK_DIR = REPO / ".spin" / "devhost-tests"
START_TIMEOUT_S = 120.0
FAILED_START_TIMEOUT_S = 30.0

# Every devhost process a test started, checked at the end of the session.
STARTED: list[subprocess.Popen[bytes]] = []


def pytest_itemcollected(item: pytest.Item) -> None:
    """Called only for items under this folder (a conftest's collection hooks apply to its own tree)."""
    item.add_marker(pytest.mark.devhost)


@pytest.fixture(scope="session", autouse=True)
def no_devhost_outlives_the_tests() -> Iterator[None]:
    yield
    running = [str(process.pid) for process in STARTED if process.poll() is None]
    if running:
        pytest.fail(
            f"devhost processes the tests started are still running: pid {', '.join(running)}", pytrace=False
        )


MANIFEST_TEMPLATE = """\
spin_manifest_version = 2

[application]
name = "devhost-fixture"
version = "0.1.0"

[variables]
{app_variables}

[[trigger.http]]
route = "{route}"
component = "fixture"

[component.fixture]
source = "app.wasm"
sqlite_databases = {databases}
environment = {{ FROM_MANIFEST = "yes" }}

[component.fixture.variables]
{component_variables}
"""


def fixture_build_key() -> str:
    digest = hashlib.sha256()
    digest.update(metadata.version("componentize-py").encode())
    digest.update(metadata.version("spin-sdk").encode())
    digest.update((FIXTURE_SOURCE / "fixture_app.py").read_bytes())
    return digest.hexdigest()[:16]


def build_fixture_component(out_dir: Path) -> Path:
    wasm = out_dir / "app.wasm"
    if wasm.exists():
        return wasm
    out_dir.mkdir(parents=True, exist_ok=True)
    venv_bin = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}"}
    partial = out_dir / "app.wasm.partial"
    subprocess.run(
        [
            str(venv_bin / "componentize-py"),
            "-w",
            "spin-http",
            "--import-interface-name",
            "fermyon:spin/sqlite@2.0.0=sqlite",
            "componentize",
            "fixture_app",
            "-o",
            str(partial),
        ],
        cwd=FIXTURE_SOURCE,
        env=env,
        check=True,
    )
    partial.rename(wasm)
    return wasm


def ensure_devhost_installed() -> None:
    if not (DEVHOST / "node_modules" / "better-sqlite3").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=DEVHOST, check=True)


@pytest.fixture(scope="session")
def fixture_wasm() -> Path:
    ensure_devhost_installed()
    current = WORK_DIR / f"fixture-{fixture_build_key()}"
    for stale in WORK_DIR.glob("fixture-*"):
        if stale != current:
            shutil.rmtree(stale)
    return build_fixture_component(current)


@pytest.fixture(scope="session")
def transpile_cache() -> Path:
    """One jco transpile cache shared by every test app (linked as .spin/devhost)."""
    cache = WORK_DIR / "transpile-cache"
    cache.mkdir(parents=True, exist_ok=True)
    return cache


@pytest.fixture
def make_app(tmp_path: Path, fixture_wasm: Path, transpile_cache: Path) -> MakeApp:
    def make(
        *,
        route: str = "/...",
        databases: tuple[str, ...] = ("default",),
        app_variables: str = 'greeting = { default = "hello" }',
        component_variables: str = 'greeting = "{{ greeting }}"\nliteral = "plain text"',
    ) -> App:
        app = App(tmp_path / "app")
        app.root.mkdir()
        (app.root / "app.wasm").symlink_to(fixture_wasm)
        (app.root / ".spin").mkdir()
        (app.root / ".spin" / "devhost").symlink_to(transpile_cache)
        quoted = ", ".join(f'"{label}"' for label in databases)
        app.write(
            "spin.toml",
            MANIFEST_TEMPLATE.format(
                route=route,
                databases=f"[{quoted}]",
                app_variables=app_variables,
                component_variables=component_variables,
            ),
        )
        return app

    return make


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def host_environment(extra: dict[str, str]) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SPIN_VARIABLE_")}
    return {**inherited, **extra}


def run_devhost(
    app: App, args: list[str], env: dict[str, str], port: int, logs: Logs
) -> subprocess.Popen[bytes]:
    command = [
        shutil.which("node") or "node",
        str(DEVHOST / "spin-up.mjs"),
        "--from",
        str(app.manifest),
        "--listen",
        f"127.0.0.1:{port}",
        *args,
    ]
    with logs.stdout.open("wb") as stdout, logs.stderr.open("wb") as stderr:
        process = subprocess.Popen(
            command, cwd=app.root, env=host_environment(env), stdout=stdout, stderr=stderr
        )
    STARTED.append(process)
    return process


def wait_until_serving(process: subprocess.Popen[bytes], port: int, logs: Logs) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            message = f"devhost exited with {process.returncode}:\n{logs.text()}"
            raise RuntimeError(message)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    process.kill()
    message = f"devhost did not listen within {START_TIMEOUT_S}s:\n{logs.text()}"
    raise RuntimeError(message)


@pytest.fixture
def start_host(tmp_path: Path) -> Iterator[StartHost]:
    hosts: list[Host] = []

    def start(app: App, *args: str, env: dict[str, str] | None = None) -> Host:
        port = free_port()
        logs = Logs.in_folder(tmp_path, f"devhost-{len(hosts)}")
        process = run_devhost(app, list(args), env or {}, port, logs)
        host = Host(f"http://127.0.0.1:{port}", process, logs)
        hosts.append(host)
        wait_until_serving(process, port, logs)
        return host

    yield start
    for host in hosts:
        host.stop()
        print(f"--- devhost output ({host.url}) ---\n{host.output()}")


@pytest.fixture
def run_host_to_exit(tmp_path: Path) -> RunHostToExit:
    """Runs a devhost that is expected to fail at start-up."""

    def run(app: App, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        logs = Logs.in_folder(tmp_path, "failed-start")
        process = run_devhost(app, list(args), env or {}, free_port(), logs)
        try:
            return process.wait(timeout=FAILED_START_TIMEOUT_S), logs.text()
        finally:
            if process.poll() is None:
                process.kill()

    return run
