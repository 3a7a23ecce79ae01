"""Versions, conditional requests, idempotent create, paging and media types through the service."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.native_db import NativeDatabase
from tests.support import Call, body_of, snapshot, valid_employee
from web.http import Response

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def create(call: Call, **changes: object) -> Response:
    response = call("POST", "/employees", valid_employee(**changes))
    assert response.status == 201
    return response


# Versions and ETags


def test_post_get_and_put_carry_the_version_as_a_strong_etag(call: Call) -> None:
    created = create(call)
    employee_id = body_of(created)["id"]
    fetched = call("GET", f"/employees/{employee_id}")
    replaced = call("PUT", f"/employees/{employee_id}", valid_employee(firstName="B"))

    assert created.headers["etag"] == '"1"'
    assert fetched.headers["etag"] == '"1"'
    assert replaced.headers["etag"] == '"2"'
    assert call("GET", f"/employees/{employee_id}").headers["etag"] == '"2"'


def test_put_with_the_current_etag_succeeds(call: Call) -> None:
    employee_id = body_of(create(call))["id"]
    response = call("PUT", f"/employees/{employee_id}", valid_employee(), {"If-Match": '"1"'})
    assert (response.status, response.headers["etag"]) == (200, '"2"')


def test_put_with_a_stale_etag_returns_412_and_changes_nothing(call: Call, db: NativeDatabase) -> None:
    employee_id = body_of(create(call))["id"]
    call("PUT", f"/employees/{employee_id}", valid_employee(firstName="Second"))
    before = snapshot(db)

    response = call("PUT", f"/employees/{employee_id}", valid_employee(firstName="Lost"), {"if-match": '"1"'})

    assert response.status == 412
    assert body_of(response)["type"] == "/problems/version-conflict"
    assert snapshot(db) == before


def test_a_weak_etag_never_satisfies_if_match(call: Call) -> None:
    employee_id = body_of(create(call))["id"]
    response = call("PUT", f"/employees/{employee_id}", valid_employee(), {"if-match": 'W/"1"'})
    assert response.status == 412


def test_if_match_may_list_several_etags(call: Call) -> None:
    employee_id = body_of(create(call))["id"]
    response = call("DELETE", f"/employees/{employee_id}", headers={"if-match": '"7", "1"'})
    assert response.status == 204


def test_if_match_star_on_an_unknown_id_is_412_and_creates_nothing(call: Call, db: NativeDatabase) -> None:
    before = snapshot(db)
    for method, body in (("PUT", valid_employee()), ("DELETE", None)):
        response = call(method, f"/employees/{UNKNOWN_ID}", body, {"if-match": "*"})
        assert response.status == 412, method
    assert snapshot(db) == before


def test_if_match_star_on_an_existing_employee_proceeds(call: Call) -> None:
    employee_id = body_of(create(call))["id"]
    assert call("PUT", f"/employees/{employee_id}", valid_employee(), {"if-match": "*"}).status == 200


def test_delete_with_a_stale_etag_returns_412_and_keeps_the_employee(call: Call) -> None:
    employee_id = body_of(create(call))["id"]
    call("PUT", f"/employees/{employee_id}", valid_employee())
    response = call("DELETE", f"/employees/{employee_id}", headers={"if-match": '"1"'})
    assert response.status == 412
    assert call("GET", f"/employees/{employee_id}").status == 200


@pytest.mark.parametrize("header", ["1", '"1" "2"', '"unterminated', "W/1", "", '"1",' * 300])
def test_a_malformed_if_match_matches_nothing_so_the_write_is_refused_with_412(
    call: Call, db: NativeDatabase, header: str
) -> None:
    employee_id = body_of(create(call))["id"]
    before = snapshot(db)
    for method, body in (("PUT", valid_employee(firstName="Changed")), ("DELETE", None)):
        response = call(method, f"/employees/{employee_id}", body, {"if-match": header})
        assert response.status == 412, method
    assert snapshot(db) == before


@pytest.mark.parametrize("header", ["1", '"1" "2"', "W/1"])
def test_a_malformed_if_none_match_is_ignored(call: Call, header: str) -> None:
    employee_id = body_of(create(call))["id"]
    assert call("GET", f"/employees/{employee_id}", headers={"if-none-match": header}).status == 200


def test_if_none_match_with_the_current_etag_is_304_with_the_etag_and_no_body(call: Call) -> None:
    employee_id = body_of(create(call))["id"]
    for header in ('"1"', 'W/"1"', '"9", "1"', "*"):
        response = call("GET", f"/employees/{employee_id}", headers={"if-none-match": header})
        assert (response.status, response.headers["etag"], response.body) == (304, '"1"', b""), header


def test_if_none_match_with_an_old_etag_returns_the_employee(call: Call) -> None:
    employee_id = body_of(create(call))["id"]
    call("PUT", f"/employees/{employee_id}", valid_employee(firstName="New"))
    response = call("GET", f"/employees/{employee_id}", headers={"if-none-match": '"1"'})
    assert response.status == 200
    assert body_of(response)["firstName"] == "New"


# Idempotent create


def test_a_repeated_post_with_the_same_key_replays_the_first_response_and_creates_nothing(
    call: Call, db: NativeDatabase
) -> None:
    first = call("POST", "/employees", valid_employee(), {"Idempotency-Key": "k-1"})
    second = call("POST", "/employees", valid_employee(), {"Idempotency-Key": "k-1"})

    assert first.status == second.status == 201
    assert second.body == first.body
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert db.execute("SELECT count(*) FROM employees") == [(1,)]


def test_the_replay_is_the_first_response_even_after_the_employee_changed(call: Call) -> None:
    first = call("POST", "/employees", valid_employee(), {"idempotency-key": "k-2"})
    call("PUT", first.headers["location"], valid_employee(firstName="Changed"))

    replay = call("POST", "/employees", valid_employee(), {"idempotency-key": "k-2"})

    assert body_of(replay)["firstName"] == "Ada"
    assert replay.headers["etag"] == '"1"'


def test_the_same_payload_in_another_key_order_is_the_same_request(call: Call) -> None:
    body = valid_employee()
    reordered = json.dumps(dict(reversed(list(body.items())))).encode()
    first = call("POST", "/employees", body, {"idempotency-key": "k-3"})
    second = call("POST", "/employees", reordered, {"idempotency-key": "k-3"})
    assert second.body == first.body


def test_the_same_key_with_another_payload_is_422_and_creates_nothing(call: Call, db: NativeDatabase) -> None:
    call("POST", "/employees", valid_employee(), {"idempotency-key": "k-4"})
    before = snapshot(db)

    response = call("POST", "/employees", valid_employee(firstName="Other"), {"idempotency-key": "k-4"})

    assert response.status == 422
    assert body_of(response)["type"] == "/problems/idempotency-key-reused"
    assert snapshot(db) == before


def test_a_failed_command_does_not_use_up_its_key(call: Call, db: NativeDatabase) -> None:
    invalid = call("POST", "/employees", {"firstName": ""}, {"idempotency-key": "k-5"})
    db.connection.execute(
        "CREATE TEMP TRIGGER fail BEFORE INSERT ON employees BEGIN SELECT RAISE(ABORT, 'x'); END"
    )
    failed = call("POST", "/employees", valid_employee(), {"idempotency-key": "k-5"})
    db.execute("DROP TRIGGER fail")

    retried = call("POST", "/employees", valid_employee(), {"idempotency-key": "k-5"})

    assert (invalid.status, failed.status, retried.status) == (422, 500, 201)
    assert "idempotent-replayed" not in retried.headers


def test_keys_older_than_24_hours_are_purged_by_the_next_keyed_request(
    call: Call, db: NativeDatabase
) -> None:
    call("POST", "/employees", valid_employee(), {"idempotency-key": "old"})
    yesterday = (datetime.now(UTC) - timedelta(hours=24, minutes=1)).isoformat()
    db.execute("UPDATE idempotency_keys SET created_at = ?", (yesterday,))

    call("POST", "/employees", valid_employee(firstName="Other"), {"idempotency-key": "new"})

    assert db.execute("SELECT key FROM idempotency_keys") == [("new",)]


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "naïve"])
def test_an_invalid_idempotency_key_is_400(call: Call, key: str) -> None:
    assert call("POST", "/employees", valid_employee(), {"idempotency-key": key}).status == 400


# Lists


def next_url(response: Response) -> str | None:
    link = response.headers.get("link")
    if link is None:
        return None
    assert link.endswith('>; rel="next"')
    return link[1 : link.index(">")]


def test_the_list_pages_with_a_link_header_until_the_last_page(call: Call) -> None:
    ids = {body_of(create(call, lastName=f"L{i:02}"))["id"] for i in range(5)}

    seen: list[str] = []
    statuses: list[int] = []
    url: str | None = "/employees?limit=2"
    while url is not None:
        response = call("GET", url)
        statuses.append(response.status)
        seen += [row["id"] for row in body_of(response)]
        url = next_url(response)

    assert statuses == [200, 200, 200]
    assert sorted(seen) == sorted(ids)


def test_the_next_link_keeps_the_filters(call: Call) -> None:
    for i in range(3):
        create(call, firstName=f"Max{i}", address={"street": "s", "zip": "z", "city": "Berlin"})
    response = call("GET", "/employees?limit=1&city=berlin&q=max")
    url = next_url(response)
    assert url is not None
    query = parse_qs(urlsplit(url).query)
    assert (query["limit"], query["city"], query["q"]) == (["1"], ["berlin"], ["max"])
    assert urlsplit(url).path == "/employees"


def test_the_list_defaults_to_50_per_page(call: Call) -> None:
    for i in range(51):
        create(call, lastName=f"L{i:02}")
    response = call("GET", "/employees")
    assert len(body_of(response)) == 50
    assert next_url(response) is not None


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("limit=99999999999999999999", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=WzFd", "cursor"),
        ("city=", "city"),
        ("q=%00", "q"),
    ],
)
def test_out_of_range_limits_and_forged_cursors_are_422(call: Call, query: str, parameter: str) -> None:
    response = call("GET", f"/employees?{query}")
    assert response.status == 422
    assert [error["parameter"] for error in body_of(response)["errors"]] == [parameter]


# Media types, HEAD, OpenAPI


def test_a_non_json_content_type_is_415(call: Call) -> None:
    response = call("POST", "/employees", valid_employee(), {"content-type": "text/plain"})
    assert response.status == 415


def test_head_answers_like_get(call: Call) -> None:
    employee_id = body_of(create(call))["id"]
    for path in ("/employees", f"/employees/{employee_id}", "/openapi.json"):
        head, get = call("HEAD", path), call("GET", path)
        assert (head.status, head.headers) == (get.status, get.headers), path


def test_openapi_json_is_served(call: Call) -> None:
    response = call("GET", "/openapi.json")
    assert response.status == 200
    assert body_of(response)["openapi"] == "3.1.0"
