"""CQRS inside the real component: commands write tables and views in one transaction; queries
read only the views. The test process opens the same SQLite file the host serves."""

import httpx
import pytest

from tests.e2e.helpers import new_employee, query
from tests.spin_server import SpinServer
from tests.support import snapshot


def test_a_command_writes_normalized_rows_and_both_views(client: httpx.Client, server: SpinServer) -> None:
    created = client.post("/employees", json=new_employee()).json()
    key = (created["id"],)

    assert query(server.database, "SELECT version FROM employees WHERE id = ?", key) == [(1,)]
    assert query(server.database, "SELECT city FROM addresses WHERE employee_id = ?", key) == [("Arlington",)]
    assert query(server.database, "SELECT city FROM employee_list_view WHERE id = ?", key) == [("Arlington",)]
    assert query(server.database, "SELECT version FROM employee_details_view WHERE id = ?", key) == [(1,)]


def test_queries_answer_from_the_view_tables_only(client: httpx.Client, server: SpinServer) -> None:
    created = client.post("/employees", json=new_employee()).json()
    key = (created["id"],)
    query(server.database, "UPDATE employee_list_view SET city = 'list view' WHERE id = ?", key)
    query(server.database, "UPDATE employee_details_view SET city = 'details view' WHERE id = ?", key)
    query(server.database, "UPDATE addresses SET city = 'write table' WHERE employee_id = ?", key)

    listed = {row["id"]: row for row in client.get("/employees").json()}
    assert listed[created["id"]]["city"] == "list view"
    assert client.get(f"/employees/{created['id']}").json()["address"]["city"] == "details view"


@pytest.mark.parametrize("failing_table", ["addresses", "employee_list_view", "employee_details_view"])
def test_a_failure_in_the_middle_of_a_create_rolls_everything_back(
    client: httpx.Client, server: SpinServer, failing_table: str
) -> None:
    before = snapshot(server.database)
    query(
        server.database,
        f"CREATE TRIGGER test_only_failure BEFORE INSERT ON {failing_table}"
        " BEGIN SELECT RAISE(ABORT, 'test-only forced failure'); END",
    )
    try:
        response = client.post("/employees", json=new_employee(), headers={"x-request-id": "e2e-rollback"})
    finally:
        query(server.database, "DROP TRIGGER test_only_failure")

    assert response.status_code == 500
    assert response.json()["correlationId"] == "e2e-rollback"
    assert "test-only" not in response.text
    assert "INSERT" not in response.text
    assert snapshot(server.database) == before
    assert "e2e-rollback" in server.log.read_text()


def test_a_failure_in_a_projection_of_an_update_leaves_the_old_employee(
    client: httpx.Client, server: SpinServer
) -> None:
    created = client.post("/employees", json=new_employee()).json()
    before = snapshot(server.database)
    query(
        server.database,
        "CREATE TRIGGER test_only_failure BEFORE UPDATE ON employee_list_view"
        " BEGIN SELECT RAISE(ABORT, 'test-only forced failure'); END",
    )
    try:
        response = client.put(f"/employees/{created['id']}", json=new_employee(firstName="Changed"))
    finally:
        query(server.database, "DROP TRIGGER test_only_failure")

    assert response.status_code == 500
    assert snapshot(server.database) == before
    assert client.get(f"/employees/{created['id']}").json() == created
