"""The WASIp3 entry point (Spin 4.1+; spin-sdk 5): the same service as app.py behind an async
`wasi:http/handler@0.3.0` export. SQLite and variables go through the synchronous
`fermyon:spin/*@2.0.0` interfaces that Spin 4.1 still provides, so the service stays synchronous.

An instance keeps one SQLite connection for all its requests, which spares each the open and
SQLite's reading of the schema (GET by id 1.4 -> 1.0 ms, a create 4.6 -> 3.7 ms on Spin 4.1).

An instance reads its Spin variables once, on its first request, and keeps them: Spin retires a
WASIp3 instance after 128 requests or 1 s idle by default, so a changed variable takes effect
within that. Why not per request: Spin's environment-variable provider blocks in place
(`tokio::task::block_in_place` in crates/variables-env), which hands the host thread's scheduler
core to another thread. A response returned from that same poll then wakes Spin's HTTP server on
another thread before the body is piped, the head leaves alone, and without TCP_NODELAY the body
waits ~40 ms for the client's delayed ACK (docs/where-it-runs.md, "One write per response")."""

from componentize_py_types import Err
from spin_sdk import http
from spin_sdk.http import Request as SpinRequest
from spin_sdk.http import Response as SpinResponse
from spin_sdk.wit.imports import fermyon_spin_variables_2_0_0 as variables
from spin_sdk.wit.imports import wasi_clocks_monotonic_clock_0_3_0 as monotonic_clock

from api.service import VARIABLES, optional_variables, serve
from storage.spin_sqlite import SpinConnection, SpinDatabase
from web.http import Request

variable = optional_variables(variables.get, Err)
settings: dict[str, str | None] = {}  # this instance's variables, read by its first request
connection = SpinConnection()  # this instance's, opened by its first statement


class HttpHandler(http.Handler):
    """Spin may reuse one instance for many requests, and run several at once: nothing here
    outlives a request but `settings` and `connection`, and the service has no await, so
    requests never interleave inside it, nor on the connection."""

    async def handle_request(self, request: SpinRequest) -> SpinResponse:
        if not settings:
            await read_settings()
        own = Request.of(request.method, request.uri, request.headers, request.body)
        db = SpinDatabase(settings.get, connection)
        response = serve(own, db, settings.get)
        if db.failed:  # a failed COMMIT or ROLLBACK can leave it inside a transaction
            connection.close()
        return SpinResponse(response.status, response.headers, response.body)


async def read_settings() -> None:
    """Reads every variable the service uses, then waits on a timer: the only wait that gives the
    host's scheduler back (measured; `asyncio.sleep(0)` and a zero wait do not), so the rest of the
    request runs in a poll that keeps its core. Tokio rounds the 1 ns up to its 1 ms tick."""
    settings.update({name: variable(name) for name in VARIABLES})
    await monotonic_clock.wait_for(1)
