"""The whole service behind one function: a request and a database in, a response out. Independent
of Spin, so the unit tests call it directly on CPython."""

from collections.abc import Callable

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
