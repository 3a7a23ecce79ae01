"""Projections rebuilt from the event log equal the views the commands kept, row by row."""

import pytest

from commands.rebuild_projections import RebuildProjections, rebuild_projections
from queries.projection_status import projection_statuses
from tests.native_db import NativeDatabase
from tests.support import (
    Call,
    body_of,
    corrupt,
    rebuild_until_done,
    run_command,
    run_random_commands,
    views,
)


def test_rebuilding_corrupted_views_from_a_log_of_thousands_of_commands_restores_every_row(
    db: NativeDatabase,
) -> None:
    run_random_commands(db, 3000, seed=20261126)
    before = views(db)
    assert len(before["employee_list_view"]) > 500
    assert len(before["employee_optional_field_view"]) > 500
    corrupt(db)
    assert views(db) != before

    calls = rebuild_until_done(db, chunk_size=500)

    assert views(db) == before
    assert calls == 6  # 3000 events in chunks of 500; the sixth reaches the end and swaps
    assert {s.lag for s in projection_statuses(db)} == {0}


def test_a_rebuild_in_progress_leaves_the_live_view_untouched_until_it_swaps(db: NativeDatabase) -> None:
    run_random_commands(db, 300, seed=1)
    db.execute("DELETE FROM employee_list_view")  # what readers see until the swap

    progress = run_command(db, rebuild_projections, RebuildProjections("employee_list", chunk_size=100))

    assert [(p.rebuilt_through, p.done) for p in progress] == [(100, False)]
    assert db.execute("SELECT count(*) FROM employee_list_view") == [(0,)]
    [status] = [s for s in projection_statuses(db) if s.projector == "employee_list"]
    assert status.rebuilding_at == 100


def test_a_rebuild_resumes_across_calls_and_takes_in_commands_made_meanwhile(db: NativeDatabase) -> None:
    run_random_commands(db, 400, seed=2)
    run_command(db, rebuild_projections, RebuildProjections(chunk_size=150))
    run_random_commands(db, 200, seed=3)  # live commands between two chunks
    expected = views(db)

    rebuild_until_done(db, chunk_size=150)

    assert views(db) == expected


def test_a_new_projector_fills_its_view_from_the_existing_log_on_its_first_rebuild(
    db: NativeDatabase,
) -> None:
    run_random_commands(db, 200, seed=4)
    expected = views(db)["employee_details_view"]
    # As if employee_details were just added to the code: no checkpoint and an empty table.
    db.execute("DELETE FROM projection_checkpoints WHERE projector = 'employee_details'")
    db.execute("DELETE FROM employee_details_view")
    [status] = [s for s in projection_statuses(db) if s.projector == "employee_details"]
    assert (status.checkpoint, status.lag, status.rows) == (0, 200, 0)

    rebuild_until_done(db, chunk_size=64, projector="employee_details")

    assert views(db)["employee_details_view"] == expected


def test_a_projector_behind_the_log_keeps_its_lag_while_commands_go_on(db: NativeDatabase) -> None:
    run_random_commands(db, 10, seed=5)
    db.execute("UPDATE projection_checkpoints SET last_seq = 3 WHERE projector = 'employee_list'")
    run_random_commands(db, 5, seed=6)
    lags = {s.projector: s.lag for s in projection_statuses(db)}
    assert lags == {
        "employee_list": 12,
        "employee_name_prefixes": 0,
        "employee_details": 0,
        "employee_optional_fields": 0,
    }


def test_an_unknown_projector_cannot_be_rebuilt(db: NativeDatabase) -> None:
    with pytest.raises(ValueError, match="no projector is named 'nope'"):
        run_command(db, rebuild_projections, RebuildProjections("nope"))


# Admin over HTTP


def test_admin_routes_do_not_exist_while_no_token_is_configured(call: Call) -> None:
    for method, path in (("GET", "/admin/projections"), ("POST", "/admin/projections/rebuild")):
        assert call(method, path, headers={"authorization": "Bearer anything"}).status == 404


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "Basic s3cret", "Bearer", "s3cret"])
def test_admin_routes_need_the_token_as_a_bearer(call: Call, authorization: str | None) -> None:
    headers = {"authorization": authorization} if authorization else {}
    response = call("GET", "/admin/projections", headers=headers, admin_token="s3cret")
    assert response.status == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_admin_reports_projections_and_rebuilds_them_in_chunks(call: Call, db: NativeDatabase) -> None:
    for i in range(3):
        call(
            "POST",
            "/employees",
            {"firstName": "A", "lastName": f"L{i}", "address": {"street": "s", "zip": "z", "city": "c"}},
        )
    auth = {"authorization": "Bearer s3cret"}
    db.execute("DELETE FROM employee_list_view")

    status = body_of(call("GET", "/admin/projections", headers=auth, admin_token="s3cret"))
    rebuilt = body_of(call("POST", "/admin/projections/rebuild", headers=auth, admin_token="s3cret"))
    after = body_of(call("GET", "/admin/projections", headers=auth, admin_token="s3cret"))

    assert status == {
        "projectors": [
            {"projector": "employee_list", "checkpoint": 3, "lag": 0, "rows": 0, "rebuildingAt": None},
            {
                "projector": "employee_name_prefixes",
                "checkpoint": 3,
                "lag": 0,
                "rows": 9,
                "rebuildingAt": None,
            },
            {"projector": "employee_details", "checkpoint": 3, "lag": 0, "rows": 3, "rebuildingAt": None},
            {
                "projector": "employee_optional_fields",
                "checkpoint": 3,
                "lag": 0,
                "rows": 0,
                "rebuildingAt": None,
            },
        ]
    }
    assert rebuilt == {
        "projectors": [
            {"projector": "employee_list", "rebuiltThrough": 3, "head": 3, "done": True},
            {"projector": "employee_name_prefixes", "rebuiltThrough": 3, "head": 3, "done": True},
            {"projector": "employee_details", "rebuiltThrough": 3, "head": 3, "done": True},
            {"projector": "employee_optional_fields", "rebuiltThrough": 3, "head": 3, "done": True},
        ],
        "more": False,
    }
    assert [p["rows"] for p in after["projectors"]] == [3, 9, 3, 0]


@pytest.mark.parametrize("name", ["nope", ""], ids=["unknown", "empty-not-all"])
def test_admin_rebuild_of_a_projector_that_does_not_exist_is_422(call: Call, name: str) -> None:
    response = call(
        "POST",
        f"/admin/projections/rebuild?projector={name}",
        headers={"authorization": "Bearer t"},
        admin_token="t",
    )
    assert response.status == 422
    assert body_of(response)["errors"] == [
        {
            "parameter": "projector",
            "detail": "must be one of employee_list, employee_name_prefixes, employee_details,"
            " employee_optional_fields",
        }
    ]
