"""What the API key check costs inside the component: the same requests to two servers of the
built component, keys off and keys on (ten entries, the matching one last), in interleaved rounds;
prints the p50 of Server-Timing's `app` duration (the component's time outside SQLite) and of the
client's wall time for each. `python -m bench.key_check` (or `make bench-keys`)."""

import hashlib
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx

from tests.e2e.helpers import new_employee
from tests.spin_server import REAL_SPIN, SpinServer, serving

SECRET = "bench-admin-secret"
OTHERS = [f"k{i}:reader:{hashlib.sha256(f'other-{i}'.encode()).hexdigest()}" for i in range(9)]
API_KEYS = ";".join([*OTHERS, f"ops:admin:{hashlib.sha256(SECRET.encode()).hexdigest()}"])
ROUNDS, GETS, POSTS = 10, 50, 10


def app_ms(response: httpx.Response) -> float:
    return float(response.headers["server-timing"].split("app;dur=")[1])


def measure(client: httpx.Client, ids: list[str], samples: dict[str, list[float]]) -> None:
    for employee_id in ids[:GETS]:
        started = time.perf_counter()
        response = client.get(f"/employees/{employee_id}")
        samples["GET wall"].append((time.perf_counter() - started) * 1000)
        samples["GET app"].append(app_ms(response))
    for _ in range(POSTS):
        started = time.perf_counter()
        response = client.post("/employees", json=new_employee())
        samples["POST wall"].append((time.perf_counter() - started) * 1000)
        samples["POST app"].append(app_ms(response))


def seed(client: httpx.Client) -> list[str]:
    return [client.post("/employees", json=new_employee()).json()["id"] for _ in range(GETS)]


def servers(stack: ExitStack, workdir: Path) -> Iterator[tuple[str, SpinServer, dict[str, str]]]:
    off = stack.enter_context(serving(workdir / "off"))
    yield "keys off", off, {}
    on = stack.enter_context(serving(workdir / "on", env={"SPIN_VARIABLE_API_KEYS": API_KEYS}))
    yield "keys on (10 entries)", on, {"authorization": f"Bearer {SECRET}"}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        variants = list(servers(stack, Path(folder)))
        clients = {name: httpx.Client(base_url=s.url, headers=h, timeout=30) for name, s, h in variants}
        ids = {name: seed(client) for name, client in clients.items()}
        kinds = ("GET app", "POST app", "GET wall", "POST wall")
        samples: dict[str, dict[str, list[float]]] = {name: {kind: [] for kind in kinds} for name in clients}
        for _ in range(ROUNDS):
            for name, client in clients.items():
                measure(client, ids[name], samples[name])
    host = "real spin" if REAL_SPIN else "the local host (devhost/)"
    print(f"API key check, {ROUNDS} rounds of {GETS} GETs by id and {POSTS} POSTs per variant, on {host}")
    print("| variant | GET app ms p50 | POST app ms p50 | GET wall ms p50 | POST wall ms p50 |")
    print("|---|---:|---:|---:|---:|")
    for name, measured in samples.items():
        p50 = {kind: statistics.median(values) for kind, values in measured.items()}
        row = [f"{p50[kind]:.3f}" for kind in ("GET app", "POST app")]
        row += [f"{p50[kind]:.2f}" for kind in ("GET wall", "POST wall")]
        print(f"| {name} | {' | '.join(row)} |")


if __name__ == "__main__":
    main()
