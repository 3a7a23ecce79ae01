"""The Database port over libSQL, the SQLite fork that Turso serves and SpinKube's `type = "libsql"`
databases run. Embedded here (PyPI `libsql`): the same engine, without the network protocol."""

from collections.abc import Sequence
from pathlib import Path

import libsql

from domain.database import Row, Value, error_from_message
from tests.native_db import MIGRATIONS


class LibsqlDatabase:
    def __init__(self, path: str | Path) -> None:
        # Autocommit, as on Spin: transactions are domain.database.transaction's BEGIN/COMMIT.
        self.connection = libsql.connect(str(path), isolation_level=None)

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        try:
            rows: list[Row] = self.connection.execute(sql, tuple(params)).fetchall()
        except ValueError as error:  # libsql reports every SQLite error as a ValueError
            raise error_from_message(str(error)) from error
        return rows

    def migrate(self) -> None:
        """What `turso db shell <database> < migrations.sql` does."""
        self.connection.executescript(MIGRATIONS.read_text())

    def close(self) -> None:
        self.connection.close()
