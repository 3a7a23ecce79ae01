"""The Spin HTTP component's entry point and wiring: Spin's request, SQLite database and variables
in; the service's response, with a Server-Timing header, out. The service itself is api.service."""

import time

from spin_sdk import http, variables
from spin_sdk.http import Request as SpinRequest
from spin_sdk.http import Response as SpinResponse
from spin_sdk.wit.types import Err

from api.service import handle
from storage.database import Erasure, Misconfigured
from storage.spin_sqlite import SpinDatabase
from web.http import Request


def erasure() -> Erasure:
    """The Spin variable `erasure` (spin.toml): "overwrite" unless the database is a libSQL server."""
    try:
        return Erasure.named(variables.get("erasure"))
    except Err:
        raise Misconfigured("The component has no variable erasure; see spin.toml.") from None


def admin_token() -> str | None:
    """The Spin variable `admin_token`; empty or undefined means the admin routes are off."""
    try:
        return variables.get("admin_token") or None
    except Err:
        return None


class IncomingHandler(http.IncomingHandler):
    """Spin's entry point: one call per HTTP request."""

    def handle_request(self, request: SpinRequest) -> SpinResponse:
        started = time.perf_counter()
        db = SpinDatabase(erasure)
        try:
            response = handle(
                Request.of(request.method, request.uri, request.headers, request.body), db, admin_token
            )
        finally:
            db.close()
        headers = {**response.headers, "server-timing": server_timing(db, time.perf_counter() - started)}
        return SpinResponse(response.status, headers, response.body)


def server_timing(db: SpinDatabase, seconds: float) -> str:
    """Where the request's time went inside the component: SQLite calls, and everything else."""
    database_ms, total_ms = db.seconds * 1000, seconds * 1000
    statements = f"{db.statements} statement{'' if db.statements == 1 else 's'}"
    return f'db;dur={database_ms:.3f};desc="{statements}", app;dur={total_ms - database_ms:.3f}'
