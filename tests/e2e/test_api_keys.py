"""API keys against the built component over HTTP: the server gets the Spin variable api_keys
from SPIN_VARIABLE_API_KEYS, as `spin up` does; every route answers every kind of caller as its
role allows, bad Authorization headers are 401 with the database file unchanged, and the history
names the key behind each event, also after the employee's data is erased. (A header larger than
the host itself accepts never reaches the component: Node's server, under the local host, resets
the connection above 16 KiB; the unit tests send the component 100 KB.)"""

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.helpers import new_employee
from tests.spin_server import SpinServer, serving
from tests.support import API_KEYS, CALLERS, EXPECTED, SECRETS, authorization, snapshot


@pytest.fixture(scope="module")
def keyed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpinServer]:
    with serving(tmp_path_factory.mktemp("keys"), env={"SPIN_VARIABLE_API_KEYS": API_KEYS}) as running:
        yield running


def create(server: SpinServer) -> str:
    response = httpx.post(f"{server.url}/employees", json=new_employee(), headers=authorization("writer"))
    assert response.status_code == 201
    return response.headers["location"]


@pytest.mark.parametrize("route", EXPECTED, ids=lambda route: f"{route[0]} {route[1]}")
def test_each_route_answers_each_caller_as_its_role_allows(keyed: SpinServer, route: tuple[str, str]) -> None:
    method, pattern = route
    answers = []
    for caller in CALLERS:
        uri = pattern.replace("/employees/{id}", create(keyed))
        body = new_employee() if method in ("POST", "PUT") else None
        before = snapshot(keyed.database)
        response = httpx.request(method, f"{keyed.url}{uri}", json=body, headers=authorization(caller))
        answers.append(response.status_code)
        if response.status_code in (401, 403):
            assert snapshot(keyed.database) == before, caller
    assert tuple(answers) == EXPECTED[route]


@pytest.mark.parametrize(
    "header",
    ["Bearer", f"Basic {SECRETS['writer']}", f"Bearer {SECRETS['writer']}x", "Bearer " + "A" * 8_000],
    ids=["no-secret", "basic", "longer", "8-kb"],
)
def test_a_malformed_or_oversized_authorization_header_is_401_and_writes_nothing(
    keyed: SpinServer, header: str
) -> None:
    before = snapshot(keyed.database)
    response = httpx.post(f"{keyed.url}/employees", json=new_employee(), headers={"authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert snapshot(keyed.database) == before


def test_the_history_names_the_key_behind_each_event_after_erasure_too(keyed: SpinServer) -> None:
    location = create(keyed)
    url = f"{keyed.url}{location}"
    assert httpx.put(url, json=new_employee(), headers=authorization("admin")).status_code == 200
    assert httpx.delete(url, headers=authorization("writer")).status_code == 204
    history = httpx.get(f"{url}/history", headers=authorization("reader")).json()
    assert [(entry["actor"], entry["erased"]) for entry in history] == [
        ("writer-key", True),
        ("admin-key", True),
        ("writer-key", False),
    ]
