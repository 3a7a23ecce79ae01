"""Bearer-token access to the admin routes: hidden (404) while no token is configured, 401
without the right token, compared in constant time."""

import hmac


class AdminDisabled(Exception):
    """No admin token is configured: the admin routes do not exist (HTTP 404)."""


class Unauthorized(Exception):
    """The Authorization header does not carry the admin token (HTTP 401)."""


def authorize(authorization: str | None, admin_token: str | None) -> None:
    if not admin_token:
        raise AdminDisabled()
    scheme, _, presented = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        presented.strip().encode(), admin_token.encode()
    ):
        raise Unauthorized("send the admin token as `Authorization: Bearer <token>`")
