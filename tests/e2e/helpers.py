"""Small helpers shared by the end-to-end tests: random payloads, reading the database file and
rebuilding over HTTP. Snapshots of every table are tests.support.snapshot, given the file's path."""

import re
import sqlite3
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
