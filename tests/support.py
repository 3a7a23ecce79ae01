"""What tests share: requests through the service, commands run as endpoints run them, random
workloads and rebuilds, and the rows of every table.

Test modules import helpers from here (end-to-end ones also from tests/e2e/helpers.py), never from
a conftest.py or another test module; conftest.py files hold fixtures only."""

import hashlib
import json
import random
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from pathlib import Path
from typing import Any, TypeVar

from api.service import handle
from commands.create_employee import CreateEmployee, create_employee
from commands.delete_employee import DeleteEmployee, delete_employee
from commands.rebuild_projections import RebuildProjections, rebuild_projections
from commands.update_employee import UpdateEmployee, update_employee
from domain.employee import Address, EmployeeFields, FieldValue
from storage.database import Database, Row
from storage.projectors import PROJECTORS
from storage.transaction import transaction
from web.http import Request, Response

# Requests through the service, as the component sends them

Call = Callable[..., Response]


def send(
    db: Database,
    method: str,
    uri: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    admin_token: str | None = None,
    api_keys: str | None = None,
) -> Response:
    """Send one request through the service, as the component does, to `db`, with these Spin
    variables; a body that is not bytes is sent as JSON."""
    raw = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    variables = {"admin_token": admin_token, "api_keys": api_keys}
    return handle(Request.of(method, uri, headers or {}, raw), db, variables.get)


def body_of(response: Response) -> Any:
    return json.loads(response.body or b"")


def valid_employee(**changes: Any) -> dict[str, Any]:
    """A valid POST/PUT body, with `changes` applied."""
    employee: dict[str, Any] = {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "address": {"street": "12 St James's Square", "zip": "SW1Y 4JH", "city": "London"},
    }
    employee.update(changes)
    return employee


# Commands, as an endpoint runs them

Result = TypeVar("Result")


def run_command(db: Database, handler: Callable[..., Result], command: object, *more: Any) -> Result:
    """Run one command in a transaction of its own, as an endpoint does: `handler(command, tx, *more)`."""
    with transaction(db) as tx:
        return handler(command, tx, *more)


NAMES = ["Ada", "grace", "Émile", "Zoë", "o'Brien", "Li", "MÜLLER", "van der Berg"]
CITIES = ["London", "london", "Zürich", "Paris", "São Paulo"]


def random_fields(rng: random.Random) -> EmployeeFields:
    """Random names and address; about half also set optional fields, which storage keeps by name
    whether or not the API declares them (the product declares none yet)."""
    address = Address(f"{rng.randrange(999)} Road", f"{rng.randrange(99999):05}", rng.choice(CITIES))
    choices: list[dict[str, FieldValue]] = [
        {},
        {"nickname": rng.choice(NAMES)},
        {"nickname": "Jo", "onLeave": rng.random() < 0.5},
    ]
    optional = rng.choice(choices)
    return EmployeeFields(rng.choice(NAMES), rng.choice(NAMES) + str(rng.randrange(50)), address, optional)


def run_random_commands(db: Database, count: int, seed: int) -> None:
    """`count` creates, updates and deletes of random employees, the same ones for the same seed."""
    rng = random.Random(seed)
    alive: list[str] = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.45 or not alive:
            alive.append(run_command(db, create_employee, CreateEmployee(random_fields(rng))).id)
        elif roll < 0.8:
            run_command(db, update_employee, UpdateEmployee(rng.choice(alive), random_fields(rng)))
        else:
            run_command(db, delete_employee, DeleteEmployee(alive.pop(rng.randrange(len(alive)))))


def rebuild_until_done(db: Database, chunk_size: int, projector: str | None = None) -> int:
    """Rebuild in chunks until every selected projector has swapped; the number of calls."""
    calls = 0
    while True:
        calls += 1
        progress = run_command(db, rebuild_projections, RebuildProjections(projector, chunk_size))
        if all(step.done for step in progress):
            return calls


