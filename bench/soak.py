"""Soak: a bounded mixed load on loopback against the built component on the local host.

Prints latency percentiles and the host's resident memory for each quarter of the run, and the
count of 5xx answers; then checks that the views equal a rebuild from the event log. It measures
and reports; it does not judge timings (run it with `make soak`, not in `make test`).

    python -m bench.soak [--requests 20000] [--clients 4] [--seed 1]
"""

import argparse
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.e2e.helpers import new_employee, rebuild_over_http
from tests.spin_server import SpinServer
from tests.support import views

TOKEN = "soak-admin-token"


@dataclass
class Sample:
    quarter: int
    operation: str
    status: int
    milliseconds: float


@dataclass
class Run:
    total: int
    ids: list[str]
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    issued: int = 0

    def next_index(self) -> int | None:
        with self.lock:
            if self.issued >= self.total:
                return None
            self.issued += 1
            return self.issued - 1


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def one_request(client: httpx.Client, rng: random.Random, run: Run) -> tuple[str, httpx.Response]:
    roll = rng.random()
    with run.lock:
        target = rng.choice(run.ids)
    if roll < 0.40:
        return "get", client.get(f"/employees/{target}")
    if roll < 0.55:
        return "list", client.get("/employees", params={"limit": 20})
    if roll < 0.65:
        return "list-filtered", client.get("/employees", params={"limit": 20, "city": "Arlington", "q": "Gr"})
    if roll < 0.80:
        created = client.post("/employees", json=new_employee())
        if created.status_code == 201:
            with run.lock:
                run.ids.append(created.json()["id"])
        return "create", created
    if roll < 0.95:
        current = client.get(f"/employees/{target}")
        headers = {"if-match": current.headers.get("etag", '"0"')}
        return "update", client.put(f"/employees/{target}", json=new_employee(), headers=headers)
    return "delete", client.delete(f"/employees/{target}")


def worker(url: str, seed: int, run: Run) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=30) as client:
        while (index := run.next_index()) is not None:
            started = time.perf_counter()
            operation, response = one_request(client, rng, run)
            elapsed = (time.perf_counter() - started) * 1000
            with run.lock:
                run.samples.append(Sample(4 * index // run.total, operation, response.status_code, elapsed))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(run: Run, memory: list[int], seconds: float) -> None:
    print(f"\n{run.total} requests in {seconds:.1f} s ({run.total / seconds:.0f} req/s)\n")
    print("| quarter | requests | p50 ms | p95 ms | p99 ms | host RSS MiB at its end |")
    print("|---|---|---|---|---|---|")
    for quarter in range(4):
        times = [s.milliseconds for s in run.samples if s.quarter == quarter]
        print(
            f"| {quarter + 1} | {len(times)} | {statistics.median(times):.2f} | {percentile(times, 0.95):.2f}"
            f" | {percentile(times, 0.99):.2f} | {memory[quarter] / 1024:.1f} |"
        )
    statuses: dict[int, int] = {}
    for sample in run.samples:
        statuses[sample.status] = statuses.get(sample.status, 0) + 1
    print(f"\nstatuses: {dict(sorted(statuses.items()))}")
    print(f"5xx answers: {sum(count for status, count in statuses.items() if status >= 500)}")


def views_equal_a_rebuild(server: SpinServer) -> bool:
    live = views(server.database)
    rebuild_over_http(server.url, TOKEN)
    return views(server.database) == live


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()

    server = SpinServer(
        Path(tempfile.mkdtemp(prefix="soak-")), env={"SPIN_VARIABLE_ADMIN_TOKEN": TOKEN}
    ).start()
    try:
        assert server.process is not None
        with httpx.Client(base_url=server.url) as client:
            ids = [client.post("/employees", json=new_employee()).json()["id"] for _ in range(200)]
        run = Run(options.requests, ids)
        threads = [
            threading.Thread(target=worker, args=(server.url, options.seed + i, run))
            for i in range(options.clients)
        ]
        memory: list[int] = []
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for quarter in range(1, 5):
            while run.issued < quarter * run.total // 4 and any(t.is_alive() for t in threads):
                time.sleep(0.05)
            memory.append(rss_kib(server.process.pid))
        for thread in threads:
            thread.join()
        report(run, memory, time.perf_counter() - started)
        print(f"views equal a rebuild from the log: {views_equal_a_rebuild(server)}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
