"""A request and a response as the service sees them, independent of any Spin SDK: the entry point
converts the SDK's own types at the boundary."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"


@dataclass
class Request:
    method: str
    uri: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes | None = None
    principal: str | None = None  # who sent it, once authenticated

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path

    @property
    def query(self) -> str:
        return urlsplit(self.uri).query

    @classmethod
    def of(cls, method: str, uri: str, headers: Mapping[str, str], body: bytes | None) -> "Request":
        """A request with its header names in lower case, as HTTP compares them."""
        return cls(method, uri, {name.lower(): value for name, value in headers.items()}, body)


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def json_response(status: int, document: object, headers: Mapping[str, str] | None = None) -> Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, {"content-type": JSON, **(headers or {})}, body)


def problem_response(
    status: int,
    title: str,
    detail: str,
    kind: str = "about:blank",
    headers: Mapping[str, str] | None = None,
    members: Mapping[str, object] | None = None,
) -> Response:
    """An RFC 9457 problem details response."""
    document = {"type": kind, "title": title, "status": status, "detail": detail, **(members or {})}
    return json_response(status, document, {**(headers or {}), "content-type": PROBLEM_JSON})
