"""The Spin variable `erasure` in the served component: what /healthz promises, and what writes do."""

from pathlib import Path

import httpx

from tests.e2e.helpers import new_employee, query
from tests.spin_server import serving


def test_erasure_is_overwrite_by_default_and_healthz_says_so(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        assert httpx.get(f"{server.url}/healthz").json()["erasure"] == "overwrite"


def test_erasure_delete_from_the_spin_variable_still_erases_rows_and_payloads(tmp_path: Path) -> None:
    with serving(tmp_path, env={"SPIN_VARIABLE_ERASURE": "delete"}) as server:
        health = httpx.get(f"{server.url}/healthz").json()
        created = httpx.post(f"{server.url}/employees", json=new_employee(firstName="Zebedee")).json()
        deleted = httpx.delete(f"{server.url}/employees/{created['id']}")
        database = server.database

    assert health["erasure"] == "delete"
    assert deleted.status_code == 204
    assert query(database, "SELECT count(*) FROM employees") == [(0,)]
    assert query(database, "SELECT count(*) FROM events WHERE payload LIKE '%Zebedee%'") == [(0,)]


def test_an_unknown_erasure_is_a_503_for_writes_while_reads_go_on(tmp_path: Path) -> None:
    with serving(tmp_path, env={"SPIN_VARIABLE_ERASURE": "shred"}) as server:
        created = httpx.post(f"{server.url}/employees", json=new_employee())
        listed = httpx.get(f"{server.url}/employees")

    assert created.status_code == 503
    assert created.json()["type"] == "/problems/misconfigured"
    assert "'shred'" in created.json()["detail"]
    assert listed.status_code == 200
