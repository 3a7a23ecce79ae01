"""The component across host processes and instances: persistence, schema versions, fresh instances."""

import sqlite3
from pathlib import Path

import httpx

from storage.migrations import DATABASE_VERSION
from tests.e2e.helpers import new_employee
from tests.spin_server import SpinServer, serving


def test_employees_survive_a_restart_of_the_host(tmp_path: Path) -> None:
    server = SpinServer(tmp_path).start()
    try:
        created = httpx.post(f"{server.url}/employees", json=new_employee()).json()
        server.restart()
        assert httpx.get(f"{server.url}/employees/{created['id']}").json() == created
    finally:
        server.stop()


def test_without_migrations_every_request_is_a_503_that_says_how_to_apply_them(tmp_path: Path) -> None:
    server = SpinServer(tmp_path, migrate=False).start()
    try:
        for response in (
            httpx.get(f"{server.url}/employees"),
            httpx.post(f"{server.url}/employees", json=new_employee()),
        ):
            assert response.status_code == 503
            assert response.headers["content-type"] == "application/problem+json"
            assert "@migrations.sql" in response.json()["detail"]
    finally:
        server.stop()


def test_healthz_answers_probes_with_the_schema_version(tmp_path: Path) -> None:
    with serving(tmp_path) as server:
        response = httpx.get(f"{server.url}/healthz")
        head = httpx.head(f"{server.url}/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "pass",
        "schemaVersion": DATABASE_VERSION,
        "requiredSchemaVersion": DATABASE_VERSION,
        "erasure": "overwrite",
    }
    assert (head.status_code, head.content) == (200, b"")


def test_a_database_from_before_schema_versions_is_refused_until_migrations_run_then_keeps_its_rows(
    tmp_path: Path,
) -> None:
    with serving(tmp_path) as server:
        created = httpx.post(f"{server.url}/employees", json=new_employee()).json()
    with sqlite3.connect(tmp_path / "cqrs.db") as connection:
        connection.execute("DROP TABLE schema_migrations")  # as every database was before versions

    with serving(tmp_path, migrate=False) as server:
        refused = httpx.get(f"{server.url}/employees/{created['id']}")
        probe = httpx.get(f"{server.url}/healthz")
    with serving(tmp_path) as server:  # --sqlite @migrations.sql: the upgrade
        upgraded = httpx.get(f"{server.url}/employees/{created['id']}")
        healthy = httpx.get(f"{server.url}/healthz")

    assert (refused.status_code, refused.json()["type"]) == (503, "/problems/schema-outdated")
    assert (probe.status_code, probe.json()["schemaVersion"]) == (503, 0)
    assert upgraded.json() == created
    assert healthy.json()["schemaVersion"] == DATABASE_VERSION


def test_every_request_works_on_a_fresh_instance_as_spin_runs_them(tmp_path: Path) -> None:
    server = SpinServer(tmp_path, fresh_instance=True).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30.0) as client:
            created = client.post("/employees", json=new_employee())
            employee_id = created.json()["id"]
            fetched = client.get(f"/employees/{employee_id}")
            replaced = client.put(f"/employees/{employee_id}", json=new_employee(firstName="Fresh"))
            listed = client.get("/employees")
            invalid = client.post("/employees", json={})
            deleted = client.delete(f"/employees/{employee_id}")
            gone = client.get(f"/employees/{employee_id}")

        assert created.status_code == 201
        assert fetched.json() == created.json()
        assert replaced.json()["firstName"] == "Fresh"
        assert [row["id"] for row in listed.json()] == [employee_id]
        assert invalid.status_code == 422
        assert (deleted.status_code, gone.status_code) == (204, 404)
    finally:
        server.stop()
