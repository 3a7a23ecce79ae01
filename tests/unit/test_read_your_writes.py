"""A client reads its own write through a database that lags behind it, by sending the ETag the
write gave it: GET /employees/{id} with If-None-Match naming a version newer than the database
holds reads from the primary instead. On CPython, against a model of a libSQL replica, named as
one; tests/libsql/test_replica.py runs the same against a real sqld replica."""

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from storage.database import Row, Value
from tests.native_db import NativeDatabase
from tests.support import send, valid_employee


class LaggingReplica:
    """A model of a libSQL replica that has not caught up: it reads from a copy taken earlier,
    except from a SAVEPOINT to its release, which a replica sends on to the primary."""

    def __init__(self, primary: NativeDatabase, copy: NativeDatabase) -> None:
        self.primary, self.copy = primary, copy
        self.erasure = primary.erasure
        self.forwarding = False
        self.sent: list[str] = []

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        self.sent.append(sql)
        self.forwarding = self.forwarding or sql.startswith("SAVEPOINT")
        rows = (self.primary if self.forwarding else self.copy).execute(sql, params)
        self.forwarding = self.forwarding and not sql.startswith("RELEASE")
        return rows


def lagging(primary: NativeDatabase, tmp_path: Path) -> LaggingReplica:
    """A replica of `primary` as it is now, which later writes to `primary` do not reach."""
    copy = tmp_path / "replica.db"
    with sqlite3.connect(copy) as target:
        primary.connection.backup(target)
    return LaggingReplica(primary, NativeDatabase(copy, primary.erasure))


def test_a_client_reads_the_update_it_made_through_a_replica_that_lags(
    db: NativeDatabase, tmp_path: Path
) -> None:
    location = send(db, "POST", "/employees", valid_employee()).headers["location"]
    replica = lagging(db, tmp_path)
    updated = send(db, "PUT", location, valid_employee(firstName="Augusta"), {"if-match": '"1"'})

    stale = send(replica, "GET", location)
    fresh = send(replica, "GET", location, headers={"if-none-match": updated.headers["etag"]})

    assert (stale.status, stale.headers["etag"]) == (200, '"1"')  # the replica lags
    assert (fresh.status, fresh.headers["etag"]) == (304, '"2"')  # the client's own write


def test_a_client_reads_the_employee_it_created_through_a_replica_that_has_not_got_it(
    db: NativeDatabase, tmp_path: Path
) -> None:
    replica = lagging(db, tmp_path)
    created = send(db, "POST", "/employees", valid_employee())
    location = created.headers["location"]

    assert send(replica, "GET", location).status == 404
    assert send(replica, "GET", location, headers={"if-none-match": created.headers["etag"]}).status == 304


def test_a_replica_that_has_the_version_answers_by_itself(db: NativeDatabase, tmp_path: Path) -> None:
    created = send(db, "POST", "/employees", valid_employee())
    replica = lagging(db, tmp_path)

    answer = send(replica, "GET", created.headers["location"], headers={"if-none-match": '"1"'})

    assert answer.status == 304
    assert not [sql for sql in replica.sent if sql.startswith("SAVEPOINT")]


def test_a_version_newer_than_any_is_answered_with_the_current_one(db: NativeDatabase) -> None:
    location = send(db, "POST", "/employees", valid_employee()).headers["location"]

    answer = send(db, "GET", location, headers={"if-none-match": '"9"'})

    assert (answer.status, answer.headers["etag"]) == (200, '"1"')
