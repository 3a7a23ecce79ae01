"""Instance lifecycle: traps, shared module state, --fresh-instance, and Spin's instance reuse options
(--max-instance-reuse-count, --idle-instance-timeout, --max-instance-concurrent-reuse-count), which
apply to the shared instance the rules Spin applies to a WASIp3 instance.

The fixture's /counter route returns a module-level counter, so its value is the number of /counter
requests the instance serving it has answered: 1 means a fresh instance."""

from __future__ import annotations

import hashlib
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from devhost.tests.harness import MakeApp, RunHostToExit, StartHost

# Spin 4's defaults for a WASIp3 component (crates/trigger-http/src/lib.rs).
SPIN_WASIP3_DEFAULTS = ("--max-instance-reuse-count", "128", "--idle-instance-timeout", "1s")


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


@pytest.mark.parametrize("reuse", [(), SPIN_WASIP3_DEFAULTS], ids=["devhost-defaults", "spin-options"])
def test_a_shared_instance_is_replaced_before_its_memory_passes_48_mib(
    make_app: MakeApp, start_host: StartHost, reuse: tuple[str, ...]
) -> None:
    # componentize-py keeps part of every request alive; past ~60 MiB of wasm memory Node collects
    # its whole heap on almost every memory.grow, so the host starts over with a fresh instance.
    # The limit is the host's own, so it holds under Spin's options too.
    host = start_host(make_app(), *reuse)

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

    # The port opens a moment before the lines are written, as under Spin.
    deadline = time.monotonic() + 10
    while "Available Routes:" not in host.stdout() and time.monotonic() < deadline:
        time.sleep(0.05)
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


def runs(seen: list[int]) -> list[int]:
    """The number of requests each instance served, from consecutive counter values."""
    lengths: list[int] = []
    for count in seen:
        if count == 1:
            lengths.append(0)
        assert count == lengths[-1] + 1, seen
        lengths[-1] += 1
    return lengths


def test_max_instance_reuse_count_gives_the_next_request_a_fresh_instance(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(), "--max-instance-reuse-count", "3")

    seen = counts(host.client, 7)

    assert seen == [1, 2, 3, 1, 2, 3, 1]
    assert "devhost: instance 1 retired after 3 requests: max-instance-reuse-count reached" in host.stderr()


def test_max_instance_reuse_count_of_one_is_a_fresh_instance_per_request(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(), "--max-instance-reuse-count", "1")

    assert counts(host.client, 3) == [1, 1, 1]


def test_a_reuse_count_range_draws_a_count_for_each_instance(
    make_app: MakeApp, start_host: StartHost
) -> None:
    # Spin's A..B is half open: each instance serves 2 or 3 requests.
    host = start_host(make_app(), "--max-instance-reuse-count", "2..4")

    served = runs(counts(host.client, 40))

    assert len(served) >= 13, served
    assert set(served[:-1]) <= {2, 3}, served


def test_failed_requests_count_towards_the_reuse_count_and_keep_the_instance(
    make_app: MakeApp, start_host: StartHost
) -> None:
    # Under Spin a WASIp3 instance that answers with an error is kept; only a trap drops it. The
    # fixture's /error raises inside the SDK's handler (which answers 500) and /no-response
    # returns without a response (the host answers 500); neither traps.
    host = start_host(make_app(), "--max-instance-reuse-count", "5")

    first = host.client.get("/counter").json()["count"]
    failed = [host.client.get("/error").status_code, host.client.get("/no-response").status_code]
    after = counts(host.client, 3)

    assert failed == [500, 500]
    assert [first, *after] == [1, 2, 3, 1]  # requests 1-5 on the first instance, the 6th on a new one
    assert "retired after 5 requests" in host.stderr()


@pytest.mark.parametrize("route", ["/abort", "/raise"])
def test_under_spin_reuse_options_a_trap_retires_the_instance(
    make_app: MakeApp, start_host: StartHost, route: str
) -> None:
    host = start_host(make_app(), *SPIN_WASIP3_DEFAULTS)

    before = counts(host.client, 2)
    trapped = host.client.get(route)
    after = counts(host.client, 2)

    assert trapped.status_code == 500
    assert (before, after) == ([1, 2], [1, 2])
    assert "devhost: instance 1 retired after 3 requests: the guest trapped" in host.stderr()


def test_an_instance_idle_for_idle_instance_timeout_is_retired(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(), *SPIN_WASIP3_DEFAULTS)

    busy = counts(host.client, 3)
    time.sleep(1.5)
    after_idle = counts(host.client, 2)

    assert busy == [1, 2, 3]
    assert after_idle == [1, 2]
    assert "retired after 3 requests: idle for 1000 ms (idle-instance-timeout)" in host.stderr()


def test_without_idle_instance_timeout_an_idle_instance_is_kept(
    make_app: MakeApp, start_host: StartHost
) -> None:
    host = start_host(make_app(), "--max-instance-reuse-count", "128")

    busy = counts(host.client, 2)
    time.sleep(1.5)

    assert busy + counts(host.client, 1) == [1, 2, 3]


def test_concurrent_requests_reach_the_instance_one_at_a_time(
    make_app: MakeApp, start_host: StartHost
) -> None:
    # Spin's --max-instance-concurrent-reuse-count has no effect for a WASIp2 instance, which cannot
    # be entered twice at once; the host accepts the flag, says so, and serves requests in turn.
    host = start_host(make_app(), *SPIN_WASIP3_DEFAULTS, "--max-instance-concurrent-reuse-count", "16")

    with ThreadPoolExecutor(max_workers=8) as pool:
        seen = list(pool.map(lambda _: host.client.get("/counter").json()["count"], range(32)))

    assert sorted(seen) == list(range(1, 33))
    assert "--max-instance-concurrent-reuse-count has no effect" in host.stderr()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--fresh-instance", "--max-instance-reuse-count", "3"), "cannot be combined"),
        (("--max-instance-reuse-count", "0"), "at least 1"),
        (("--max-instance-reuse-count", "4..2"), "is empty"),
        (("--max-instance-concurrent-reuse-count", "many"), "whole number"),
        (("--idle-instance-timeout", "1m"), "whole seconds"),
    ],
)
def test_bad_reuse_options_are_usage_errors(
    make_app: MakeApp, run_host_to_exit: RunHostToExit, args: tuple[str, ...], message: str
) -> None:
    code, output = run_host_to_exit(make_app(), *args)

    assert code == 2
    assert message in output
