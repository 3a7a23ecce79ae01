"""What many tests share: running a command the way an endpoint does."""

from collections.abc import Callable
from typing import Any, TypeVar

from storage.database import Database
from storage.transaction import transaction

Result = TypeVar("Result")


def run_command(db: Database, handler: Callable[..., Result], command: object, *more: Any) -> Result:
    """Run one command in a transaction of its own, as an endpoint does: `handler(command, tx, *more)`."""
    with transaction(db) as tx:
        return handler(command, tx, *more)
