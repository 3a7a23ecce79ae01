"""Which failures of the database are the host's (a 503 to retry) and which the statement's (a 500,
a fault of this code), told apart by the words every host passes on from SQLite and libSQL: the
messages here are what Spin, SQLite and sqld 0.24.33 said, as Spin passed them to the component."""

import pytest

from storage.database import (
    DatabaseBusy,
    DatabaseError,
    HostFailure,
    SchemaMissing,
    StatementRefused,
    error_from_message,
)
from tests.native_db import PROXY_FAILURE

CASES = [
    # sqld rolled back a transaction that held the write lock past 5 s while another waited
    (
        "Hrana: `cursor error: `error at step 0: (error code: SQLITE_INTERRUPT)"
        " `SQLite error: interrupted```",
        HostFailure,
    ),
    (PROXY_FAILURE, HostFailure),
    ("disk I/O error", HostFailure),
    ("database or disk is full", HostFailure),
    ("database is locked", DatabaseBusy),
    ("SQL string could not be parsed: near STRICT: syntax error", StatementRefused),
    ("no such table: employees", SchemaMissing),
    ("CHECK constraint failed: length(first_name) BETWEEN 1 AND 100", DatabaseError),
    ("UNIQUE constraint failed: events.stream_id, events.version", DatabaseError),
    ("Hrana: `cursor error: `SQLite error: NOT NULL constraint failed: employees.last_name``", DatabaseError),
    ("table employees has no column named email", DatabaseError),
    ("not authorized", DatabaseError),
    ("a message no host has been seen to send", DatabaseError),
]


@pytest.mark.parametrize(("message", "kind"), CASES, ids=[message[:40] for message, _ in CASES])
def test_a_database_error_is_told_apart_by_its_words(message: str, kind: type[DatabaseError]) -> None:
    assert type(error_from_message(message)) is kind
