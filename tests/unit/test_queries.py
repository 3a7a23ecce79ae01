from collections.abc import Sequence

from commands.create_employee import CreateEmployee, create_employee
from domain.database import Row, Value
from domain.employee import Address, EmployeeFields
from queries.employees import EmployeeSummary, employee, employees
from tests.native_db import NativeDatabase


def fields(first: str, last: str, city: str = "Paris") -> EmployeeFields:
    return EmployeeFields(first, last, Address("1 Rue", "75001", city))


def test_the_list_is_ordered_case_insensitively_by_last_then_first_name_then_id(db: NativeDatabase) -> None:
    for first, last in [("b", "smith"), ("A", "Smith"), ("Zed", "adams"), ("A", "Smith")]:
        create_employee(CreateEmployee(fields(first, last)), db)

    listed = employees(db)

    assert [s.name for s in listed] == ["adams, Zed", "Smith, A", "Smith, A", "smith, b"]
    assert listed[1].id < listed[2].id


def test_queries_read_the_view_tables_not_the_write_tables(db: NativeDatabase) -> None:
    created = create_employee(CreateEmployee(fields("Ada", "Lovelace")), db)
    db.execute("UPDATE employee_list_view SET name = 'from the list view' WHERE id = ?", (created.id,))
    db.execute("UPDATE employee_details_view SET first_name = 'from the details view'")
    db.execute("DELETE FROM addresses")
    db.execute("DELETE FROM employees")

    assert employees(db) == [EmployeeSummary(created.id, "from the list view", "Paris")]
    found = employee(db, created.id)
    assert found is not None
    assert found.fields.first_name == "from the details view"


def test_an_unknown_id_is_none(db: NativeDatabase) -> None:
    assert employee(db, "00000000-0000-4000-8000-000000000000") is None


class RecordingDatabase:
    """Passes statements through to a real database and keeps them for inspection."""

    def __init__(self, db: NativeDatabase) -> None:
        self.db = db
        self.statements: list[tuple[str, Sequence[Value]]] = []

    def execute(self, sql: str, params: Sequence[Value] = ()) -> list[Row]:
        self.statements.append((sql, params))
        return self.db.execute(sql, params)

    def plan_of_only_statement(self) -> str:
        [(sql, params)] = self.statements
        return " | ".join(str(row[-1]) for row in self.db.execute(f"EXPLAIN QUERY PLAN {sql}", params))


def test_the_list_is_one_select_walking_the_sort_index_of_the_list_view(db: NativeDatabase) -> None:
    recording = RecordingDatabase(db)
    employees(recording)
    plan = recording.plan_of_only_statement()
    assert plan == "SCAN employee_list_view USING INDEX employee_list_view_by_sort_key"


def test_one_employee_is_one_primary_key_lookup_in_the_details_view(db: NativeDatabase) -> None:
    recording = RecordingDatabase(db)
    employee(recording, "00000000-0000-4000-8000-000000000000")
    plan = recording.plan_of_only_statement()
    assert plan == "SEARCH employee_details_view USING INDEX sqlite_autoindex_employee_details_view_1 (id=?)"
