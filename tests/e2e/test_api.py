"""The HTTP API of the built component, over real HTTP: every status and every shape."""

import re
import uuid

import httpx

from tests.e2e.helpers import new_employee

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_post_creates_an_employee_with_201_location_and_the_full_representation(
    client: httpx.Client,
) -> None:
    body = new_employee()
    response = client.post("/employees", json=body)

    assert response.status_code == 201
    created = response.json()
    assert UUID4.match(created["id"])
    assert response.headers["location"] == f"/employees/{created['id']}"
    assert response.headers["content-type"] == "application/json"
    assert created == {
        "id": created["id"],
        "firstName": body["firstName"],
        "lastName": body["lastName"],
        "address": {"id": created["id"], **body["address"]},
    }


def test_post_without_a_content_type_works_as_curl_sends_it(client: httpx.Client) -> None:
    body = new_employee()
    raw = httpx.Request("POST", "/employees", json=body).read()
    response = client.post(
        "/employees", content=raw, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 201
    assert response.json()["lastName"] == body["lastName"]


def test_get_by_id_returns_the_same_representation_as_post(client: httpx.Client) -> None:
    created = client.post("/employees", json=new_employee()).json()
    response = client.get(f"/employees/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created


def test_the_list_is_sorted_by_name_then_id_and_shows_last_comma_first(client: httpx.Client) -> None:
    surname = f"Zz-{uuid.uuid4().hex[:8]}"
    ids = {
        first: client.post("/employees", json=new_employee(firstName=first, lastName=surname)).json()["id"]
        for first in ("bob", "Alice", "Carol")
    }

    listed = [row for row in client.get("/employees").json() if row["name"].startswith(surname)]

    assert listed == [
        {"id": ids["Alice"], "name": f"{surname}, Alice", "city": "Arlington"},
        {"id": ids["bob"], "name": f"{surname}, bob", "city": "Arlington"},
        {"id": ids["Carol"], "name": f"{surname}, Carol", "city": "Arlington"},
    ]


def test_put_replaces_the_employee_and_get_sees_the_change(client: httpx.Client) -> None:
    created = client.post("/employees", json=new_employee()).json()
    replacement = new_employee(address={"street": "2 Main St", "zip": "10001", "city": "New York"})

    response = client.put(f"/employees/{created['id']}", json=replacement)

    assert response.status_code == 200
    assert response.json()["address"] == {"id": created["id"], **replacement["address"]}
    assert client.get(f"/employees/{created['id']}").json() == response.json()
    listed = {row["id"]: row for row in client.get("/employees").json()}
    assert listed[created["id"]]["city"] == "New York"


def test_put_of_an_unknown_id_is_404_and_creates_nothing(client: httpx.Client) -> None:
    unknown = str(uuid.uuid4())
    body = new_employee()

    response = client.put(f"/employees/{unknown}", json=body)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get(f"/employees/{unknown}").status_code == 404
    assert all(row["name"] != f"{body['lastName']}, Grace" for row in client.get("/employees").json())


def test_delete_is_204_with_no_body_and_then_404(client: httpx.Client) -> None:
    created = client.post("/employees", json=new_employee()).json()

    first = client.delete(f"/employees/{created['id']}")
    second = client.delete(f"/employees/{created['id']}")

    assert (first.status_code, first.content) == (204, b"")
    assert second.status_code == 404
    assert client.get(f"/employees/{created['id']}").status_code == 404
    assert created["id"] not in {row["id"] for row in client.get("/employees").json()}


def test_every_invalid_field_is_reported_as_a_422_problem(client: httpx.Client) -> None:
    response = client.post(
        "/employees",
        json={"firstName": "", "lastName": ["x"], "address": {"street": "s", "zip": "z" * 21}, "age": 3},
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["title"]) == (422, "Invalid fields")
    assert {(e["pointer"], e["detail"]) for e in problem["errors"]} == {
        ("/firstName", "must not be empty"),
        ("/lastName", "must be a JSON string"),
        ("/address/zip", "must be at most 20 characters"),
        ("/address/city", "is required"),
        ("/age", "is not a known field"),
    }


def test_malformed_json_and_non_objects_are_400_problems(client: httpx.Client) -> None:
    for body in (b'{"firstName": ', b"[1, 2]", b"", b"\xff\xfe", b"[" * 20_000 + b"]" * 20_000):
        response = client.post("/employees", content=body)
        assert response.status_code == 400, body[:20]
        assert response.json()["type"] == "/problems/malformed-body"


def test_a_body_over_64_kib_is_a_413_problem(client: httpx.Client) -> None:
    response = client.post("/employees", json=new_employee(firstName="x" * 70_000))
    assert response.status_code == 413
    assert response.json()["status"] == 413


def test_an_unknown_path_is_a_404_problem(client: httpx.Client) -> None:
    for path in ("/", "/employees/", "/employees/x/y", "/nothing"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["title"] == "Not Found"


def test_a_known_path_with_another_method_is_405_with_allow(client: httpx.Client) -> None:
    by_id = client.patch(f"/employees/{uuid.uuid4()}", json={})
    collection = client.delete("/employees")

    assert by_id.status_code == 405
    assert by_id.headers["allow"] == "GET, HEAD, PUT, DELETE"
    assert collection.status_code == 405
    assert collection.headers["allow"] == "GET, HEAD, POST"
    assert collection.headers["content-type"] == "application/problem+json"
