"""The Database port over CPython's sqlite3, for unit tests: same SQL, same migrations, no wasm."""

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from domain.database import Row, Value, error_from_message

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations.sql"


class NativeDatabase:
    def __init__(self, path: str | Path) -> None:
        # Autocommit mode: transactions are the explicit BEGIN/COMMIT of domain.database.transaction,
        # exactly as on Spin, where every statement is its own call.
        self.connection = sqlite3.connect(path, isolation_level=None)
        # Debian's SQLite zeroes deleted content by default; Spin's bundled SQLite does not. Start
        # from Spin's default, so the tests show that the code itself asks for it.
        self.connection.execute("PRAGMA secure_delete = OFF")

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        try:
            return self.connection.execute(sql, params).fetchall()
        except sqlite3.Error as error:
            raise error_from_message(str(error)) from error

    def migrate(self) -> None:
        """What `spin up --sqlite @migrations.sql` does at start-up."""
        self.connection.executescript(MIGRATIONS.read_text())

    def close(self) -> None:
        self.connection.close()
