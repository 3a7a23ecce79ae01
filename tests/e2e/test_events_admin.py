"""The event log, erasure, history and the admin routes in the built component over HTTP."""

import random
import sqlite3
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.helpers import new_employee, query, rebuild_over_http
from tests.spin_server import SpinServer, serving
from tests.support import views

TOKEN = "e2e-admin-token"


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpinServer]:
    with serving(tmp_path_factory.mktemp("admin"), env={"SPIN_VARIABLE_ADMIN_TOKEN": TOKEN}) as running:
        yield running


@pytest.fixture
def admin(admin_server: SpinServer) -> Iterator[httpx.Client]:
    headers = {"authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=admin_server.url, headers=headers, timeout=60.0) as http:
        yield http


def test_admin_routes_answer_404_while_admin_token_is_unset(client: httpx.Client) -> None:
    response = client.get("/admin/projections", headers={"authorization": "Bearer anything"})
    assert response.status_code == 404


def test_admin_routes_refuse_a_wrong_token_with_401(admin_server: SpinServer) -> None:
    response = httpx.get(f"{admin_server.url}/admin/projections", headers={"authorization": "Bearer nope"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_corrupted_views_are_rebuilt_from_the_log_over_http(
    admin: httpx.Client, admin_server: SpinServer
) -> None:
    rng = random.Random(11)
    alive: list[str] = []
    for _ in range(120):
        if rng.random() < 0.5 or not alive:
            alive.append(admin.post("/employees", json=new_employee()).json()["id"])
        elif rng.random() < 0.7:
            admin.put(f"/employees/{rng.choice(alive)}", json=new_employee(firstName=f"F{rng.randrange(99)}"))
        else:
            admin.delete(f"/employees/{alive.pop(rng.randrange(len(alive)))}")
    before = views(admin_server.database)
    query(admin_server.database, "DELETE FROM employee_list_view WHERE rowid % 2 = 0")
    query(admin_server.database, "UPDATE employee_details_view SET city = 'corrupted'")

    calls = rebuild_over_http(admin_server.url, TOKEN)

    assert views(admin_server.database) == before
    assert calls == 1  # 120 events fit in one chunk of 500
    status = admin.get("/admin/projections").json()["projectors"]
    assert {p["lag"] for p in status} == {0}
    rows = {p["projector"]: p["rows"] for p in status}
    assert rows["employee_list"] == rows["employee_details"] == len(alive)


def test_history_survives_deletion_without_the_personal_data(
    admin: httpx.Client, admin_server: SpinServer
) -> None:
    # Another process keeps the database open, as a backup tool or a `sqlite3` shell would. In WAL
    # mode (`make run` serves the WASIp3 component so) the log then outlives every connection of
    # the service, and it holds every version of the person's rows until the service empties it.
    observer = sqlite3.connect(admin_server.database)
    [(journal,)] = observer.execute("PRAGMA journal_mode").fetchall()  # now it shares the log
    body = new_employee(firstName="Quentin", lastName=f"Erasable-{random.randrange(10**9)}")
    created = admin.post("/employees", json=body, headers={"traceparent": f"00-{'ab' * 16}-{'cd' * 8}-01"})
    url = created.headers["location"]
    admin.put(url, json={**body, "address": {"street": "9 Secret Road", "zip": "S3", "city": "Hideaway"}})

    admin.delete(url)
    log = admin_server.database.with_name(admin_server.database.name + "-wal")
    assert log.exists() == (journal == "wal")
    content = admin_server.database.read_bytes() + (log.read_bytes() if journal == "wal" else b"")
    observer.close()
    history = admin.get(f"{url}/history")

    assert history.status_code == 200
    assert [(e["type"], e["version"], e["erased"]) for e in history.json()] == [
        ("EmployeeCreated", 1, True),
        ("EmployeeUpdated", 2, True),
        ("EmployeeDeleted", 3, False),
    ]
    correlation = query(
        admin_server.database,
        "SELECT correlation_id FROM events WHERE type = 'EmployeeCreated' AND stream_id = ?",
        (created.json()["id"],),
    )
    assert correlation == [("ab" * 16,)]
    for personal in (body["lastName"], "Secret Road", "Hideaway"):
        assert personal.encode() not in content, personal
