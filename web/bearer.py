"""Bearer tokens (RFC 6750): does the Authorization header carry this secret? Compared in constant
time, so the answer's timing tells nothing of how much of a guess was right."""

import hmac


class Unauthorized(Exception):
    """The Authorization header does not carry the expected bearer token (HTTP 401)."""


def require_bearer(authorization: str | None, secret: str, name: str = "the token") -> None:
    """Pass if the header is `Bearer <secret>`; Unauthorized, naming what to send, if not."""
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), secret.encode()):
        raise Unauthorized(f"send {name} as `Authorization: Bearer <token>`")
