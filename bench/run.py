"""`make bench`: the cost of every request of the built component on the local host, at 1,000,
10,000 and 100,000 employees, beside the same operations run in-process on CPython with sqlite3
through the same code (the Python limit); then the drift phase (bench/drift.py): whether one host
process slows down over 5,000 requests. Prints markdown tables and writes them, with a chart of
latency against employee count, to bench/results/.

    python -m bench.run [--sizes 1000,10000,100000] [--requests 300] [--drift-requests 5000]
    python -m bench.run --drift-only
"""

import argparse
import random
import re
import sqlite3
import statistics
import subprocess
import tempfile
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.service import handle
from bench import drift
from commands.create_employee import CreateEmployee, create_employee
from domain.employee import Address, EmployeeFields
from storage.transaction import transaction
from tests.native_db import NativeDatabase
from tests.spin_server import ROOT, SpinServer
from web.http import Request

RESULTS = ROOT / "bench" / "results"
FIRST_NAMES = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances", "Ken", "Margaret", "Niklaus"]
LAST_NAMES = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Allen", "Thompson", "Hamilton"]
CITIES = [f"City {n:02}" for n in range(10)]
DRIFT_EMPLOYEES = 1_000
READS = ("get by id", "list first page", "list later page, city filter", "list, name filter", "history")
TIMING = re.compile(r'db;dur=([\d.]+);desc="(\d+) statements?", app;dur=(-?[\d.]+)')

Answer = tuple[int, dict[str, str], bytes]
Call = Callable[[str, str, bytes | None, dict[str, str]], Answer]


@dataclass
class Measured:
    size: int
    operation: str
    milliseconds: list[float]
    statements: list[int]
    db_ms: list[float]
    app_ms: list[float]

    def percentile(self, fraction: float) -> float:
        return percentile(self.milliseconds, fraction)

    @property
    def p50(self) -> float:
        return statistics.median(self.milliseconds)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: the value `fraction` of the way up the sorted values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def employee(rng: random.Random) -> EmployeeFields:
    address = Address(
        f"{rng.randrange(1, 999)} Main Street", f"{rng.randrange(99999):05}", rng.choice(CITIES)
    )
    return EmployeeFields(rng.choice(FIRST_NAMES), f"{rng.choice(LAST_NAMES)}{rng.randrange(1000)}", address)


def body(rng: random.Random) -> bytes:
    fields = employee(rng)
    a = fields.address
    return (
        f'{{"firstName":"{fields.first_name}","lastName":"{fields.last_name}",'
        f'"address":{{"street":"{a.street}","zip":"{a.zip}","city":"{a.city}"}}}}'
    ).encode()


def seed(database: Path, target: int, rng: random.Random) -> float:
    """Grow the database to `target` employees through the create command itself (events,
    projections and all), in one transaction on CPython: the documented bulk path."""
    db = NativeDatabase(database)
    db.migrate()
    [(current,)] = db.execute("SELECT count(*) FROM employees")
    started = time.perf_counter()
    with transaction(db) as tx:
        for _ in range(target - current):
            create_employee(CreateEmployee(employee(rng)), tx)
    db.execute("ANALYZE")
    db.close()
    return time.perf_counter() - started


