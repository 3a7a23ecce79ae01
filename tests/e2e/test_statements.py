"""How many SQL statements each request sends, read from the Server-Timing header the component adds.

Under Spin every statement is a call into the host on a connection opened for that request, so the
count is the main cost the code controls: every read is one statement, schema check included."""

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.helpers import new_employee, statements
from tests.spin_server import SpinServer, serving

TOKEN = "statements-admin-token"


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpinServer]:
    with serving(tmp_path_factory.mktemp("statements"), env={"SPIN_VARIABLE_ADMIN_TOKEN": TOKEN}) as running:
        yield running


@pytest.fixture(scope="module")
def employee(admin_server: SpinServer) -> httpx.Response:
    for _ in range(3):
        httpx.post(f"{admin_server.url}/employees", json=new_employee(firstName="Mary"))
    return httpx.post(f"{admin_server.url}/employees", json=new_employee(firstName="Ada"))


READS = [
    "/employees",
    "/employees?limit=2",
    "/employees?city=arlington&q=ada",
    "/employees?q=a-name-longer-than-ten-characters",
    "/employees?city=Nowhere",
    "/employees/{id}",
    "/employees/{id}/history",
    "/employees/00000000-0000-4000-8000-000000000000",
    "/employees/00000000-0000-4000-8000-000000000000/history",
    "/admin/projections",
    "/healthz",
]


@pytest.mark.parametrize("path", READS)
def test_every_read_is_one_sql_statement(
    admin_server: SpinServer, employee: httpx.Response, path: str
) -> None:
    url = admin_server.url + path.replace("{id}", employee.json()["id"])
    response = httpx.get(url, headers={"authorization": f"Bearer {TOKEN}"})

    assert response.status_code in (200, 404)
    assert statements(response) == 1


def test_a_second_page_and_a_not_modified_answer_are_one_statement_each(
    admin_server: SpinServer, employee: httpx.Response
) -> None:
    first = httpx.get(f"{admin_server.url}/employees?limit=2")
    second = httpx.get(admin_server.url + first.links["next"]["url"])
    unchanged = httpx.get(
        f"{admin_server.url}/employees/{employee.json()['id']}",
        headers={"if-none-match": employee.headers["etag"]},
    )

    assert (second.status_code, unchanged.status_code) == (200, 304)
    assert statements(second) == statements(unchanged) == 1


def test_the_openapi_document_needs_no_database(admin_server: SpinServer) -> None:
    assert statements(httpx.get(f"{admin_server.url}/openapi.json")) == 0
