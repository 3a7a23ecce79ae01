"""Spin's SQLite host API (`fermyon:spin/sqlite@2.0.0`) as the Database port: the one module that
imports spin_sdk.sqlite. It counts statements and their time for the Server-Timing header."""

import time
from collections.abc import Callable, Sequence

from spin_sdk import sqlite
from spin_sdk.wit.imports.sqlite import (
    Connection,
    Error_Io,
    Value_Blob,
    Value_Integer,
    Value_Null,
    Value_Real,
    Value_Text,
)
from spin_sdk.wit.imports.sqlite import Value as SqliteValue
from spin_sdk.wit.types import Err

from storage.database import DatabaseError, DatabaseUnavailable, Erasure, Row, Value, error_from_message


class SpinDatabase:
    """A Spin SQLite database by label, opened on first use. `erasure` is asked for only when a
    write first needs it, so reads never pay for reading the setting."""

    def __init__(self, erasure: Callable[[], Erasure], label: str = "default") -> None:
        self._label = label
        self._connection: Connection | None = None
        self._read_erasure = erasure
        self._erasure: Erasure | None = None
        self.statements = 0
        self.seconds = 0.0

    @property
    def erasure(self) -> Erasure:
        if self._erasure is None:
            self._erasure = self._read_erasure()
        return self._erasure

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        started = time.perf_counter()
        try:
            result = self._open().execute(sql, [to_sqlite(value) for value in params])
        except Err as error:
            raise database_error(error.value) from None
        finally:
            self.statements += 1
            self.seconds += time.perf_counter() - started
        return [tuple(from_sqlite(value) for value in row.values) for row in result.rows]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.__exit__(None, None, None)
            self._connection = None

    def _open(self) -> Connection:
        if self._connection is None:
            try:
                self._connection = sqlite.open(self._label)
            except Err as error:
                raise database_error(error.value) from None
        return self._connection


def database_error(error: object) -> DatabaseError:
    if isinstance(error, Error_Io):
        return error_from_message(error.value)
    return DatabaseUnavailable(type(error).__name__)


def to_sqlite(value: Value) -> SqliteValue:
    match value:
        case None:
            return Value_Null()
        case int():
            return Value_Integer(value)
        case float():
            return Value_Real(value)
        case str():
            return Value_Text(value)
        case bytes():
            return Value_Blob(value)


def from_sqlite(value: SqliteValue) -> Value:
    return None if isinstance(value, Value_Null) else value.value