def corrupt(db: Database) -> None:
    """Damage three of the views behind the projectors' backs: rows lost, changed and invented."""
    db.execute("DELETE FROM employee_list_view WHERE rowid % 3 = 0")
    db.execute("UPDATE employee_list_view SET city = 'corrupted' WHERE rowid % 3 = 1")
    db.execute("DELETE FROM employee_details_view")
    db.execute("INSERT INTO employee_details_view VALUES ('ghost', 'No', 'One', 'Nowhere', '0', 'Void', 1)")
    db.execute("UPDATE employee_optional_field_view SET value = '\"corrupted\"' WHERE name = 'nickname'")


# The rows of every table

Snapshot = dict[str, list[Row]]
# The database port (unit tests), a sqlite3 connection, or the path of a database file another
# process serves (end-to-end tests).
Source = Database | sqlite3.Connection | str | Path

# Every table the schema has, from the schema itself. SQLite's own tables are left out except
# sqlite_sequence: it is AUTOINCREMENT's counter for the event log, which a write must not move
# unless it commits.
TABLES = (
    "SELECT name FROM sqlite_schema WHERE type = 'table'"
    " AND (name NOT LIKE 'sqlite\\_%' ESCAPE '\\' OR name = 'sqlite_sequence') ORDER BY name"
)


def table_names(source: Source) -> list[str]:
    """Every table of the schema in name order: write model, log, views and their staging copies,
    checkpoints, idempotency records, schema_migrations, and sqlite_sequence."""
    return [name for (name,) in _rows(source, TABLES)]


def snapshot(source: Source, tables: Iterable[str] | None = None) -> Snapshot:
    """Every row of every table (or of `tables`), each table's rows in one canonical order, so two
    snapshots are equal exactly when every table holds the same rows."""
    if isinstance(source, str | Path):
        with closing(sqlite3.connect(source, isolation_level=None)) as connection:
            connection.execute("BEGIN")  # one read transaction: every table as of one moment
            try:
                return snapshot(connection, tables)
            finally:
                connection.execute("ROLLBACK")
    names = table_names(source) if tables is None else list(tables)
    return {name: sorted(_rows(source, f'SELECT * FROM "{name}"'), key=repr) for name in names}


def views(source: Source) -> Snapshot:
    """Every view table's rows (the live views the projectors keep), as `snapshot` gives them."""
    return snapshot(source, [projector.table for projector in PROJECTORS])


def _rows(source: Source, sql: str) -> list[Row]:
    if isinstance(source, str | Path):
        with closing(sqlite3.connect(source)) as connection:
            return connection.execute(sql).fetchall()
    if isinstance(source, sqlite3.Connection):
        return source.execute(sql).fetchall()
    return source.execute(sql)


# API keys: one of each role, and what each route answers each kind of caller with keys on

SECRETS = {"reader": "reader-secret", "writer": "writer-secret", "admin": "admin-secret"}
API_KEYS = ";".join(
    f"{role}-key:{role}:{hashlib.sha256(secret.encode()).hexdigest()}" for role, secret in SECRETS.items()
)
CALLERS = ("no key", "unknown key", "reader", "writer", "admin")

# What each route answers each caller with keys on: the table the README and docs/security.md show.
EXPECTED: dict[tuple[str, str], tuple[int, ...]] = {
    ("GET", "/employees"): (401, 401, 200, 200, 200),
    ("POST", "/employees"): (401, 401, 403, 201, 201),
    ("GET", "/employees/{id}"): (401, 401, 200, 200, 200),
    ("PUT", "/employees/{id}"): (401, 401, 403, 200, 200),
    ("DELETE", "/employees/{id}"): (401, 401, 403, 204, 204),
    ("GET", "/employees/{id}/history"): (401, 401, 200, 200, 200),
    ("GET", "/admin/projections"): (401, 401, 403, 403, 200),
    ("POST", "/admin/projections/rebuild"): (401, 401, 403, 403, 200),
    ("GET", "/openapi.json"): (200, 200, 200, 200, 200),
    ("GET", "/healthz"): (200, 200, 200, 200, 200),
}


def authorization(caller: str) -> dict[str, str]:
    if caller == "no key":
        return {}
    secret = "not-a-key-of-this-service" if caller == "unknown key" else SECRETS[caller]
    return {"authorization": f"Bearer {secret}"}
