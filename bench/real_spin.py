"""`make bench` when `spin` is on PATH: what users get, measured under real Spin.

Each component this Spin runs (WASIp3 from Spin 4.1 on, WASIp2 always) is measured beside its
floor, the smallest componentize-py component of the same world (bench/floor/, built here with
the same componentize-py and spin-sdk), in one run: p50, p90 and p99 of requests sent one after
another on one keep-alive connection, as connection pools send them; then 8 clients at once.
Every row names the Spin and the component that produced it. Prints markdown and writes it to
bench/results/real-spin-<version>.md.

    python -m bench.real_spin [--employees 1000] [--requests 1000] [--seconds 10]
"""

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from bench.run import TIMING, body, percentile, seed
from deploy.component import FIRST_WASIP3_SPIN, spin_version
from tests.keep_alive import Answer, KeepAliveConnection
from tests.spin_server import ROOT, SpinServer

RESULTS = ROOT / "bench" / "results"
CLIENTS = 8
WARM_UP = 50

Request = tuple[str, str, object, dict[str, str]]  # method, path, JSON document, headers


@dataclass(frozen=True)
class World:
    name: str
    manifest: Path  # the service's
    venv: Path  # whose componentize-py and spin-sdk build the floor
    floor_module: str
    floor_world: str  # the world the SDK's own hello template builds


WASIP3 = World("WASIp3", ROOT / "spin-p3.toml", ROOT / ".venv-p3", "hello_p3", "http-trigger")
WASIP2 = World("WASIp2", ROOT / "spin.toml", ROOT / ".venv", "hello_p2", "spin-http")


@dataclass
class Measured:
    component: str
    request: str
    milliseconds: list[float] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list, repr=False)  # the warm-up's too

    def percentile(self, fraction: float) -> float:
        return percentile(self.milliseconds, fraction)

    @property
    def p50(self) -> float:
        return statistics.median(self.milliseconds)

    def server_timing(self, part: str) -> str:
        """The median of a Server-Timing entry (db or app, ms) or of its statement count; blank
        for the floor, which sends no Server-Timing."""
        values = [
            _server_timing(answer, part) for answer in self.answers if "server-timing" in answer.headers
        ]
        return f"{statistics.median(values):g}" if values else ""


def _server_timing(answer: Answer, part: str) -> float:
    found = TIMING.search(answer.headers["server-timing"])
    assert found, answer.headers["server-timing"]
    db_ms, statements, app_ms = found.groups()
    return {"db": round(float(db_ms), 2), "statements": int(statements), "app": round(float(app_ms), 2)}[part]


@dataclass
class Throughput:
    component: str
    request: str
    seconds: float
    milliseconds: list[float]

    @property
    def per_second(self) -> float:
        return len(self.milliseconds) / self.seconds


def build_floor(world: World, into: Path) -> Path:
    """The floor component, and a manifest that serves it on every path."""
    component = into / f"{world.floor_module}.wasm"
    command = ["componentize-py", "-w", world.floor_world, "componentize"]
    command += ["-p", str(ROOT / "bench" / "floor"), world.floor_module, "-o", str(component)]
    environment = {"PATH": f"{world.venv / 'bin'}:/usr/bin:/bin"}
    subprocess.run(command, cwd=into, check=True, capture_output=True, env=environment)
    manifest = into / f"{world.floor_module}.toml"
    manifest.write_text(
        'spin_manifest_version = 2\n[application]\nname = "floor"\n'
        '[[trigger.http]]\nroute = "/..."\ncomponent = "hello"\n'
        f'[component.hello]\nsource = "{component}"\n'
    )
    return manifest


def sequential(server: SpinServer, component: str, name: str, requests: Sequence[Request]) -> Measured:
    """Each request in turn on one keep-alive connection; the first WARM_UP are not timed."""
    measured = Measured(component, name)
    with KeepAliveConnection(server.port) as connection:
        for number, request in enumerate(requests):
            started = time.perf_counter()
            answer = connection.send(*request)
            if number >= WARM_UP:
                measured.milliseconds.append((time.perf_counter() - started) * 1000)
            assert answer.status < 300, (name, answer.status, answer.body[:200])
            measured.answers.append(answer)
    return measured


