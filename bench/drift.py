"""The drift phase of `make bench`: does one long-lived host process get slower as it serves?

On one host process, the p50 of a get by id and of a list page (50 employees) before and after a
mixed load (the soak's mix: reads by id, list pages, creates, conditional updates and deletes),
and their ratio. Spin gives every request a fresh instance; the local host shares one instance
across requests and replaces it now and then, so anything an instance or the host keeps from
request to request shows up here. It measures and prints; it does not judge.
"""

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import httpx

from bench.soak import Run, one_request
from tests.spin_server import REAL_SPIN, SpinServer

# The reads measured before and after, as paths built from the ids they may use.
READS: dict[str, Callable[[random.Random, list[str]], str]] = {
    "get by id": lambda rng, ids: f"/employees/{rng.choice(ids)}",
    "list first page": lambda rng, ids: "/employees?limit=50",
}


@dataclass
class Drift:
    host: str
    requests: int
    before: dict[str, float]
    after: dict[str, float]


def host_name() -> str:
    if REAL_SPIN:
        return f"real Spin (`{REAL_SPIN} up`)"
    return "the local host (`node devhost/spin-up.mjs`, one shared instance)"


def p50_ms(client: httpx.Client, path: Callable[[], str], samples: int) -> float:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        response = client.get(path())
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.text[:200])
    return statistics.median(times)


def p50s(client: httpx.Client, ids: list[str], samples: int, rng: random.Random) -> dict[str, float]:
    return {name: p50_ms(client, partial(path, rng, ids), samples) for name, path in READS.items()}


def mixed_load(client: httpx.Client, ids: list[str], requests: int, rng: random.Random) -> None:
    load = Run(requests, ids)
    while load.next_index() is not None:
        operation, response = one_request(client, rng, load)
        assert response.status_code < 500, (operation, response.status_code, response.text[:200])


def measure(server: SpinServer, ids: list[str], requests: int, samples: int) -> Drift:
    """`ids` are employees in the running server's database. Half of them are only read, so the
    reads measured after the load find the same rows as before; the load works on the rest."""
    rng = random.Random(20261201)
    measured, loaded = ids[: len(ids) // 2], ids[len(ids) // 2 :]
    with httpx.Client(base_url=server.url, timeout=60) as client:
        before = p50s(client, measured, samples, rng)
        mixed_load(client, loaded, requests, rng)
        after = p50s(client, measured, samples, rng)
    return Drift(host_name(), requests, before, after)


def table(drift: Drift) -> str:
    lines = [
        f"On {drift.host}, between the two measurements: {drift.requests:,} operations of the soak's"
        " mix (bench/soak.py: reads by id, list pages, creates, conditional updates, deletes), one at a"
        " time.",
        "",
        f"| read | p50 before | p50 after {drift.requests:,} operations | after / before |",
        "|---|---:|---:|---:|",
    ]
    for name, before in drift.before.items():
        after = drift.after[name]
        lines.append(f"| {name} | {before:.2f} ms | {after:.2f} ms | {after / before:.2f} |")
    return "\n".join(lines)
