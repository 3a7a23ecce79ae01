"""The Database port over CPython's sqlite3, for unit tests: same SQL, same migrations, no wasm.

By default it is Spin's SQLite: it runs every statement. Given a `refuse` rule (such as
tests/libsql_server_model.py's) it first refuses what that host would, with the host's own words."""

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from storage.database import Database, DatabaseError, Erasure, Row, Value, error_from_message
from tests.libsql_server_model import refusal, statements

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations.sql"

Refusal = Callable[[str], str | None]


class NativeDatabase:
    def __init__(
        self, path: str | Path, erasure: Erasure = Erasure.OVERWRITE, refuse: Refusal | None = None
    ) -> None:
        # Autocommit mode: transactions are the explicit BEGIN/COMMIT of storage.transaction,
        # exactly as on Spin, where every statement is its own call.
        self.connection = sqlite3.connect(path, isolation_level=None)
        # Debian's SQLite zeroes deleted content by default; Spin's bundled SQLite does not. Start
        # from Spin's default, so the tests show that the code itself asks for it.
        self.connection.execute("PRAGMA secure_delete = OFF")
        self.erasure = erasure
        self.refuse = refuse

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        refused = self.refuse(sql) if self.refuse else None
        if refused is not None:
            raise error_from_message(refused)
        try:
            return self.connection.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise error_from_message(str(error)) from error

    def migrate(self, script: Path = MIGRATIONS) -> None:
        """What `spin up --sqlite @migrations.sql` does at start-up."""
        run_script(self, script)

    def close(self) -> None:
        self.connection.close()


def strictest_database(path: str | Path) -> NativeDatabase:
    """A migrated database that refuses what a libSQL server refuses (a model of its checks), set
    up as the service is for such a server (erasure "delete"): the strictest host, so every
    statement a test makes the service send is one every host runs. The unit tests' `db`."""
    database = NativeDatabase(path, Erasure.DELETE, refuse=refusal)
    database.migrate()
    return database


def run_script(db: Database, script: Path) -> None:
    """Every statement of a SQL file, in order, through the port (so a host's refusals apply)."""
    for statement in statements(script.read_text()):
        db.execute(statement)


_WRITES = frozenset({sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE})


class RecordingDatabase:
    """Passes statements through to a database and keeps them, with their parameters, in order,
    and beside each the tables it writes, as SQLite itself reads the statement."""

    def __init__(self, db: NativeDatabase) -> None:
        self.db = db
        self.erasure = db.erasure
        self.statements: list[tuple[str, Sequence[Value]]] = []
        self.tables_written: list[frozenset[str]] = []

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        self.statements.append((sql, params))
        written: set[str] = set()

        def note(
            action: int, table: str | None, _: str | None, database: str | None, trigger: str | None
        ) -> int:
            # SQLite asks while it compiles the statement: each table it would insert into,
            # update or delete from (not those a trigger of the schema would).
            if action in _WRITES and table is not None and database == "main" and trigger is None:
                written.add(table)
            return sqlite3.SQLITE_OK

        # Setting an authorizer makes SQLite compile every statement anew, cached ones too.
        self.db.connection.set_authorizer(note)
        try:
            return self.db.execute(sql, params)
        finally:
            self.db.connection.set_authorizer(None)
            self.tables_written.append(frozenset(written))


# How a libSQL server's write proxy failed a forwarded transaction, as Spin passed it on (measured
# with sqld 0.24.33 and Spin 4.1, issue 20): the host's failure, never the statement's.
PROXY_FAILURE = "Hrana: `stream error: `PROXY_ERROR: cannot commit - no transaction is active``"


class FailingDatabase:
    """Passes statements through to a database, except the one at `position` (0 is the first this
    object is given), which fails. By default SQLite refuses to compile it ("not authorized"), a
    fault of the statement as this code would cause one; given `host_failure`, the host fails it
    with those words before SQLite sees it, as a lost connection or a proxy would. Either way
    exactly that statement fails: a row trigger could not do this for a statement that touches no
    row, such as a purge with nothing to purge."""

    def __init__(self, db: NativeDatabase, position: int, host_failure: str | None = None) -> None:
        self.db = db
        self.erasure = db.erasure
        self.position = position
        self.host_failure = host_failure
        self.given = 0
        self.failed: str | None = None  # the statement that failed, once it has

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        position, self.given = self.given, self.given + 1
        if position != self.position:
            return self.db.execute(sql, params)
        self.db.connection.set_authorizer(lambda *_: sqlite3.SQLITE_DENY)
        try:
            if self.host_failure is not None:
                raise error_from_message(self.host_failure)
            return self.db.execute(sql, params)
        except DatabaseError:
            self.failed = sql
            raise
        finally:
            self.db.connection.set_authorizer(None)
