"""The Database port over libSQL, the SQLite fork that Turso serves and SpinKube's `type = "libsql"`
databases run. Embedded here (PyPI `libsql`): the same engine, without the network protocol, and so
without the server's statement check; that check is modelled (tests/libsql_server_model.py) and
applied first, so these tests refuse what the server refuses."""

from collections.abc import Sequence
from pathlib import Path

import libsql

from storage.database import Erasure, Row, Value, error_from_message
from tests.libsql_server_model import refusal
from tests.native_db import MIGRATIONS, run_script


class LibsqlDatabase:
    # A libSQL server refuses PRAGMA secure_delete = ON: the service is configured as for one.
    erasure = Erasure.DELETE

    def __init__(self, path: str | Path) -> None:
        # Autocommit, as on Spin: transactions are storage.transaction's BEGIN/COMMIT.
        self.connection = libsql.connect(str(path), isolation_level=None)

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        refused = refusal(sql)
        if refused is not None:
            raise error_from_message(refused)
        try:
            rows: list[Row] = self.connection.execute(sql, tuple(params)).fetchall()
        except ValueError as error:  # libsql reports every SQLite error as a ValueError
            raise error_from_message(str(error)) from error
        return rows

    def migrate(self) -> None:
        """What `turso db shell <database> < migrations.sql` does."""
        run_script(self, MIGRATIONS)

    def close(self) -> None:
        self.connection.close()
