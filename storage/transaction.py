"""Write transactions, the unit of work: everything a command writes commits together or not at all.

Commands take a `Transaction`, never a bare Database, so a write cannot happen outside one. A caller
that needs more than one command's writes to be atomic (a POST and its idempotency record, a delete
and the erasure of stored responses) opens one transaction and hands it to each.
"""

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

from storage.database import Database, DatabaseError, Erasure, Row, Value
from storage.migrations import require_current_schema


class Transaction:
    """An open write transaction on one database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        return self._db.execute(sql, params)


@contextmanager
def transaction(db: Database) -> Iterator[Transaction]:
    """Run the block as one write transaction, after checking the schema version inside it
    (SchemaOutdated), so no migration can come between the check and the writes. An exception
    rolls everything back and propagates."""
    if db.erasure is Erasure.OVERWRITE:
        # Per connection: SQLite then zeroes what the writes remove, so an erased person's data
        # does not linger in free pages of the file.
        db.execute("PRAGMA secure_delete = ON")
    # IMMEDIATE takes the write lock now: a deferred transaction that upgrades later can fail
    # with SQLITE_BUSY in a way no busy timeout resolves.
    db.execute("BEGIN IMMEDIATE")
    try:
        require_current_schema(db)
        yield Transaction(db)
    except BaseException:
        with suppress(DatabaseError):  # SQLite may have rolled back by itself already
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def empty_write_ahead_log(db: Database) -> None:
    """After a transaction that erased someone, where erasure is `overwrite`: secure_delete has zeroed
    their bytes in the database file, but a database in WAL mode (as `make run` sets it for the
    WASIp3 component) still holds earlier images of those pages in its log file until it is copied
    back and reset. TRUNCATE does both and leaves the file empty. It runs after the commit, since a
    checkpoint cannot run inside a transaction; without WAL it does nothing. A libSQL server keeps
    its own log, out of the service's reach (docs/where-it-runs.md, "Erasure per host")."""
    if db.erasure is not Erasure.OVERWRITE:
        return
    [(blocked, *_)] = db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if blocked:  # readers held the log past the busy timeout: the next erasure empties it
        print("erasure: the write-ahead log is still in use and was not emptied", file=sys.stderr)