def http_caller(client: httpx.Client) -> Call:
    def call(
        method: str, path: str, content: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        response = client.request(method, path, content=content, headers=headers)
        return response.status_code, dict(response.headers), response.content

    return call


def native_caller(db: NativeDatabase) -> Call:
    def call(
        method: str, path: str, content: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        response = handle(Request.of(method, path, headers, content), db)
        return response.status, dict(response.headers), response.body or b""

    return call


def measure_all(call: Call, size: int, requests: int, rng: random.Random) -> list[Measured]:
    """Each operation `requests` times, sequentially, on ids taken from the data."""
    _, _, listed = call("GET", f"/employees?limit=200&city={CITIES[0].replace(' ', '%20')}", None, {})
    ids = [found.decode() for found in re.findall(rb'"id":"([0-9a-f-]{36})"', listed)]
    city = CITIES[1].replace(" ", "%20")
    _, first_headers, _ = call("GET", f"/employees?limit=20&city={city}", None, {})
    later_page = first_headers["link"][1 : first_headers["link"].index(">")]
    created: list[str] = []

    def create() -> tuple[str, str, bytes | None, dict[str, str]]:
        return "POST", "/employees", body(rng), {}

    operations: dict[str, Callable[[], tuple[str, str, bytes | None, dict[str, str]]]] = {
        "create": create,
        "get by id": lambda: ("GET", f"/employees/{rng.choice(ids)}", None, {}),
        "list first page": lambda: ("GET", "/employees?limit=50", None, {}),
        "list later page, city filter": lambda: ("GET", later_page, None, {}),
        "list, name filter": lambda: ("GET", f"/employees?limit=50&q={rng.choice(LAST_NAMES)[:3]}", None, {}),
        "history": lambda: ("GET", f"/employees/{rng.choice(ids)}/history", None, {}),
    }
    results = [run(call, size, name, make, requests, created) for name, make in operations.items()]
    versions = {i: 1 for i in created}

    def update() -> tuple[str, str, bytes | None, dict[str, str]]:
        target = rng.choice(created)
        versions[target] += 1
        return "PUT", f"/employees/{target}", body(rng), {"if-match": f'"{versions[target] - 1}"'}

    results.append(run(call, size, "update with If-Match", update, requests, created))
    deletable = list(created)
    results.append(
        run(
            call,
            size,
            "delete",
            lambda: ("DELETE", f"/employees/{deletable.pop()}", None, {}),
            min(requests, len(deletable)),
            created,
        )
    )
    return results


def run(
    call: Call,
    size: int,
    name: str,
    make: Callable[[], tuple[str, str, bytes | None, dict[str, str]]],
    requests: int,
    created: list[str],
) -> Measured:
    measured = Measured(size, name, [], [], [], [])
    for _ in range(requests):
        method, path, content, headers = make()
        started = time.perf_counter()
        status, response_headers, response_body = call(method, path, content, headers)
        measured.milliseconds.append((time.perf_counter() - started) * 1000)
        assert status < 300, (name, status, response_body[:200])
        if name == "create":
            created.append(re.findall(rb'"id":"([0-9a-f-]{36})"', response_body)[0].decode())
        timing = TIMING.search(response_headers.get("server-timing", ""))
        if timing:
            measured.db_ms.append(float(timing.group(1)))
            measured.statements.append(int(timing.group(2)))
            measured.app_ms.append(float(timing.group(3)))
    return measured


def build_seconds() -> float:
    manifest = tomllib.loads((ROOT / "spin.toml").read_text())
    command = manifest["component"]["employees-cqrs"]["build"]["command"]
    (ROOT / "app.wasm").unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        command,
        shell=True,
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={"PATH": f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin"},
    )
    return time.perf_counter() - started


def cold_start(server: SpinServer) -> float:
    """Process start to the first 200 from GET /employees."""
    started = time.perf_counter()
    server.start()
    while httpx.get(f"{server.url}/employees?limit=1").status_code != 200:
        time.sleep(0.01)
    return time.perf_counter() - started


def table(component: list[Measured], native: list[Measured]) -> str:
    by_key = {(m.size, m.operation): m for m in native}
    lines = [
        "| employees | operation | req/s | p50 ms | p95 ms | p99 ms | CPython p50 ms"
        " | component / CPython | SQL statements | db ms | app ms |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in component:
        base = by_key[(m.size, m.operation)]
        cells = [
            f"{m.size:,}",
            m.operation,
            f"{1000 / statistics.mean(m.milliseconds):.0f}",
            f"{m.p50:.2f}",
            f"{m.percentile(0.95):.2f}",
            f"{m.percentile(0.99):.2f}",
            f"{base.p50:.3f}",
            f"{m.p50 / base.p50:.1f}",
            f"{statistics.median(m.statements)}",
            f"{statistics.mean(m.db_ms):.3f}",
            f"{statistics.mean(m.app_ms):.3f}",
        ]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines)


def growth(component: list[Measured], sizes: list[int]) -> str:
    p50 = {(m.size, m.operation): m.p50 for m in component}
    lines = [f"| read | p50 at {sizes[0]:,} | p50 at {sizes[-1]:,} | growth |", "|---|---:|---:|---:|"]
    for operation in READS:
        low, high = p50[(sizes[0], operation)], p50[(sizes[-1], operation)]
        lines.append(f"| {operation} | {low:.2f} ms | {high:.2f} ms | {high / low:.2f} |")
    return "\n".join(lines)


def chart(component: list[Measured], sizes: list[int], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 5))
    for operation in dict.fromkeys(m.operation for m in component):
        points = [next(m.p50 for m in component if m.size == s and m.operation == operation) for s in sizes]
        axes.plot(sizes, points, marker="o", label=operation)
    axes.set_xscale("log")
    axes.set_xlabel("employees")
    axes.set_ylabel("p50 latency (ms), loopback, local host")
    axes.set_title("Latency per request against data size")
    axes.set_ylim(bottom=0)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def drift_phase(requests: int, samples: int, rng: random.Random) -> str:
    """One host process on a fresh database of DRIFT_EMPLOYEES employees, read before and after
    `requests` mixed requests."""
    server = SpinServer(Path(tempfile.mkdtemp(prefix="bench-drift-")))
    seed(server.database, DRIFT_EMPLOYEES, rng)
    with sqlite3.connect(server.database) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM employees ORDER BY id")]
    server.start()
    try:
        measured = drift.measure(server, ids, requests, samples)
    finally:
        server.stop()
    return drift.table(measured)


def sizes_phase(sizes: list[int], requests: int, rng: random.Random) -> list[str]:
    """The requests at each size beside CPython, the growth of each read, build and cold starts."""
    seconds_to_build = build_seconds()
    wasm_mib = (ROOT / "app.wasm").stat().st_size / 2**20
    server = SpinServer(Path(tempfile.mkdtemp(prefix="bench-")))
    component: list[Measured] = []
    native: list[Measured] = []
    notes = [f"- build: {seconds_to_build:.1f} s; app.wasm: {wasm_mib:.1f} MiB"]
    for size in sizes:
        seeding = seed(server.database, size, rng)
        starting = cold_start(server)
        try:
            with httpx.Client(base_url=server.url, timeout=60) as client:
                component += measure_all(http_caller(client), size, requests, rng)
        finally:
            server.stop()
        db = NativeDatabase(server.database)
        native += measure_all(native_caller(db), size, requests, rng)
        db.close()
        notes.append(f"- {size:,} employees: seeded in {seeding:.1f} s; cold start {starting * 1000:.0f} ms")
        print(notes[-1], flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    chart(component, sizes, RESULTS / "latency.png")
    return [
        f"## Requests on {drift.host_name()} (loopback, sequential keep-alive client)",
        table(component, native),
        "## Growth of each read from the smallest to the largest data set",
        growth(component, sizes),
        "## Build, size, seeding and cold start",
        "\n".join(notes),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--drift-requests", type=int, default=5000)
    parser.add_argument("--drift-only", action="store_true", help="only the drift phase; writes no results")
    options = parser.parse_args()
    rng = random.Random(20261126)

    sections = (
        []
        if options.drift_only
        else sizes_phase([int(s) for s in options.sizes.split(",")], options.requests, rng)
    )
    sections += [
        "## Drift: one host process before and after a mixed load",
        drift_phase(options.drift_requests, options.requests, rng),
    ]
    report = "\n\n".join(sections)
    print(report)
    if not options.drift_only:
        (RESULTS / "results.md").write_text(report + "\n")


if __name__ == "__main__":
    main()
