"""Instance lifecycle: traps, shared module state and --fresh-instance."""

from __future__ import annotations

import hashlib
import re
import signal
import time
from pathlib import Path

import httpx
import pytest

from devhost.tests.harness import MakeApp, StartHost


def counts(client: httpx.Client, times: int) -> list[int]:
    return [client.get("/counter").json()["count"] for _ in range(times)]


@pytest.mark.parametrize("route", ["/abort", "/raise"])
def test_a_trap_returns_500_and_the_host_keeps_serving(
    make_app: MakeApp, start_host: StartHost, route: str
) -> None:
    host = start_host(make_app())

    trapped = host.client.get(route)
    after = host.client.get("/echo")

    assert trapped.status_code == 500
    assert trapped.content == b""
    assert "wasm trap" in host.output()
    assert after.status_code == 200


def test_a_trap_replaces_the_poisoned_shared_instance(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())

    before = counts(host.client, 2)
    host.client.get("/abort")
    after = counts(host.client, 2)

    assert before == [1, 2]
    assert after == [1, 2]


def test_the_shared_instance_keeps_module_state_between_requests(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())

    assert counts(host.client, 3) == [1, 2, 3]


def test_fresh_instance_mode_starts_every_request_from_a_clean_module(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(), "--fresh-instance")

    assert counts(host.client, 3) == [1, 1, 1]


def test_a_shared_instance_is_replaced_before_its_memory_passes_48_mib(
    make_app: MakeApp, start_host: StartHost
) -> None:
    # componentize-py keeps part of every request alive; past ~60 MiB of wasm memory Node collects
    # its whole heap on almost every memory.grow, so the host starts over with a fresh instance.
    host = start_host(make_app())

    held = [host.client.get("/hold?4").json()["held"] for _ in range(16)]

    assert held[0] == 1
    assert 1 in held[1:], held  # a new instance, holding nothing from before
    assert max(held) * 4 <= 48, held


def test_sigterm_stops_the_host_cleanly(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app())
    host.client.get("/counter")

    host.process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    code = host.process.wait(timeout=10)

    assert code == 0
    assert time.monotonic() - started < 5


def test_the_host_prints_spin_style_startup_lines(make_app: MakeApp, start_host: StartHost) -> None:
    host = start_host(make_app(route="/api/..."))

    output = host.stdout()

    assert f"Serving {host.url}" in output
    assert f"Available Routes:\n  fixture: {host.url}/api (wildcard)" in output


def test_a_restart_reuses_the_transpiled_component(make_app: MakeApp, start_host: StartHost) -> None:
    app = make_app()
    first = start_host(app)
    first.stop()

    second = start_host(app)

    digest = hashlib.sha256((app.root / "app.wasm").read_bytes()).hexdigest()
    assert (app.root / ".spin" / "devhost" / digest / "app.js").exists()
    assert "devhost: transpiled" not in second.output()
    assert second.client.get("/counter").json() == {"count": 1}


def requests_per_shared_instance() -> int:
    source = (Path(__file__).resolve().parents[2] / "devhost" / "component.mjs").read_text()
    found = re.search(r"REQUESTS_PER_SHARED_INSTANCE = (\d+);", source)
    assert found is not None
    return int(found.group(1))


def test_the_shared_instance_is_replaced_after_a_bounded_number_of_requests(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app())
    limit = requests_per_shared_instance()

    seen = counts(host.client, limit + 2)

    assert seen[:limit] == list(range(1, limit + 1))
    assert seen[limit:] == [1, 2]
