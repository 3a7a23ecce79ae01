"""A failure at any write of any command fails the request cleanly and leaves every table exactly
as it was: a 503 with Retry-After when the database host failed it, a 500 when the statement did.

The cases are not listed by hand. Each command runs once, at collection, on a RecordingDatabase;
every statement it sent that writes a table (as SQLite itself reads the statement) becomes a case
that makes exactly that statement fail. A new projector, table or statement is a new case the day
it is added."""

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from storage.database import Database
from storage.projectors import PROJECTORS
from tests.native_db import (
    PROXY_FAILURE,
    FailingDatabase,
    NativeDatabase,
    RecordingDatabase,
    strictest_database,
)
from tests.support import body_of, send, snapshot, valid_employee
from web.http import Response

# The commands run as a deployment runs them, with API keys on, so the actor's row is a case too.
SECRET = "fault-admin-secret"
API_KEYS = f"ops:admin:{hashlib.sha256(SECRET.encode()).hexdigest()}"


def nothing(db: Database) -> None:
    pass


def lose_the_views(db: Database) -> None:
    """Views that lost their rows, so that a rebuild changes them."""
    for projector in PROJECTORS:
        db.execute(f"DELETE FROM {projector.table}")


@dataclass(frozen=True)
class Command:
    """A request that writes, sent about the arranged employee, and its status when it succeeds."""

    method: str
    uri: Callable[[str], str]  # from the arranged employee's location
    succeeds_with: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    also_arrange: Callable[[Database], None] = nothing

    def arrange(self, db: Database) -> str:
        """What a case starts from: an employee created with an Idempotency-Key, then updated (two
        events in the log, one stored response), and what this command needs. Their location."""
        created = send(db, "POST", "/employees", valid_employee(), {"idempotency-key": "first"})
        updated = send(db, "PUT", created.headers["location"], valid_employee(firstName="Augusta"))
        assert (created.status, updated.status) == (201, 200)
        self.also_arrange(db)
        return created.headers["location"]

    def send(self, db: Database, location: str, request_id: str = "faults") -> Response:
        headers = {**self.headers, "x-request-id": request_id, "authorization": f"Bearer {SECRET}"}
        return send(db, self.method, self.uri(location), self.body, headers, api_keys=API_KEYS)


COMMANDS = {
    "create": Command(
        "POST",
        lambda _: "/employees",
        201,
        valid_employee(firstName="Grace", lastName="Hopper"),
        {"idempotency-key": "second"},
    ),
    "update": Command("PUT", lambda location: location, 200, valid_employee(firstName="Grace")),
    "delete": Command("DELETE", lambda location: location, 204),
    "rebuild": Command(
        "POST",
        lambda _: "/admin/projections/rebuild",
        200,
        also_arrange=lose_the_views,
    ),
}


@dataclass(frozen=True)
class Fault:
    command: str
    position: int  # of the statement among all the request sends, from 0
    sql: str
    table: str
    occurrence: int  # 1 for the command's first write to this table, 2 for its second, ...

    @property
    def id(self) -> str:
        return f"{self.command}-{self.table}-{self.occurrence}"


def recorded_faults() -> list[Fault]:
    """One fault per write statement each command sends, in the order it sends them."""
    faults: list[Fault] = []
    for name, command in COMMANDS.items():
        db = strictest_database(":memory:")  # as the `db` fixture is made, so the statements match
        location = command.arrange(db)
        recording = RecordingDatabase(db)
        assert command.send(recording, location).status == command.succeeds_with, name
        writes: Counter[str] = Counter()
        sent = zip(recording.statements, recording.tables_written, strict=True)
        for position, ((sql, _), tables) in enumerate(sent):
            if tables:
                table = "+".join(sorted(tables))
                writes[table] += 1
                faults.append(Fault(name, position, sql, table, writes[table]))
        db.close()
    return faults


FAULTS = recorded_faults()


@dataclass(frozen=True)
class Failure:
    """How the faulty statement fails, and what the request then answers and logs."""

    host_failure: str | None  # FailingDatabase's: the host's words, or None for SQLite refusing it
    status: int
    headers: dict[str, str]
    logged: str  # what the log shows of the failure, beside the correlation id


FAILURES = {
    # The host fails it (a libSQL proxy error): a 503 to retry, the cause logged.
    "host": Failure(PROXY_FAILURE, 503, {"retry-after": "1"}, "HostFailure("),
    # SQLite refuses it, as a fault of this code's statement would: a 500, its traceback logged.
    "statement": Failure(None, 500, {}, "storage.database.DatabaseError: "),
}


@pytest.mark.parametrize("kind", list(FAILURES))
@pytest.mark.parametrize("fault", FAULTS, ids=[fault.id for fault in FAULTS])
def test_a_failing_write_fails_the_request_cleanly_and_leaves_every_table_unchanged(
    db: NativeDatabase, capsys: pytest.CaptureFixture[str], fault: Fault, kind: str
) -> None:
    failure = FAILURES[kind]
    command = COMMANDS[fault.command]
    location = command.arrange(db)
    before = snapshot(db)
    failing = FailingDatabase(db, fault.position, host_failure=failure.host_failure)

    response = command.send(failing, location, request_id=fault.id)

    assert failing.failed == fault.sql  # the statement the case was made from, and no other
    assert response.status == failure.status
    assert failure.headers.items() <= response.headers.items()
    assert response.headers["content-type"] == "application/problem+json"
    assert body_of(response)["correlationId"] == fault.id
    logged = capsys.readouterr().err
    assert f"correlation id {fault.id}" in logged
    assert failure.logged in logged  # that failure, logged
    assert snapshot(db) == before
    retried = command.send(db, location)  # and the same request succeeds once the fault is gone
    assert retried.status == command.succeeds_with
    assert "idempotent-replayed" not in retried.headers  # a failed create did not use up its key


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_table_a_command_changes_is_one_a_fault_is_made_for(db: NativeDatabase, name: str) -> None:
    command = COMMANDS[name]
    location = command.arrange(db)
    before = snapshot(db)

    assert command.send(db, location).status == command.succeeds_with

    after = snapshot(db)
    changed = {table for table in after if after[table] != before[table]}
    changed.discard("sqlite_sequence")  # AUTOINCREMENT's counter moves with INSERT INTO events
    assert changed  # the command did write
    assert changed <= {fault.table for fault in FAULTS if fault.command == name}
