import itertools
import random

import pytest

from commands.create_employee import CreateEmployee, create_employee
from commands.delete_employee import DeleteEmployee, delete_employee
from domain.employee import Address, EmployeeFields
from queries.employee_views import EmployeeListQuery, EmployeeSummary, ListPosition, employee, employees
from tests.native_db import NativeDatabase, RecordingDatabase
from tests.support import run_command


def fields(first: str, last: str, city: str = "Paris") -> EmployeeFields:
    return EmployeeFields(first, last, Address("1 Rue", "75001", city))


def add(db: NativeDatabase, first: str, last: str, city: str = "Paris") -> str:
    return run_command(db, create_employee, CreateEmployee(fields(first, last, city))).id


def all_pages(db: NativeDatabase, query: EmployeeListQuery) -> list[list[EmployeeSummary]]:
    pages = []
    while True:
        page = employees(db, query)
        pages.append(page.employees)
        if page.next is None:
            return pages
        query = EmployeeListQuery(query.limit, page.next, query.city, query.name_prefix)


def test_the_list_is_ordered_case_insensitively_by_last_then_first_name_then_id(db: NativeDatabase) -> None:
    for first, last in [("b", "smith"), ("A", "Smith"), ("Zed", "adams"), ("A", "Smith")]:
        add(db, first, last)

    listed = employees(db, EmployeeListQuery()).employees

    assert [s.name for s in listed] == ["adams, Zed", "Smith, A", "Smith, A", "smith, b"]
    assert listed[1].id < listed[2].id


def test_pages_follow_each_other_without_gaps_or_repeats(db: NativeDatabase) -> None:
    ids = {add(db, f"F{i}", f"L{i % 7}") for i in range(23)}

    pages = all_pages(db, EmployeeListQuery(limit=5))

    assert [len(page) for page in pages] == [5, 5, 5, 5, 3]
    listed = [s.id for page in pages for s in page]
    assert sorted(listed) == sorted(ids)
    assert listed == [s.id for s in employees(db, EmployeeListQuery(limit=200)).employees]


def test_a_full_last_page_has_no_next_position(db: NativeDatabase) -> None:
    for i in range(4):
        add(db, "A", f"L{i}")
    assert [len(page) for page in all_pages(db, EmployeeListQuery(limit=2))] == [2, 2]


def test_paging_while_others_insert_and_delete_never_skips_or_repeats_survivors(db: NativeDatabase) -> None:
    rng = random.Random(7)
    ids = [add(db, f"F{i}", f"L{rng.randrange(1000):03}") for i in range(60)]
    seen: list[str] = []
    query = EmployeeListQuery(limit=7)
    deleted: set[str] = set()
    while True:
        page = employees(db, query)
        seen += [s.id for s in page.employees]
        victim = rng.choice([i for i in ids if i not in deleted])
        run_command(db, delete_employee, DeleteEmployee(victim))
        deleted.add(victim)
        ids.append(add(db, "New", f"L{rng.randrange(1000):03}"))
        if page.next is None:
            break
        query = EmployeeListQuery(7, page.next)

    assert len(seen) == len(set(seen))
    survivors_present_throughout = set(ids[:60]) - deleted
    assert survivors_present_throughout <= set(seen)


def test_the_city_filter_is_exact_and_case_insensitive(db: NativeDatabase) -> None:
    paris = add(db, "A", "One", "Paris")
    add(db, "B", "Two", "Parisville")
    also_paris = add(db, "C", "Three", "PARIS")

    listed = employees(db, EmployeeListQuery(city="paris")).employees

    assert {s.id for s in listed} == {paris, also_paris}


def test_the_name_filter_matches_a_prefix_of_the_first_or_the_last_name(db: NativeDatabase) -> None:
    by_last = add(db, "Zoe", "Meyer")
    by_first = add(db, "Mehmet", "Yilmaz")
    add(db, "Anna", "Ahmed")  # "me" inside a name, not at its start

    listed = employees(db, EmployeeListQuery(name_prefix="ME")).employees

    assert [s.id for s in listed] == [by_last, by_first]


def test_the_name_filter_finds_matches_far_along_the_name_order_and_long_prefixes(db: NativeDatabase) -> None:
    for i in range(30):
        add(db, "Anna", f"Aaron{i:02}")
    late = add(db, "Zacharias", "Zimmermann-Grossmann")
    early_by_first = add(db, "Zimmer", "Abel")

    assert [s.id for s in employees(db, EmployeeListQuery(limit=5, name_prefix="zimmer")).employees] == [
        early_by_first,
        late,
    ]
    long_query = EmployeeListQuery(name_prefix="zimmermann-gross")
    assert [s.id for s in employees(db, long_query).employees] == [late]
    assert employees(db, EmployeeListQuery(name_prefix="zimmermann-grosz")).employees == []


