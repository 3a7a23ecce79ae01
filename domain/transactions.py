"""Write transactions: all or nothing, on a database whose schema this code serves."""

import weakref
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from domain.database import Database, DatabaseError, Erasure
from domain.migrations import require_current_schema

_in_transaction: "weakref.WeakSet[Database]" = weakref.WeakSet()


@contextmanager
def transaction(db: Database) -> Iterator[None]:
    """Run the block as one all-or-nothing write transaction, after checking the schema version
    inside it (SchemaOutdated), so no migration can come between the check and the writes. Inside
    another transaction on the same database it joins that one, so a caller can make a command
    part of a larger write."""
    if db in _in_transaction:
        yield
        return
    if db.erasure is Erasure.OVERWRITE:
        # Per connection: SQLite then zeroes what the writes remove, so an erased person's data
        # does not linger in free pages of the file.
        db.execute("PRAGMA secure_delete = ON")
    # IMMEDIATE takes the write lock now: a deferred transaction that upgrades later can fail
    # with SQLITE_BUSY in a way no busy timeout resolves.
    db.execute("BEGIN IMMEDIATE")
    _in_transaction.add(db)
    try:
        require_current_schema(db)
        yield
    except BaseException:
        with suppress(DatabaseError):  # SQLite may have rolled back by itself already
            db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")
    finally:
        _in_transaction.discard(db)
