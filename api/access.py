"""Who may call what: API keys with roles, from the secret Spin variable `api_keys`.

The variable holds entries separated by `;`, each `id:role:sha256hex`: a short public key id, a
role (reader, writer or admin) and the SHA-256 of the secret key in lowercase hex; the secret itself
is stored nowhere. A client sends the secret as `Authorization: Bearer <secret>`. The request names
no key id, so an unknown key and a wrong secret are one and the same case: the digest matches no
entry. Every entry is compared, in constant time, whatever matched before it. Unset or empty, keys
are off and the API is open (for local use only), as it was before keys existed.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import IntEnum

from storage.database import Misconfigured
from web.bearer import Unauthorized, bearer_token

MAX_AUTHORIZATION = 512  # a bearer secret of this service is 43 characters; refuse megabytes unread
KEY_ID = r"[A-Za-z0-9_-]{1,64}"  # a key's public id, as deploy/api_key.py makes them too


class Role(IntEnum):
    """Each role may do what the ones below it may."""

    READER = 1  # GET
    WRITER = 2  # and POST, PUT, DELETE on employees
    ADMIN = 3  # and the admin routes


ROLES = tuple(role.name.lower() for role in Role)
_ENTRY = re.compile(rf"^({KEY_ID}):({'|'.join(ROLES)}):([0-9a-f]{{64}})$")


class Forbidden(Exception):
    """The key is valid, but its role is below what the route needs (HTTP 403)."""


@dataclass(frozen=True)
class ApiKey:
    id: str
    role: Role
    digest: bytes  # SHA-256 of the secret


def api_keys(setting: str | None) -> tuple[ApiKey, ...]:
    """The keys the Spin variable configures; none (keys off) when it is unset or empty.
    Misconfigured, naming the entry's position and never its text, for a malformed entry."""
    entries = [entry.strip() for entry in (setting or "").split(";") if entry.strip()]
    keys = []
    for position, entry in enumerate(entries, start=1):
        found = _ENTRY.match(entry)
        if found is None:
            raise Misconfigured(
                f"Entry {position} of the Spin variable api_keys is not id:role:sha256hex"
                " (role reader, writer or admin; 64 lowercase hex digits)."
            )
        key_id, role, digest = found.groups()
        keys.append(ApiKey(key_id, Role[role.upper()], bytes.fromhex(digest)))
    if len({key.id for key in keys}) != len(keys):
        raise Misconfigured("Two entries of the Spin variable api_keys have the same id.")
    return tuple(keys)


def authenticate(authorization: str | None, keys: tuple[ApiKey, ...]) -> ApiKey:
    """The key whose secret the header carries; Unauthorized, always in the same words, if none."""
    secret = _bearer_secret(authorization)
    digest = hashlib.sha256(secret.encode()).digest()
    found = None
    for key in keys:  # no early exit: the time taken does not depend on which entry matched
        if hmac.compare_digest(digest, key.digest):
            found = key
    if found is None or not secret:
        raise Unauthorized("send an API key of this service as `Authorization: Bearer <key>`")
    return found


def require(key: ApiKey, role: Role) -> None:
    if key.role < role:
        raise Forbidden(
            f"the API key {key.id!r} is a {key.role.name.lower()}; this needs {role.name.lower()}"
        )


def _bearer_secret(authorization: str | None) -> str:
    """The secret of a well-formed `Bearer <secret>` header, else "" (which matches no key)."""
    if authorization is None or len(authorization) > MAX_AUTHORIZATION:
        return ""
    secret = bearer_token(authorization)
    return secret if secret is not None and secret.isascii() else ""
