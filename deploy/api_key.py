"""Makes a new API key: a random secret for the client, and the `api_keys` entry for the service,
which holds only the secret's SHA-256 (api/access.py).

    python3 -m deploy.api_key ci-deploy writer      (or: make api-key ID=ci-deploy ROLE=writer)

What an id and a role may be is api/access.py's, the parser of the entries this prints.
"""

import hashlib
import re
import secrets
import sys

from api.access import KEY_ID, ROLES


def new_key(key_id: str, role: str) -> tuple[str, str]:
    """(the secret, the api_keys entry for it)."""
    if not re.fullmatch(KEY_ID, key_id):
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