def test_filters_combine_and_page(db: NativeDatabase) -> None:
    wanted = {add(db, f"Max{i}", f"L{i}", "Berlin") for i in range(5)}
    add(db, "Max", "Elsewhere", "Bonn")
    add(db, "Otto", "L9", "Berlin")

    pages = all_pages(db, EmployeeListQuery(limit=2, city="berlin", name_prefix="max"))

    assert {s.id for page in pages for s in page} == wanted


def test_queries_read_the_view_tables_not_the_write_tables(db: NativeDatabase) -> None:
    created = add(db, "Ada", "Lovelace")
    db.execute("UPDATE employee_list_view SET name = 'from the list view' WHERE id = ?", (created,))
    db.execute("UPDATE employee_details_view SET first_name = 'from the details view'")
    db.execute("DELETE FROM addresses")
    db.execute("DELETE FROM employees")

    assert employees(db, EmployeeListQuery()).employees == [
        EmployeeSummary(created, "from the list view", "Paris")
    ]
    found = employee(db, created)
    assert found is not None
    assert found.fields.first_name == "from the details view"


def test_an_unknown_id_is_none(db: NativeDatabase) -> None:
    assert employee(db, "00000000-0000-4000-8000-000000000000") is None


def plan_of_only_statement(recording: RecordingDatabase) -> str:
    """How SQLite finds the rows of the one statement a read sent, less the schema-version check
    around them: a rowid lookup of the highest version, joined to the rows, which a page of the
    list sorts once more (at most `limit` + 1 rows) to return them in order."""
    [(sql, params)] = recording.statements
    steps = [str(row[-1]) for row in recording.db.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    assert steps[:2] == ["CO-ROUTINE versions", "SEARCH schema_migrations"], steps
    if steps[2] == "MATERIALIZE page":  # a page of the list: LIMIT keeps it a subquery
        assert steps[-3:] == ["SCAN versions", "SCAN page LEFT-JOIN", "USE TEMP B-TREE FOR ORDER BY"]
        return " | ".join(steps[3:-3])
    assert steps[2] == "SCAN versions", steps
    return " | ".join(steps[3:]).replace(" LEFT-JOIN", "")


LIST_SHAPES = [
    EmployeeListQuery(limit=limit, after=after, city=city, name_prefix=prefix)
    for limit, after, city, prefix in itertools.product(
        [1, 200], [None, ListPosition("m", "x")], [None, "Paris"], [None, "me", "a-very-long-name-prefix"]
    )
]


@pytest.mark.parametrize("query", LIST_SHAPES, ids=repr)
def test_every_list_shape_is_one_select_walking_a_covering_index_without_sorting(
    db: NativeDatabase, query: EmployeeListQuery
) -> None:
    for i in range(50):
        add(db, f"F{i}", f"L{i}", "Paris" if i % 2 else "Rome")
    db.connection.execute("ANALYZE")  # test set-up: a libSQL server would refuse it
    recording = RecordingDatabase(db)

    employees(recording, query)

    plan = plan_of_only_statement(recording)
    if query.name_prefix is None:
        assert plan.startswith(
            ("SCAN employee_list_view USING COVERING INDEX", "SEARCH employee_list_view USING COVERING INDEX")
        )
    else:
        assert plan.startswith("SEARCH employee_name_prefix_view USING PRIMARY KEY (prefix=?"), plan
    if query.after is not None:
        assert "(sort_key,id)>(?,?)" in plan, plan
    assert "TEMP B-TREE" not in plan


def test_one_employee_is_a_primary_key_lookup_in_the_details_view_and_its_optional_fields(
    db: NativeDatabase,
) -> None:
    recording = RecordingDatabase(db)
    employee(recording, "00000000-0000-4000-8000-000000000000")
    plan = plan_of_only_statement(recording)
    assert plan == (
        "SEARCH employee_details_view USING INDEX sqlite_autoindex_employee_details_view_1 (id=?)"
        " | CORRELATED SCALAR SUBQUERY 2"
        " | SEARCH employee_optional_field_view USING PRIMARY KEY (employee_id=?)"
    )
