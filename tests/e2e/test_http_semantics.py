"""ETags, conditional writes under concurrency, idempotent create, paging, media types, HEAD and
the OpenAPI document, against the built component over real HTTP."""

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import jsonschema
from openapi_spec_validator import validate as validate_openapi

from tests.e2e.helpers import new_employee, query
from tests.spin_server import SpinServer


def test_two_puts_with_the_same_etag_race_and_only_one_wins(client: httpx.Client, server: SpinServer) -> None:
    created = client.post("/employees", json=new_employee())
    url, tag = created.headers["location"], created.headers["etag"]

    def put(first_name: str) -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=30.0) as own:
            return own.put(url, json=new_employee(firstName=first_name), headers={"if-match": tag})

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(put, [f"Writer{i}" for i in range(8)]))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [412] * 7
    winner = next(response for response in responses if response.status_code == 200)
    assert client.get(url).json()["firstName"] == winner.json()["firstName"]
    assert client.get(url).headers["etag"] == '"2"'


def test_if_none_match_gives_304_with_the_etag_and_no_body(client: httpx.Client) -> None:
    created = client.post("/employees", json=new_employee())
    response = client.get(created.headers["location"], headers={"if-none-match": created.headers["etag"]})
    assert (response.status_code, response.headers["etag"], response.content) == (304, '"1"', b"")


def test_delete_with_a_stale_etag_is_412_then_with_the_current_one_is_204(client: httpx.Client) -> None:
    created = client.post("/employees", json=new_employee())
    url = created.headers["location"]
    updated = client.put(url, json=new_employee())

    stale = client.delete(url, headers={"if-match": created.headers["etag"]})
    current = client.delete(url, headers={"if-match": updated.headers["etag"]})

    assert (stale.status_code, current.status_code) == (412, 204)


def test_concurrent_posts_with_one_idempotency_key_create_one_employee(
    client: httpx.Client, server: SpinServer
) -> None:
    body, key = new_employee(), str(uuid.uuid4())

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=server.url, timeout=30.0) as own:
            return own.post("/employees", json=body, headers={"idempotency-key": key})

    with ThreadPoolExecutor(max_workers=6) as pool:
        responses = list(pool.map(post, range(6)))

    assert {response.status_code for response in responses} == {201}
    assert len({response.content for response in responses}) == 1
    assert sum(response.headers.get("idempotent-replayed") == "true" for response in responses) == 5
    surname = (body["lastName"],)
    assert query(server.database, "SELECT count(*) FROM employees WHERE last_name = ?", surname) == [(1,)]


def test_an_idempotency_key_reused_with_another_payload_is_422(client: httpx.Client) -> None:
    key = str(uuid.uuid4())
    client.post("/employees", json=new_employee(), headers={"idempotency-key": key})
    response = client.post("/employees", json=new_employee(), headers={"idempotency-key": key})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_following_link_headers_walks_a_filtered_list_exactly_once(client: httpx.Client) -> None:
    city = f"Town-{uuid.uuid4().hex[:8]}"
    ids = {
        client.post(
            "/employees", json=new_employee(address={"street": "s", "zip": "z", "city": city})
        ).json()["id"]
        for _ in range(7)
    }

    seen: list[str] = []
    url: str | None = f"/employees?limit=3&city={city.upper()}"
    pages = 0
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        seen += [row["id"] for row in response.json()]
        link = response.headers.get("link")
        url = link[1 : link.index(">")] if link else None
        pages += 1

    assert pages == 3
    assert sorted(seen) == sorted(ids)


def test_a_limit_out_of_range_is_a_422_naming_the_parameter(client: httpx.Client) -> None:
    response = client.get("/employees?limit=500")
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "limit"


def test_a_non_json_content_type_is_415(client: httpx.Client) -> None:
    response = client.post("/employees", content=b"firstName=Ada", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_json_nested_deeper_than_the_schema_is_400(client: httpx.Client) -> None:
    body = new_employee(address={"street": {"deeper": ["still"]}, "zip": "z", "city": "c"})
    assert client.post("/employees", json=body).status_code == 400


def test_head_sends_the_headers_of_get_without_a_body(client: httpx.Client) -> None:
    created = client.post("/employees", json=new_employee())
    head = client.head(created.headers["location"])
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["etag"] == created.headers["etag"]
    assert head.headers["content-type"] == "application/json"


def test_openapi_json_is_valid_and_describes_real_responses(client: httpx.Client) -> None:
    document: dict[str, Any] = client.get("/openapi.json").json()
    validate_openapi(document)
    schemas = document["components"]["schemas"]

    def check(value: Any, schema: dict[str, Any]) -> None:
        jsonschema.validate(value, {**schema, "components": document["components"]})

    created = client.post("/employees", json=new_employee())
    check(created.json(), schemas["Employee"])
    check(client.get("/employees?limit=5").json(), {"type": "array", "items": schemas["EmployeeSummary"]})
    check(client.post("/employees", json={}).json(), schemas["Problem"])


def test_server_timing_tells_database_time_statements_and_the_rest(client: httpx.Client) -> None:
    created = client.post("/employees", json=new_employee())
    fetched = client.get(created.headers["location"])

    timing = re.fullmatch(
        r'db;dur=(\d+\.\d{3});desc="(\d+) statements?", app;dur=(-?\d+\.\d{3})',
        fetched.headers["server-timing"],
    )
    assert timing is not None, fetched.headers["server-timing"]
    assert timing.group(2) == "1"  # a read is one SELECT, the schema-version check folded in
    assert float(timing.group(1)) > 0
    write = re.search(r'desc="(\d+) statements"', created.headers["server-timing"])
    assert write is not None
