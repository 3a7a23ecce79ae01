"""Spin's SQLite host API (`fermyon:spin/sqlite@2.0.0`) as the Database port: the one module that
imports Spin's SQLite bindings, for both builds. It counts statements and their time for the
Server-Timing header."""

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

# The same WIT interface, fermyon:spin/sqlite@2.0.0, under the names each SDK generates: spin-sdk 5
# (the WASIp3 build, componentize-py 0.25) by its full name, with its errors raised as
# componentize_py_types.Err; spin-sdk 3 (the WASIp2 build) as `sqlite`, with spin_sdk.wit.types.Err.
# spin-sdk 5 still ships spin_sdk.wit.types.Err, a different class that its bindings never raise.
if TYPE_CHECKING:  # checked against spin-sdk 3, the SDK the checks and tests install
    from spin_sdk.wit.imports import sqlite as bindings
    from spin_sdk.wit.types import Err
else:
    try:
        from componentize_py_types import Err
        from spin_sdk.wit.imports import fermyon_spin_sqlite_2_0_0 as bindings
    except ImportError:
        from spin_sdk.wit.imports import sqlite as bindings
        from spin_sdk.wit.types import Err

from storage.database import DatabaseError, DatabaseUnavailable, Erasure, Row, Value, error_from_message


class SpinDatabase:
    """A Spin SQLite database by label, opened on first use. The Spin variable `erasure` is read
    (through `variable`) only when a write first needs it, so reads never pay for it."""

    def __init__(self, variable: Callable[[str], str | None], label: str = "default") -> None:
        self._label = label
        self._connection: bindings.Connection | None = None
        self._variable = variable
        self._erasure: Erasure | None = None
        self.statements = 0
        self.seconds = 0.0

    @property
    def erasure(self) -> Erasure:
        if self._erasure is None:
            self._erasure = Erasure.setting(self._variable("erasure"))
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

    def _open(self) -> bindings.Connection:
        if self._connection is None:
            try:
                self._connection = bindings.Connection.open(self._label)
            except Err as error:
                raise database_error(error.value) from None
        return self._connection


def database_error(error: object) -> DatabaseError:
    if isinstance(error, bindings.Error_Io):
        return error_from_message(error.value)
    return DatabaseUnavailable(type(error).__name__)


def to_sqlite(value: Value) -> bindings.Value:
    match value:
        case None:
            return bindings.Value_Null()
        case int():
            return bindings.Value_Integer(value)
        case float():
            return bindings.Value_Real(value)
        case str():
            return bindings.Value_Text(value)
        case bytes():
            return bindings.Value_Blob(value)


def from_sqlite(value: bindings.Value) -> Value:
    return None if isinstance(value, bindings.Value_Null) else value.value
