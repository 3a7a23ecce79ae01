"""A declarative route table: (method, path pattern, handler, OpenAPI operation), resolved to a
handler or to the reason there is none (404 for an unknown path, 405 with the allowed methods for a
known one). Each route carries its OpenAPI operation, so one list both serves and documents."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

Handler = TypeVar("Handler")

_PARAMETER = re.compile(r"\{(\w+)\}")


class NoRoute(Exception):
    """No route has this path."""

    def __init__(self, path: str) -> None:
        super().__init__(f"nothing is served at {path}")


class MethodNotAllowed(Exception):
    """Routes have this path, but not with this method."""

    def __init__(self, method: str, allowed: list[str]) -> None:
        super().__init__(f"{method} is not allowed here; use {', '.join(allowed)}")
        self.allowed = allowed


@dataclass(frozen=True)
class Route(Generic[Handler]):
    method: str
    pattern: str  # "/employees/{id}": each {name} matches one non-empty path segment
    handler: Handler
    operation: Mapping[str, Any] = field(default_factory=dict, compare=False)  # OpenAPI 3.1
    requires: int | None = None  # the access level a caller needs (the service's roles); None: open
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        regex = _PARAMETER.sub(r"(?P<\1>[^/]+)", self.pattern)
        object.__setattr__(self, "_regex", re.compile(f"^{regex}$"))

    def match(self, path: str) -> dict[str, str] | None:
        found = self._regex.match(path)
        return found.groupdict() if found else None


class Router(Generic[Handler]):
    def __init__(self, routes: Sequence[Route[Handler]]) -> None:
        self.routes = routes

    def resolve(self, method: str, path: str) -> tuple[Route[Handler], dict[str, str]]:
        """The route for this request and the path parameters it gets. HEAD runs the GET route:
        the server sends its headers and drops the body (RFC 9110, 9.3.2)."""
        wanted = "GET" if method == "HEAD" else method
        allowed: list[str] = []
        for route in self.routes:
            params = route.match(path)
            if params is None:
                continue
            if route.method == wanted:
                return route, params
            allowed += ["GET", "HEAD"] if route.method == "GET" else [route.method]
        if allowed:
            raise MethodNotAllowed(method, allowed)
        raise NoRoute(path)
