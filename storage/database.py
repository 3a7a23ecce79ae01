"""The database port: the one thing commands and queries know about storage.

In the component it is Spin's SQLite connection (storage/spin_sqlite.py); on CPython it is `sqlite3`
(tests/native_db.py). Both raise the errors below, so callers handle storage failures by category,
never by a host's message text.
"""

from collections.abc import Sequence
from enum import Enum
from typing import Any, Protocol

Value = int | float | str | bytes | None
# Columns come back as the tables' CHECK (typeof(...)) constraints admit; callers unpack rows by position.
Row = tuple[Any, ...]


class Erasure(Enum):
    """What deleting an employee does to the bytes of their data in the database file."""

    # SQLite overwrites whatever a write removes with zeros (PRAGMA secure_delete). Spin's SQLite.
    OVERWRITE = "overwrite"
    # Rows are deleted and log payloads replaced, but freed bytes stay in the file until SQLite
    # reuses the page. For libSQL servers (Turso, sqld), which refuse to set secure_delete.
    DELETE = "delete"

    @classmethod
    def setting(cls, value: str | None) -> "Erasure":
        """The mode the Spin variable `erasure` names; Misconfigured if it is undefined or names
        none."""
        if value is None:
            raise Misconfigured("The component has no variable erasure; see spin.toml.")
        try:
            return cls(value)
        except ValueError:
            allowed = " or ".join(f'"{choice.value}"' for choice in cls)
            raise Misconfigured(
                f"The Spin variable erasure is {value[:50]!r}; it must be {allowed}."
            ) from None


class Misconfigured(Exception):
    """A setting (a Spin variable) is missing or has a value the service does not know."""


class Database(Protocol):
    @property
    def erasure(self) -> Erasure:
        """How this database erases; asked only when a write transaction starts."""
        ...

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        """Run one SQL statement and return its rows (empty for statements without rows)."""
        ...


class DatabaseError(Exception):
    """A statement failed for a reason the caller cannot fix by changing its input. This class
    itself is a fault of the statement, of this code or of a schema it does not match, or one
    that nobody has told apart yet."""


class SchemaMissing(DatabaseError):
    """The tables are not there: migrations.sql has not been applied to this database."""


class HostFailure(DatabaseError):
    """The database host failed a statement for a reason of its own, not the statement's: a
    libSQL server's transport or write proxy, a transaction it interrupted or lost, an I/O error.
    The transaction rolled back, and the same request may succeed once the host recovers."""


class DatabaseBusy(HostFailure):
    """Another writer held the lock for longer than the busy timeout."""


class StatementRefused(HostFailure):
    """The host would not run a statement at all: a libSQL server checks each one before SQLite
    sees it, and refuses what its parser or its policy does not allow."""


class DatabaseUnavailable(DatabaseError):
    """The host has no database for our label, or does not let this component open it."""


# How a libSQL server words a refusal (libsql-server/src/query_analysis.rs), as Spin passes it on.
_REFUSALS = ("unsupported statement", "could not be parsed", "sql_parse_error")
# What SQLite says only of a statement itself (sqlite3ErrStr, its parser and its constraint
# checks), whichever host passes it on: a fault of this code, or of a schema it does not match.
_STATEMENT_FAULTS = (
    "constraint failed",
    "syntax error",
    "no such column",
    "has no column named",
    "no such function",
    "wrong number of arguments",
    "too many sql variables",
    "ambiguous column",
    "misuse",
    "datatype mismatch",
    "too big",
    "out of range",
    "not authorized",
    "is prohibited",
)
# What a host says of itself: SQLite's words for trouble with the file, the disk or an interrupted
# statement, and the libSQL client's for the server or the way to it ("Hrana: …", as Spin's
# crates/sqlite-libsql passes it on: a proxy error, a transaction the server no longer has).
_HOST_FAILURES = (
    "hrana",
    "interrupted",
    "i/o error",
    "disk is full",
    "unable to open",
    "readonly database",
    "malformed",
    "not a database",
    "no transaction is active",
)


def error_from_message(message: str) -> DatabaseError:
    """Categorize a SQLite error by the SQLite text that every host passes through."""
    text = message.lower()
    if "no such table" in text:
        return SchemaMissing(message)
    if "database is locked" in text or "database is busy" in text:
        return DatabaseBusy(message)
    if any(refusal in text for refusal in _REFUSALS):
        return StatementRefused(message)
    if any(fault in text for fault in _STATEMENT_FAULTS):
        return DatabaseError(message)
    if any(failure in text for failure in _HOST_FAILURES):
        return HostFailure(message)
    return DatabaseError(message)
