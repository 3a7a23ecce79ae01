"""The whole service behind one function: a request and a database in, a response out. Independent
of Spin, so the unit tests call it directly on CPython; `serve` is what both Spin entry points
(app.py for WASIp2, app_p3.py for WASIp3) call."""

import time
from collections.abc import Callable
from typing import Protocol

from api import admin
from api.problems import problem_for
from api.routes import ROUTER
from storage.database import Database
from web.http import Request, Response


def handle(request: Request, db: Database, admin_token: Callable[[], str | None] = lambda: None) -> Response:
    """Answer one request. `admin_token` is asked for only when an admin route is requested. Each
    endpoint checks the schema version itself: a read in its one statement, a write inside its
    transaction."""
    try:
        if request.path.startswith(admin.PREFIX):
            admin.authorize(request, admin_token())
        endpoint, params = ROUTER.resolve(request.method, request.path)
        return endpoint(request, db, params)
    except Exception as error:
        return problem_for(error, request)


class MeteredDatabase(Database, Protocol):
    """A database that counts its statements and their time, and is closed after the request."""

    statements: int
    seconds: float

    def close(self) -> None: ...


def serve(request: Request, db: MeteredDatabase, variable: Callable[[str], str | None]) -> Response:
    """Answer one request as a Spin entry point does: the admin token from the Spin variables, the
    database closed afterwards, and a Server-Timing header saying where the time went."""
    started = time.perf_counter()
    try:
        response = handle(request, db, lambda: variable("admin_token") or None)
    finally:
        db.close()
    timing = server_timing(db, time.perf_counter() - started)
    return Response(response.status, {**response.headers, "server-timing": timing}, response.body)


def server_timing(db: MeteredDatabase, seconds: float) -> str:
    """The time in SQLite calls, and everything else inside the component."""
    database_ms, total_ms = db.seconds * 1000, seconds * 1000
    statements = f"{db.statements} statement{'' if db.statements == 1 else 's'}"
    return f'db;dur={database_ms:.3f};desc="{statements}", app;dur={total_ms - database_ms:.3f}'
