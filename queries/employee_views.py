"""Reads of employees: pages of the list (employee_list_view, or employee_name_prefix_view when
filtered by name) and one employee (employee_details_view, with its rows of
employee_optional_field_view). Each is one SELECT on an index, in one
statement with the schema-version check."""

from dataclasses import dataclass

from domain.employee import Address, Employee, EmployeeFields
from storage import optional_fields
from storage.database import Database, Value
from storage.migrations import read_current
from storage.projectors import MAX_PREFIX


@dataclass(frozen=True)
class EmployeeSummary:
    """One line of the employee list."""

    id: str
    name: str
    city: str


@dataclass(frozen=True)
class ListPosition:
    """Where a page ends: the list is ordered by (sort_key, id), so this pair resumes it exactly,
    whatever was inserted or deleted meanwhile."""

    sort_key: str
    id: str


@dataclass(frozen=True)
class EmployeeListQuery:
    limit: int = 50
    after: ListPosition | None = None
    city: str | None = None  # exact, case-insensitive
    name_prefix: str | None = None  # case-insensitive prefix of the first or the last name


@dataclass(frozen=True)
class EmployeePage:
    employees: list[EmployeeSummary]
    next: ListPosition | None  # None on the last page


def employees(db: Database, query: EmployeeListQuery) -> EmployeePage:
    """One page of employees, ordered case-insensitively by "Last, First", then by id."""
    conditions, params = _conditions(query)
    # A name filter seeks its prefix in the prefix view; the rest walk the list view's indexes.
    table = "employee_list_view" if query.name_prefix is None else "employee_name_prefix_view"
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = read_current(
        db,
        f"SELECT id, name, city, sort_key FROM {table}{where} ORDER BY sort_key, id LIMIT ?",
        (*params, query.limit + 1),
        order_by=("sort_key", "id"),
    )
    page = [EmployeeSummary(id=id_, name=name, city=city) for id_, name, city, _ in rows[: query.limit]]
    has_more = len(rows) > query.limit
    last = rows[query.limit - 1] if has_more else None
    return EmployeePage(page, ListPosition(last[3], last[0]) if last else None)


def _conditions(query: EmployeeListQuery) -> tuple[list[str], list[Value]]:
    conditions: list[str] = []
    params: list[Value] = []
    if query.city is not None:
        conditions.append("city_key = ?")
        params.append(query.city.casefold())
    if query.name_prefix is not None:
        prefix = query.name_prefix.casefold()
        conditions.append("prefix = ?")
        params.append(prefix[:MAX_PREFIX])
        if len(prefix) > MAX_PREFIX:
            conditions.append("(substr(first_key, 1, ?) = ? OR substr(last_key, 1, ?) = ?)")
            params += [len(prefix), prefix, len(prefix), prefix]
    if query.after is not None:
        conditions.append("(sort_key, id) > (?, ?)")
        params += [query.after.sort_key, query.after.id]
    return conditions, params


def employee(db: Database, employee_id: str) -> Employee | None:
    optional = optional_fields.gathered("employee_optional_field_view", "employee_details_view.id")
    rows = read_current(
        db,
        f"SELECT first_name, last_name, street, zip, city, version, {optional} AS optional"
        " FROM employee_details_view WHERE id = ?",
        (employee_id,),
    )
    if not rows:
        return None
    first_name, last_name, street, zip_, city, version, optional_json = rows[0]
    address = Address(street=street, zip=zip_, city=city)
    fields = EmployeeFields(first_name, last_name, address, optional_fields.from_json(optional_json))
    return Employee(id=employee_id, version=version, fields=fields)
