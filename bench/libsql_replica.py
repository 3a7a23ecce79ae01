"""The replica topology of issue 20, counted: Spin instance A on a real `sqld` primary, instance B on
a real replica of it, with `spin` and `sqld` on PATH. Prints how many of each kind of request were
500s, how many reads missed the write just acknowledged (with and without the ETag), and how many
racing rounds had exactly one winner. A measurement beside tests/libsql/test_replica.py, which
asserts the same.

    python -m bench.libsql_replica [--requests 100] [--rounds 20]
"""

import argparse
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from tests.keep_alive import KeepAliveConnection
from tests.libsql.helpers import RACERS, in_parallel, instance_on, post, put
from tests.libsql_server import SqldServer
from tests.spin_server import REAL_SPIN, WASI, SpinServer


def writes_then_reads(writer: SpinServer, reader: SpinServer, requests: int) -> tuple[Counter[int], int, int]:
    """`requests` creates through `writer`, each read at once through `reader`, without and with
    the ETag: the writes' statuses, and how many reads of each kind missed the write."""
    statuses: Counter[int] = Counter()
    missed_plain = missed_tagged = 0
    with KeepAliveConnection(writer.port) as writes, KeepAliveConnection(reader.port) as reads:
        for _ in range(requests):
            created = writes.send(
                "POST", "/employees", {"firstName": "Ada", "lastName": "L", "address": ADDRESS}
            )
            statuses[created.status] += 1
            if created.status != 201:
                continue
            location, tag = created.headers["location"], created.headers["etag"]
            missed_plain += reads.send("GET", location).status != 200
            missed_tagged += reads.send("GET", location, headers={"if-none-match": tag}).status != 304
    return statuses, missed_plain, missed_tagged


ADDRESS = {"street": "12 St James Square", "zip": "SW1Y 4JH", "city": "London"}


def racing_rounds(a: SpinServer, b: SpinServer, rounds: int) -> tuple[int, Counter[int]]:
    """Rounds in which RACERS conditional PUTs, half through each instance, had one winner."""
    one_winner, statuses = 0, Counter[int]()
    for _ in range(rounds):
        location = post(a)().headers["location"]
        answers = in_parallel([put((a, b)[n % 2], location, '"1"') for n in range(RACERS)])
        counted = Counter(answer.status_code for answer in answers)
        statuses.update(counted)
        one_winner += counted == Counter({200: 1, 412: RACERS - 1})
    return one_winner, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    if REAL_SPIN is None:
        raise SystemExit("needs spin and sqld on PATH")
    version = subprocess.run([REAL_SPIN, "--version"], capture_output=True, text=True).stdout.split(" (")[0]
    workdir = Path(tempfile.mkdtemp(prefix="bench-libsql-"))
    primary = SqldServer(workdir / "primary").start()
    replica = SqldServer(workdir / "replica", primary=primary).start()
    a = instance_on(primary, workdir / "a", migrate=True)
    b = instance_on(replica, workdir / "b")
    try:
        rows = [
            (
                "A alone on the primary: create, then read through A",
                *writes_then_reads(a, a, options.requests),
            ),
            (
                "create through B (on the replica), then read through B",
                *writes_then_reads(b, b, options.requests),
            ),
            ("create through A, then read through B", *writes_then_reads(a, b, options.requests)),
        ]
        one_winner, racing = racing_rounds(a, b, options.rounds)
    finally:
        for server in (a, b, replica, primary):
            server.stop()
    n = options.requests
    print(f"Spin {version} ({WASI}), sqld primary and replica, {n} requests per row")
    print("| what | writes | reads that missed the write: plain GET | with If-None-Match: ETag |")
    print("|---|---|---:|---:|")
    for what, statuses, plain, tagged in rows:
        written = ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items()))
        print(f"| {what} | {written} | {plain} of {n} | {tagged} of {n} |")
    answers = ", ".join(f"{count} x {status}" for status, count in sorted(racing.items()))
    print(
        f"| {RACERS} racing If-Match PUTs, half through A, half through B | {answers} |"
        f" one winner in {one_winner} of {options.rounds} rounds | |"
    )


if __name__ == "__main__":
    main()
