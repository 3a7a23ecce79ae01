"""The whole service behind one function: a request and a database in, a response out. Independent
of Spin, so the unit tests call it directly on CPython; `serve` is what both Spin entry points
(app.py for WASIp2, app_p3.py for WASIp3) call."""

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol

from api import admin
from api.access import ApiKey, Role, api_keys, authenticate, require
from api.endpoint import Endpoint
from api.problems import problem_for
from api.routes import ROUTER
from storage.database import Database
from web.http import Request, Response
from web.routing import MethodNotAllowed, NoRoute, Route

Variable = Callable[[str], str | None]  # a Spin variable of the component, None when undefined
VARIABLES = ("admin_token", "api_keys", "erasure")  # every one the service reads (spin.toml)


def optional_variables(get: Callable[[str], str], undefined: type[Exception]) -> Variable:
    """An SDK's variables getter, answering None where it raises `undefined` for a variable the
    component does not define."""

    def variable(name: str) -> str | None:
        try:
            return get(name)
        except undefined:
            return None

    return variable


def handle(request: Request, db: Database, variable: Variable = lambda name: None) -> Response:
    """Answer one request. Each endpoint checks the schema version itself: a read in its one
    statement, a write inside its transaction."""
    try:
        keys = api_keys(variable("api_keys"))
        if not keys and request.path.startswith(admin.PREFIX):
            admin.authorize(request, variable("admin_token") or None)
        route, params = resolve(request, keys)
        if keys and route.requires is not None:
            key = authenticate(request.headers.get("authorization"), keys)
            require(key, Role(route.requires))
            request = replace(request, principal=key.id)
        return route.handler(request, db, params)
    except Exception as error:
        return problem_for(error, request)


def resolve(request: Request, keys: tuple[ApiKey, ...]) -> tuple[Route[Endpoint], dict[str, str]]:
    """The request's route. With keys on, a caller without a valid key learns nothing of which
    other paths and methods exist: it gets 401 where it would have got 404 or 405."""
    try:
        return ROUTER.resolve(request.method, request.path)
    except (NoRoute, MethodNotAllowed):
        if keys:
            authenticate(request.headers.get("authorization"), keys)
        raise


class MeteredDatabase(Database, Protocol):
    """A database that counts the statements of one request and their time."""

    statements: int
    seconds: float


def serve(request: Request, db: MeteredDatabase, variable: Variable) -> Response:
    """Answer one request as a Spin entry point does, with a Server-Timing header saying where the
    time went."""
    started = time.perf_counter()
    response = handle(request, db, variable)
    timing = server_timing(db, time.perf_counter() - started)
    return Response(response.status, {**response.headers, "server-timing": timing}, response.body)


def server_timing(db: MeteredDatabase, seconds: float) -> str:
    """The time in SQLite calls, and everything else inside the component."""
    database_ms, total_ms = db.seconds * 1000, seconds * 1000
    statements = f"{db.statements} statement{'' if db.statements == 1 else 's'}"
    return f'db;dur={database_ms:.3f};desc="{statements}", app;dur={total_ms - database_ms:.3f}'
