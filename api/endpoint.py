"""What every endpoint is: a function of the request, the database and the path parameters; and
the request's correlation id, which ties its events and its log lines together."""

import re
import uuid
from collections.abc import Callable, Mapping

from storage.database import Database
from storage.event_log import Metadata
from web.http import Request, Response

Endpoint = Callable[[Request, Database, Mapping[str, str]], Response]

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def correlation_id(request: Request) -> str:
    """The W3C trace id of the request, else its X-Request-Id if that is a plain token, else new."""
    trace = _TRACEPARENT.match(request.headers.get("traceparent", "").strip())
    if trace and trace.group(1) != "0" * 32:
        return trace.group(1)
    given = request.headers.get("x-request-id", "")
    return given if _SAFE_REQUEST_ID.match(given) else str(uuid.uuid4())


def metadata(request: Request) -> Metadata:
    return Metadata(correlation_id(request), actor=request.principal)
