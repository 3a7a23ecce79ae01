"""Small helpers shared by the end-to-end tests: random payloads, reading the database file and
rebuilding over HTTP. Snapshots of every table are tests.support.snapshot, given the file's path."""

import re
import sqlite3
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx


def new_employee(**changes: Any) -> dict[str, Any]:
    """A valid POST body with a random surname, so tests sharing a database never collide."""
    employee: dict[str, Any] = {
        "firstName": "Grace",
        "lastName": f"Hopper-{uuid.uuid4().hex[:8]}",
        "address": {"street": "1 Navy Way", "zip": "20001", "city": "Arlington"},
    }
    employee.update(changes)
    return employee


def query(database: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read or change the database file directly, as another process would."""
    with sqlite3.connect(database) as connection:
        return connection.execute(sql, params).fetchall()


def rebuild_over_http(url: str, admin_token: str) -> int:
    """Call POST /admin/projections/rebuild until it says it is done; the number of calls."""
    headers = {"authorization": f"Bearer {admin_token}"}
    calls = 1
    while httpx.post(f"{url}/admin/projections/rebuild", headers=headers, timeout=120).json()["more"]:
        calls += 1
    return calls


_STATEMENTS = re.compile(r'db;dur=[\d.]+;desc="(\d+) statements?"')


def statements(response: httpx.Response) -> int:
    """How many SQL statements the component says (Server-Timing) the request sent."""
    found = _STATEMENTS.search(response.headers["server-timing"])
    assert found, response.headers["server-timing"]
    return int(found.group(1))


def create_until_stopped(url: str, stop: threading.Event, acknowledged: list[str]) -> None:
    """POST new employees to the server at `url`, one after another, until `stop` is set or the
    server is gone; the id of each create it answered 201 goes into `acknowledged`."""
    with httpx.Client(base_url=url, timeout=10) as client:
        while not stop.is_set():
            try:
                response = client.post("/employees", json=new_employee())
            except httpx.TransportError:
                return
            if response.status_code == 201:
                acknowledged.append(response.json()["id"])
