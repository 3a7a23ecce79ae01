"""Makes a new API key: a random secret for the client, and the `api_keys` entry for the service,
which holds only the secret's SHA-256 (api/access.py).

    python3 deploy/api_key.py ci-deploy writer      (or: make api-key ID=ci-deploy ROLE=writer)
"""

import hashlib
import re
import secrets
import sys

ROLES = ("reader", "writer", "admin")
KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def new_key(key_id: str, role: str) -> tuple[str, str]:
    """(the secret, the api_keys entry for it)."""
    if not KEY_ID.match(key_id):
        raise ValueError("the id must be 1 to 64 letters, digits, - or _")
    if role not in ROLES:
        raise ValueError(f"the role must be one of {', '.join(ROLES)}")
    secret = secrets.token_urlsafe(32)
    return secret, f"{key_id}:{role}:{hashlib.sha256(secret.encode()).hexdigest()}"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} <id> <{'|'.join(ROLES)}>")
    try:
        secret, entry = new_key(sys.argv[1], sys.argv[2])
    except ValueError as error:
        sys.exit(str(error))
    print(f"secret (give it to the client; it is shown once): {secret}")
    print(f"api_keys entry (append to the variable, entries separated by ;): {entry}")
