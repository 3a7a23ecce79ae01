"""Small helpers shared by the end-to-end tests: random payloads and reading the database file."""

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import httpx

from storage.projectors import PROJECTORS

WRITE_AND_VIEW_TABLES = ("employees", "addresses", "employee_list_view", "employee_details_view")
ALL_TABLES = (
    *WRITE_AND_VIEW_TABLES,
    "events",
    "projection_checkpoints",
    "idempotency_keys",
    "employee_name_prefix_view",
    "employee_name_prefix_view_rebuild",
    "employee_list_view_rebuild",
    "employee_details_view_rebuild",
)


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


def snapshot(
    database: Path, tables: tuple[str, ...] = WRITE_AND_VIEW_TABLES
) -> dict[str, list[tuple[Any, ...]]]:
    return {table: query(database, f"SELECT * FROM {table} ORDER BY 1") for table in tables}


def views(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every view table's rows, in a total order."""
    tables = [projector.table for projector in PROJECTORS]
    return {table: query(database, f"SELECT * FROM {table} ORDER BY 1, 2, 3") for table in tables}


def rebuild_over_http(url: str, admin_token: str) -> int:
    """Call POST /admin/projections/rebuild until it says it is done; the number of calls."""
    headers = {"authorization": f"Bearer {admin_token}"}
    calls = 1
    while httpx.post(f"{url}/admin/projections/rebuild", headers=headers, timeout=120).json()["more"]:
        calls += 1
    return calls
