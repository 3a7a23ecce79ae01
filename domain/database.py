"""The database port: the one thing commands and queries know about storage.

In the component it is Spin's SQLite connection (see app.py); on CPython it is `sqlite3`
(tests/native_db.py). Both raise the errors below, so callers handle storage failures by category,
never by a host's message text.
"""

import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, Protocol

Value = int | float | str | bytes | None
# Columns come back as the STRICT tables declare them; callers unpack rows by position.
Row = tuple[Any, ...]


class Database(Protocol):
    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        """Run one SQL statement and return its rows (empty for statements without rows)."""
        ...


class DatabaseError(Exception):
    """A statement failed for a reason the caller cannot fix by changing its input."""


class SchemaMissing(DatabaseError):
    """The tables are not there: migrations.sql has not been applied to this database."""


class DatabaseBusy(DatabaseError):
    """Another writer held the lock for longer than the busy timeout."""


class DatabaseUnavailable(DatabaseError):
    """The host has no database for our label, or does not let this component open it."""


def error_from_message(message: str) -> DatabaseError:
    """Categorize a SQLite error by the SQLite text that every host passes through."""
    text = message.lower()
    if "no such table" in text:
        return SchemaMissing(message)
    if "database is locked" in text or "database is busy" in text:
        return DatabaseBusy(message)
    return DatabaseError(message)


_in_transaction: "weakref.WeakSet[Database]" = weakref.WeakSet()


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    """Run the block as one all-or-nothing write transaction. Inside another transaction on the
    same database it joins that one, so a caller can make a command part of a larger write."""
    if db in _in_transaction:
        yield
        return
    # Both are no-ops inside a transaction, so they go first. Spin's SQLite enables foreign keys
    # by default, but other hosts (libSQL, plain SQLite) do not. secure_delete zeroes what a write
    # removes, so an erased person's data does not linger in free pages of the file.
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")
    # IMMEDIATE takes the write lock now: a deferred transaction that upgrades later can fail
    # with SQLITE_BUSY in a way no busy timeout resolves.
    db.execute("BEGIN IMMEDIATE")
    _in_transaction.add(db)
    try:
        yield
    except BaseException:
        with suppress(DatabaseError):  # SQLite may have rolled back by itself already
            db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")
    finally:
        _in_transaction.discard(db)
