"""API keys with roles (the Spin variable api_keys): every route against every kind of caller, bad
Authorization headers, keys off, a misconfigured variable, and the actor each event records."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from api.access import Role
from api.routes import OPENAPI, ROUTES
from deploy.api_key import new_key
from tests.native_db import NativeDatabase, RecordingDatabase
from tests.support import (
    API_KEYS,
    CALLERS,
    EXPECTED,
    SECRETS,
    Call,
    authorization,
    body_of,
    send,
    snapshot,
    valid_employee,
)
from web.routing import Route

ROOT = Path(__file__).resolve().parents[2]


def existing_employee(db: NativeDatabase) -> str:
    created = send(db, "POST", "/employees", valid_employee(), authorization("writer"), api_keys=API_KEYS)
    location: str = created.headers["location"]
    return location


def request_for(route: tuple[str, str], location: str) -> tuple[str, str, object]:
    method, pattern = route
    uri = pattern.replace("/employees/{id}", location)
    return method, uri, valid_employee(firstName="Grace") if method in ("POST", "PUT") else None


def test_every_route_has_an_expectation() -> None:
    assert {(route.method, route.pattern) for route in ROUTES} == EXPECTED.keys()


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("route", EXPECTED, ids=lambda route: f"{route[0]} {route[1]}")
def test_each_route_answers_each_caller_as_its_role_allows(
    db: NativeDatabase, route: tuple[str, str], caller: str
) -> None:
    method, uri, body = request_for(route, existing_employee(db))
    before = snapshot(db)
    response = send(db, method, uri, body, authorization(caller), api_keys=API_KEYS)
    expected = EXPECTED[route][CALLERS.index(caller)]
    assert response.status == expected
    if expected in (401, 403):
        assert snapshot(db) == before
        assert response.headers["content-type"] == "application/problem+json"
    if expected == 401:
        assert response.headers["www-authenticate"] == "Bearer"


def test_an_unknown_key_and_a_wrong_secret_get_the_same_answer(db: NativeDatabase) -> None:
    """A request names no key id, only a secret: a secret one character off from a real one is
    answered exactly as one that resembles nothing, and as no key at all."""
    near_miss = SECRETS["admin"][:-1] + "X"
    answers = [
        send(db, "GET", "/employees", None, headers, api_keys=API_KEYS)
        for headers in ({"authorization": f"Bearer {near_miss}"}, authorization("unknown key"), {})
    ]
    assert {(answer.status, answer.body, tuple(sorted(answer.headers.items()))) for answer in answers} == {
        (answers[0].status, answers[0].body, tuple(sorted(answers[0].headers.items())))
    }


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        f"Basic {SECRETS['writer']}",
        f"Bearer{SECRETS['writer']}",
        f"Bearer {SECRETS['writer']}x",
        f"Bearer {SECRETS['writer']}é",
        f"Token {SECRETS['writer']}",
        "Bearer " + "A" * 100_000,
        f"Bearer {SECRETS['writer']}" + " " * 600,
    ],
    ids=[
        "no-secret",
        "blank-secret",
        "basic",
        "no-space",
        "longer",
        "non-ascii",
        "token",
        "100-kb",
        "padded",
    ],
)
def test_a_malformed_or_oversized_authorization_header_is_401_and_writes_nothing(
    db: NativeDatabase, header: str
) -> None:
    before = snapshot(db)
    response = send(db, "POST", "/employees", valid_employee(), {"authorization": header}, api_keys=API_KEYS)
    assert response.status == 401
    assert snapshot(db) == before


def test_the_scheme_is_case_insensitive(db: NativeDatabase) -> None:
    headers = {"authorization": f"bearer {SECRETS['writer']}"}
    assert send(db, "POST", "/employees", valid_employee(), headers, api_keys=API_KEYS).status == 201


def test_with_keys_on_the_admin_token_is_not_a_key(db: NativeDatabase) -> None:
    headers = {"authorization": "Bearer admin-token"}
    response = send(db, "GET", "/admin/projections", None, headers, "admin-token", API_KEYS)
    assert response.status == 401


@pytest.mark.parametrize("setting", [None, "", " ; "], ids=["unset", "empty", "only-separators"])
def test_with_keys_off_the_api_is_open_and_the_admin_routes_follow_admin_token(
    call: Call, setting: str | None
) -> None:
    created = call("POST", "/employees", valid_employee(), api_keys=setting)
    assert created.status == 201
    assert call("GET", created.headers["location"], api_keys=setting).status == 200
    assert call("GET", "/admin/projections", api_keys=setting).status == 404
    token = {"authorization": "Bearer admin-token"}
    assert call("GET", "/admin/projections", admin_token="admin-token", api_keys=setting).status == 401
    assert call("GET", "/admin/projections", None, token, "admin-token", setting).status == 200


@pytest.mark.parametrize(
    "setting",
    [
        "ci:writer",
        "ci:owner:" + "0" * 64,
        "ci:writer:" + "0" * 63,
        "ci:writer:" + "A" * 64,
        "c i:writer:" + "0" * 64,
        f"ci:writer:{'0' * 64};ci:reader:{'1' * 64}",
    ],
    ids=["two-parts", "unknown-role", "short-digest", "uppercase-digest", "space-in-id", "duplicate-id"],
)
@pytest.mark.parametrize("path", ["/employees", "/healthz", "/openapi.json"])
def test_a_malformed_api_keys_variable_fails_closed_and_says_which_entry(
    db: NativeDatabase, setting: str, path: str
) -> None:
    response = send(db, "GET", path, None, authorization("writer"), api_keys=setting)
    assert response.status == 503
    problem = body_of(response)
    assert problem["type"] == "/problems/misconfigured"
    assert "0" * 20 not in problem["detail"]  # a configured digest is never echoed


def test_each_event_records_the_key_that_caused_it_and_erasure_keeps_it(db: NativeDatabase) -> None:
    writer, admin = authorization("writer"), authorization("admin")
    location = send(db, "POST", "/employees", valid_employee(), writer, api_keys=API_KEYS).headers["location"]
    assert send(db, "PUT", location, valid_employee(lastName="King"), admin, api_keys=API_KEYS).status == 200
    assert send(db, "DELETE", location, None, writer, api_keys=API_KEYS).status == 204

    history = body_of(
        send(db, "GET", f"{location}/history", None, authorization("reader"), api_keys=API_KEYS)
    )
    assert [(entry["type"], entry["actor"], entry["erased"]) for entry in history] == [
        ("EmployeeCreated", "writer-key", True),
        ("EmployeeUpdated", "admin-key", True),
        ("EmployeeDeleted", "writer-key", False),
    ]


def test_with_keys_off_events_have_no_actor(call: Call) -> None:
    location = call("POST", "/employees", valid_employee()).headers["location"]
    assert [entry["actor"] for entry in body_of(call("GET", f"{location}/history"))] == [None]


def test_a_read_with_keys_on_is_still_one_statement(db: NativeDatabase) -> None:
    location = existing_employee(db)
    recording = RecordingDatabase(db)
    for path in ("/employees", location, f"{location}/history"):
        send(recording, "GET", path, None, authorization("reader"), api_keys=API_KEYS)
    assert len(recording.statements) == 3


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: f"{route.method} {route.pattern}")
def test_the_openapi_document_states_each_operations_security_from_the_route_table(route: Route[Any]) -> None:
    operation = OPENAPI["paths"][route.pattern][route.method.lower()]
    if route.requires is None:
        assert "security" not in operation
        assert "401" not in operation["responses"]
        return
    assert operation["security"][0] == {"apiKey": [Role(route.requires).name.lower()]}
    assert {"401", "403"} <= operation["responses"].keys()


def test_make_api_key_prints_a_secret_and_an_entry_that_authenticates(db: NativeDatabase) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "deploy.api_key", "ci-deploy", "writer"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    secret, entry = printed[0].rsplit(" ", 1)[1], printed[1].rsplit(" ", 1)[1]
    assert entry.startswith("ci-deploy:writer:")
    assert secret not in entry
    headers = {"authorization": f"Bearer {secret}"}
    assert send(db, "POST", "/employees", valid_employee(), headers, api_keys=entry).status == 201


@pytest.mark.parametrize(("key_id", "role"), [("has space", "writer"), ("ci", "owner"), ("x" * 65, "admin")])
def test_a_key_is_not_made_for_a_bad_id_or_role(key_id: str, role: str) -> None:
    with pytest.raises(ValueError, match="must be"):
        new_key(key_id, role)