def concurrent(
    server: SpinServer, component: str, name: str, make: Callable[[], Request], seconds: float
) -> Throughput:
    """CLIENTS keep-alive connections, each sending `make()` requests one after another."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    deadline = time.perf_counter() + seconds

    def client(mine: list[float]) -> None:
        with KeepAliveConnection(server.port) as connection:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                answer = connection.send(*make())
                mine.append((time.perf_counter() - started) * 1000)
                assert answer.status < 300, (name, answer.status)

    threads = [threading.Thread(target=client, args=(mine,)) for mine in latencies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Throughput(component, name, seconds, [value for mine in latencies for value in mine])


def measure_floor(world: World, workdir: Path, requests: int, seconds: float) -> tuple[Measured, Throughput]:
    label = f"hello (floor), {world.name}"
    manifest = build_floor(world, workdir)
    hello: Request = ("GET", "/", None, {})
    server = SpinServer(workdir / f"floor-{world.name}", migrate=False, manifest=manifest).start()
    try:
        return (
            sequential(server, label, "GET /", [hello] * (WARM_UP + requests)),
            concurrent(server, label, "GET /", lambda: hello, seconds),
        )
    finally:
        server.stop()


def measure_service(
    world: World, workdir: Path, employees: int, requests: int, seconds: float
) -> tuple[list[Measured], Throughput]:
    label = f"this service, {world.name}"
    rng = random.Random(20261205)
    server = SpinServer(workdir / f"service-{world.name}", manifest=world.manifest)
    server.workdir.mkdir()
    seed(server.database, employees, rng)
    with closing(sqlite3.connect(server.database)) as connection:  # closed: Spin's are the only ones
        known = [row[0] for row in connection.execute("SELECT id FROM employees")]
    server.start()

    def get_by_id() -> Request:
        return ("GET", f"/employees/{rng.choice(known)}", None, {})

    try:
        return (
            service_requests(server, label, WARM_UP + requests, get_by_id, rng),
            concurrent(server, label, "GET /employees/{id}", get_by_id, seconds),
        )
    finally:
        server.stop()


def service_requests(
    server: SpinServer, label: str, count: int, get_by_id: Callable[[], Request], rng: random.Random
) -> list[Measured]:
    """A read by id, a list page, then `count` creates, an update of each and a delete of each."""
    reads = sequential(server, label, "GET /employees/{id}", [get_by_id() for _ in range(count)])
    pages = sequential(
        server, label, "GET /employees?limit=50", [("GET", "/employees?limit=50", None, {})] * count
    )
    creates = sequential(
        server, label, "POST /employees", [("POST", "/employees", document(rng), {}) for _ in range(count)]
    )
    created = [answer.headers["location"] for answer in creates.answers]
    updates: list[Request] = [("PUT", url, document(rng), {"if-match": '"1"'}) for url in created]
    deletes: list[Request] = [("DELETE", url, None, {}) for url in created]
    return [
        reads,
        pages,
        creates,
        sequential(server, label, "PUT /employees/{id} with If-Match", updates),
        sequential(server, label, "DELETE /employees/{id}", deletes),
    ]


def document(rng: random.Random) -> object:
    return json.loads(body(rng))


def latency_table(spin: str, rows: list[Measured], floors: dict[str, Measured]) -> str:
    lines = [
        "| Spin | component | request | p50 ms | p90 ms | p99 ms | p99 / p50 | p50 / floor p50"
        " | statements | db ms | app ms |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        floor = floors[row.component.split(", ")[-1]]
        cells = [
            spin,
            row.component,
            row.request,
            f"{row.p50:.2f}",
            f"{row.percentile(0.90):.2f}",
            f"{row.percentile(0.99):.2f}",
            f"{row.percentile(0.99) / row.p50:.1f}",
            f"{row.p50 / floor.p50:.1f}",
            row.server_timing("statements"),
            row.server_timing("db"),
            row.server_timing("app"),
        ]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def writes_table(spin: str, rows: list[Measured]) -> str:
    """Each write's p50 beside a read by id's, per component: the same run's baseline."""
    lines = ["| Spin | component | request | p50 ms | p50 / GET by id p50 |", "|---|---|---|---:|---:|"]
    reads = {row.component: row for row in rows if row.request == "GET /employees/{id}"}
    for row in rows:
        if row.request.split()[0] in {"POST", "PUT", "DELETE"}:
            ratio = row.p50 / reads[row.component].p50
            lines.append(f"| {spin} | {row.component} | {row.request} | {row.p50:.2f} | {ratio:.1f} |")
    return "\n".join(lines)


def throughput_table(spin: str, rows: list[Throughput]) -> str:
    lines = [
        f"| Spin | component | request, {CLIENTS} clients | req/s | p50 ms | p99 ms |",
        "|---|---|---|---:|---:|---:|",
    ]
    for row in rows:
        p50, p99 = statistics.median(row.milliseconds), percentile(row.milliseconds, 0.99)
        cells = [spin, row.component, row.request, f"{row.per_second:.0f}", f"{p50:.2f}", f"{p99:.2f}"]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=1000, help="timed requests of each kind")
    parser.add_argument("--seconds", type=float, default=10.0, help=f"how long the {CLIENTS} clients send")
    options = parser.parse_args()
    spin = shutil.which("spin")
    if spin is None:
        raise SystemExit("spin is not on PATH: `make bench` measures the local host instead (bench/run.py)")
    version = subprocess.run([spin, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    found = spin_version(spin)
    worlds = [WASIP3, WASIP2] if found is not None and found >= FIRST_WASIP3_SPIN else [WASIP2]
    workdir = Path(tempfile.mkdtemp(prefix="bench-real-spin-"))
    label = version.split(" (")[0]
    floors: dict[str, Measured] = {}
    latencies: list[Measured] = []
    throughputs: list[Throughput] = []
    for world in worlds:
        floor, floor_throughput = measure_floor(world, workdir, options.requests, options.seconds)
        service, service_throughput = measure_service(
            world, workdir, options.employees, options.requests, options.seconds
        )
        floors[world.name] = floor
        latencies += [floor, *service]
        throughputs += [floor_throughput, service_throughput]
        print(f"- measured {world.name}", flush=True)
    report = "\n\n".join(
        [
            f"## Under real `{version}`, {options.employees:,} employees, loopback",
            f"One keep-alive connection, {options.requests} timed requests of each kind after {WARM_UP}"
            " untimed; the floor is the same world's smallest componentize-py component (bench/floor/).",
            latency_table(label, latencies, floors),
            "### Writes beside reads",
            writes_table(label, latencies),
            f"### {CLIENTS} clients at once, {options.seconds:g} s each",
            throughput_table(label, throughputs),
        ]
    )
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"real-spin-{label.split()[-1]}.md").write_text(report + "\n")


if __name__ == "__main__":
    main()
