"""The HTTP contract, through api.service.handle on CPython: statuses, shapes and problems."""

import re

from tests.native_db import NativeDatabase
from tests.support import Call, body_of, valid_employee

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_post_returns_201_the_representation_and_its_location(call: Call) -> None:
    response = call("POST", "/employees", valid_employee())

    assert response.status == 201
    created = body_of(response)
    assert UUID4.match(created["id"])
    assert response.headers["location"] == f"/employees/{created['id']}"
    assert response.headers["content-type"] == "application/json"
    assert created == {
        "id": created["id"],
        "firstName": "Ada",
        "lastName": "Lovelace",
        "address": {
            "id": created["id"],
            "street": "12 St James's Square",
            "zip": "SW1Y 4JH",
            "city": "London",
        },
    }


def test_get_by_id_returns_what_post_returned(call: Call) -> None:
    created = body_of(call("POST", "/employees", valid_employee()))
    response = call("GET", f"/employees/{created['id']}")
    assert response.status == 200
    assert body_of(response) == created


def test_the_list_shows_last_comma_first_and_city(call: Call) -> None:
    created = body_of(call("POST", "/employees", valid_employee()))
    response = call("GET", "/employees?ignored=1")
    assert response.status == 200
    assert body_of(response) == [{"id": created["id"], "name": "Lovelace, Ada", "city": "London"}]


def test_put_replaces_the_employee_and_returns_the_new_representation(call: Call) -> None:
    created = body_of(call("POST", "/employees", valid_employee()))
    replacement = valid_employee(firstName="Augusta", address={"street": "a", "zip": "b", "city": "c"})

    response = call("PUT", f"/employees/{created['id']}", replacement)

    assert response.status == 200
    assert body_of(response)["firstName"] == "Augusta"
    assert body_of(call("GET", f"/employees/{created['id']}")) == body_of(response)


def test_put_of_an_unknown_id_is_404_and_creates_nothing(call: Call) -> None:
    response = call("PUT", f"/employees/{UNKNOWN_ID}", valid_employee())
    assert response.status == 404
    assert body_of(call("GET", "/employees")) == []


def test_delete_is_204_then_404(call: Call) -> None:
    created = body_of(call("POST", "/employees", valid_employee()))
    first = call("DELETE", f"/employees/{created['id']}")
    second = call("DELETE", f"/employees/{created['id']}")
    assert (first.status, first.body) == (204, b"")
    assert second.status == 404
    assert call("GET", f"/employees/{created['id']}").status == 404


def test_invalid_fields_are_422_with_a_pointer_for_each(call: Call) -> None:
    response = call("POST", "/employees", {"firstName": "", "lastName": 7, "address": {"zip": "1"}})

    assert response.status == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = body_of(response)
    assert problem["status"] == 422
    assert [e["pointer"] for e in problem["errors"]] == [
        "/firstName",
        "/lastName",
        "/address/street",
        "/address/city",
    ]
    assert body_of(call("GET", "/employees")) == []


def test_malformed_json_and_non_objects_are_400(call: Call) -> None:
    for body in (b"{", b"[]", b"", b'{"firstName": "a", "firstName": "b"}'):
        response = call("POST", "/employees", body)
        assert response.status == 400, body
        assert body_of(response)["type"] == "/problems/malformed-body"


def test_a_body_over_64_kib_is_413(call: Call) -> None:
    response = call("POST", "/employees", valid_employee(firstName="x" * 70_000))
    assert response.status == 413


def test_unknown_paths_are_404_problems(call: Call) -> None:
    response = call("GET", "/nothing/here")
    assert response.status == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert body_of(response)["title"] == "Not Found"


def test_a_known_path_with_another_method_is_405_with_allow(call: Call) -> None:
    response = call("PATCH", f"/employees/{UNKNOWN_ID}")
    assert response.status == 405
    assert response.headers["allow"] == "GET, HEAD, PUT, DELETE"
    assert call("DELETE", "/employees").headers["allow"] == "GET, HEAD, POST"


def test_an_unexpected_failure_is_500_with_a_correlation_id_and_no_internals(
    call: Call, db: NativeDatabase
) -> None:
    db.connection.execute(
        "CREATE TEMP TRIGGER fail BEFORE INSERT ON employees"
        " BEGIN SELECT RAISE(ABORT, 'secret internal detail'); END"
    )

    response = call("POST", "/employees", valid_employee(), {"X-Request-Id": "req-123"})

    assert response.status == 500
    problem = body_of(response)
    assert problem["correlationId"] == "req-123"
    assert "req-123" in problem["detail"]
    text = (response.body or b"").decode()
    assert "secret" not in text
    assert "INSERT" not in text
    assert "Traceback" not in text


def test_an_unsafe_request_id_is_replaced_by_a_generated_correlation_id(
    call: Call, db: NativeDatabase
) -> None:
    db.connection.execute(
        "CREATE TEMP TRIGGER fail BEFORE INSERT ON employees BEGIN SELECT RAISE(ABORT, 'x'); END"
    )
    response = call("POST", "/employees", valid_employee(), {"x-request-id": "<script>"})
    assert UUID4.match(body_of(response)["correlationId"])
