"""Write transactions, the unit of work: everything a command writes commits together or not at all.

Commands take a `Transaction`, never a bare Database, so a write cannot happen outside one. A caller
that needs more than one command's writes to be atomic (a POST and its idempotency record, a delete
and the erasure of stored responses) opens one transaction and hands it to each.
"""

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress

from storage.database import Database, DatabaseError, Erasure, Row, SchemaMissing, Value
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
    # A SAVEPOINT, not a BEGIN, starts it: a libSQL replica runs a BEGIN itself before it sends it
    # on to the primary in a second step, which Spin's libSQL client never reads, so the primary
    # did not see it and every statement committed on its own there. A SAVEPOINT is a write to
    # the replica and goes to the primary at once (docs/where-it-runs.md, "libSQL servers").
    db.execute("SAVEPOINT write")
    try:
        take_write_lock(db)
        require_current_schema(db)
        yield Transaction(db)
    except BaseException:
        with suppress(DatabaseError):  # SQLite may have rolled back by itself already
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


@contextmanager
def read_from_primary(db: Database) -> Iterator[None]:
    """Run the block's reads where the writes go. Through a libSQL replica a SAVEPOINT goes to the
    primary with the statements after it, so they see every acknowledged write; on any other
    database it is an ordinary read transaction. It costs two statements, and on a replica the
    way to the primary (docs/where-it-runs.md, "Read your writes")."""
    db.execute("SAVEPOINT fresh")
    try:
        yield
    finally:
        db.execute("RELEASE fresh")


def take_write_lock(db: Database) -> None:
    """A write that changes nothing, so the transaction holds the write lock from its start, as
    BEGIN IMMEDIATE would: a transaction that reads first and upgrades later can fail with
    SQLITE_BUSY in a way no busy timeout resolves."""
    try:
        db.execute("UPDATE schema_migrations SET version = version WHERE 0")
    except SchemaMissing:
        require_current_schema(db)  # says which version the database is at: none
        raise


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
