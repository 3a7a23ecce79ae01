"""The event log: one event per command in the same transaction, history, and erasure."""

import json
import re
from pathlib import Path

import pytest

from commands.create_employee import CreateEmployee, create_employee
from commands.delete_employee import DeleteEmployee, delete_employee
from commands.update_employee import UpdateEmployee, update_employee
from domain.employee import Address, EmployeeFields
from storage.database import DatabaseError
from storage.event_log import Metadata
from tests.native_db import NativeDatabase
from tests.support import Call, body_of, run_command, snapshot, valid_employee

ADA = EmployeeFields("Ada", "Lovelace", Address("12 St James Square", "SW1Y 4JH", "London"))
KING = EmployeeFields("Augusta Ada", "King", Address("12 St James Square", "SW1Y 4JH", "Ockham"))
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def events(db: NativeDatabase) -> list[tuple[object, ...]]:
    return db.execute(
        "SELECT seq, stream_id, version, type, schema_version, payload, occurred_at, correlation_id"
        " FROM events ORDER BY seq"
    )


def test_each_command_appends_one_versioned_event_with_its_correlation_id(db: NativeDatabase) -> None:
    created = run_command(db, create_employee, CreateEmployee(ADA), Metadata("c-1"))
    run_command(db, update_employee, UpdateEmployee(created.id, KING), Metadata("c-2"))
    run_command(db, delete_employee, DeleteEmployee(created.id), Metadata("c-3"))

    logged = events(db)
    assert [(seq, stream, version, kind, schema) for seq, stream, version, kind, schema, *_ in logged] == [
        (1, created.id, 1, "EmployeeCreated", 1),
        (2, created.id, 2, "EmployeeUpdated", 1),
        (3, created.id, 3, "EmployeeDeleted", 1),
    ]
    assert [row[7] for row in logged] == ["c-1", "c-2", "c-3"]
    assert all(TIMESTAMP.match(str(row[6])) for row in logged)


def test_created_and_updated_events_carry_the_whole_new_state(db: NativeDatabase) -> None:
    created = run_command(db, create_employee, CreateEmployee(ADA))
    run_command(db, update_employee, UpdateEmployee(created.id, KING))
    payloads = [json.loads(str(row[5])) for row in events(db)]
    assert payloads[1] == {
        "firstName": "Augusta Ada",
        "lastName": "King",
        "address": {"street": "12 St James Square", "zip": "SW1Y 4JH", "city": "Ockham"},
    }


def test_the_database_refuses_a_second_event_with_the_same_stream_version(db: NativeDatabase) -> None:
    created = run_command(db, create_employee, CreateEmployee(ADA))
    with pytest.raises(DatabaseError):
        db.execute(
            "INSERT INTO events (stream_id, version, type, schema_version, payload, occurred_at,"
            " correlation_id) VALUES (?, 1, 'EmployeeUpdated', 1, '{}', 'now', 'x')",
            (created.id,),
        )


def test_a_failing_event_append_rolls_back_the_write_model_and_the_views(db: NativeDatabase) -> None:
    before = snapshot(db)
    db.connection.execute(
        "CREATE TEMP TRIGGER fail BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'x'); END"
    )
    with pytest.raises(DatabaseError):
        run_command(db, create_employee, CreateEmployee(ADA))
    assert snapshot(db) == before
    assert db.execute("SELECT count(*) FROM employees") == [(0,)]


def test_the_correlation_id_comes_from_traceparent_then_x_request_id(call: Call, db: NativeDatabase) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    call("POST", "/employees", valid_employee(), {"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})
    call("POST", "/employees", valid_employee(), {"x-request-id": "req-42"})
    call("POST", "/employees", valid_employee(), {"traceparent": "garbage", "x-request-id": "<bad>"})

    ids = [row[0] for row in db.execute("SELECT correlation_id FROM events ORDER BY seq")]
    assert ids[:2] == [trace_id, "req-42"]
    assert re.match(r"^[0-9a-f-]{36}$", str(ids[2]))


def test_history_lists_each_event_with_what_changed(call: Call) -> None:
    created = body_of(call("POST", "/employees", valid_employee()))
    url = f"/employees/{created['id']}"
    call(
        "PUT", url, valid_employee(lastName="King", address={**valid_employee()["address"], "city": "Ockham"})
    )

    entries = body_of(call("GET", f"{url}/history"))

    assert [(e["type"], e["version"], e["erased"]) for e in entries] == [
        ("EmployeeCreated", 1, False),
        ("EmployeeUpdated", 2, False),
    ]
    assert {c["field"]: c["to"] for c in entries[0]["changes"]}["/address/zip"] == "SW1Y 4JH"
    assert entries[1]["changes"] == [
        {"field": "/lastName", "from": "Lovelace", "to": "King"},
        {"field": "/address/city", "from": "London", "to": "Ockham"},
    ]
    assert all(TIMESTAMP.match(e["occurredAt"]) for e in entries)


def test_history_after_deletion_keeps_the_events_but_not_the_personal_data(call: Call) -> None:
    created = body_of(call("POST", "/employees", valid_employee()))
    url = f"/employees/{created['id']}"
    call("PUT", url, valid_employee(firstName="Augusta"))
    call("DELETE", url)

    response = call("GET", f"{url}/history")

    assert response.status == 200
    entries = body_of(response)
    assert [(e["type"], e["version"], e["erased"], e["changes"]) for e in entries] == [
        ("EmployeeCreated", 1, True, []),
        ("EmployeeUpdated", 2, True, []),
        ("EmployeeDeleted", 3, False, []),
    ]
    assert "Lovelace" not in (response.body or b"").decode()


def test_history_of_an_id_the_log_never_saw_is_404(call: Call) -> None:
    assert call("GET", "/employees/00000000-0000-4000-8000-000000000000/history").status == 404


def test_deleting_an_employee_erases_their_data_from_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "erasure.db"
    db = NativeDatabase(path)
    db.migrate()
    kept = run_command(db, create_employee, CreateEmployee(ADA))
    secret = EmployeeFields("Zebedee", "Quuxington", Address("77 Hidden Lane", "QX9 9XQ", "Xanadu"))
    gone = run_command(db, create_employee, CreateEmployee(secret))
    for city in ("Yonderville", "Zanzibar-Town"):
        moved = EmployeeFields(
            secret.first_name, secret.last_name, Address("77 Hidden Lane", "QX9 9XQ", city)
        )
        run_command(db, update_employee, UpdateEmployee(gone.id, moved))

    run_command(db, delete_employee, DeleteEmployee(gone.id))
    db.close()

    content = path.read_bytes()
    for personal in (
        b"Zebedee",
        b"Quuxington",
        b"Hidden Lane",
        b"QX9 9XQ",
        b"Xanadu",
        b"Yonderville",
        b"Zanzibar",
    ):
        assert personal not in content, personal
    assert b"Lovelace" in content  # the file is readable text where data remains
    assert kept.id.encode() in content


def test_deleting_erases_the_stored_idempotent_response_too(call: Call, db: NativeDatabase) -> None:
    created = call("POST", "/employees", valid_employee(lastName="Quuxington"), {"idempotency-key": "once"})
    call("DELETE", created.headers["location"])
    assert db.execute("SELECT count(*) FROM idempotency_keys") == [(0,)]
