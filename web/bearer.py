"""Bearer tokens (RFC 6750): does the Authorization header carry this secret? Compared in constant
time, so the answer's timing tells nothing of how much of a guess was right."""

import hmac


class Unauthorized(Exception):
    """The Authorization header does not carry the expected bearer token (HTTP 401)."""


def bearer_token(authorization: str | None) -> str | None:
    """The token of a `Bearer <token>` header (the scheme in any case), else None."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def require_bearer(authorization: str | None, secret: str, name: str = "the token") -> None:
    """Pass if the header is `Bearer <secret>`; Unauthorized, naming what to send, if not."""
    presented = bearer_token(authorization)
    if presented is None or not hmac.compare_digest(presented.encode(), secret.encode()):
        raise Unauthorized(f"send {name} as `Authorization: Bearer <token>`")
