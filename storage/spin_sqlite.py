"""Spin's SQLite host API (`fermyon:spin/sqlite@2.0.0`) as the Database port: the one module that
imports Spin's SQLite bindings, for both builds. A connection can outlive a request; each request
sees it through its own SpinDatabase, which counts its statements and their time for the
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

from storage.database import (
    DatabaseError,
    DatabaseUnavailable,
    Erasure,
    HostFailure,
    Row,
    Value,
    error_from_message,
)


class SpinConnection:
    """A connection to the Spin SQLite database `label`, opened by its first statement. A WASIp2
    instance answers one request and closes it after; a WASIp3 instance keeps one for all its
    requests (app_p3.py), which spares each the open and SQLite's reading of the schema."""

    def __init__(self, label: str = "default") -> None:
        self._label = label
        self._open: bindings.Connection | None = None

    def execute(self, sql: str, params: Sequence[Value]) -> list[Row]:
        try:
            if self._open is None:
                self._open = bindings.Connection.open(self._label)
            result = self._open.execute(sql, [to_sqlite(value) for value in params])
        except Err as error:
            raise database_error(error.value) from None
        return [tuple(from_sqlite(value) for value in row.values) for row in result.rows]

    def close(self) -> None:
        if self._open is not None:
            self._open.__exit__(None, None, None)
            self._open = None


class SpinDatabase:
    """One request's use of a connection. The Spin variable `erasure` is read (through `variable`)
    only when a write first needs it, so reads never pay for it."""

    def __init__(self, variable: Callable[[str], str | None], connection: SpinConnection) -> None:
        self._connection = connection
        self._variable = variable
        self._erasure: Erasure | None = None
        self.statements = 0
        self.seconds = 0.0
        self.failed = False  # a statement failed: the connection may be left inside a transaction

    @property
    def erasure(self) -> Erasure:
        if self._erasure is None:
            self._erasure = Erasure.setting(self._variable("erasure"))
        return self._erasure

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        started = time.perf_counter()
        try:
            return self._connection.execute(sql, params)
        except DatabaseError:
            self.failed = True
            raise
        finally:
            self.statements += 1
            self.seconds += time.perf_counter() - started


def database_error(error: object) -> DatabaseError:
    match error:
        case bindings.Error_Io(value=message):
            return error_from_message(message)
        case bindings.Error_NoSuchDatabase() | bindings.Error_AccessDenied():
            return DatabaseUnavailable(type(error).__name__)
        case _:  # a connection the host no longer knows, or a full database
            return HostFailure(type(error).__name__)


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
