"""Reads of employees: the list (employee_list_view) and one employee (employee_details_view)."""

from dataclasses import dataclass

from domain.database import Database
from domain.employee import Address, Employee, EmployeeFields


@dataclass(frozen=True)
class EmployeeSummary:
    """One line of the employee list."""

    id: str
    name: str
    city: str


def employees(db: Database) -> list[EmployeeSummary]:
    """Every employee, ordered case-insensitively by "Last, First", then by id."""
    rows = db.execute("SELECT id, name, city FROM employee_list_view ORDER BY sort_key, id")
    return [EmployeeSummary(id=id_, name=name, city=city) for id_, name, city in rows]


def employee(db: Database, employee_id: str) -> Employee | None:
    rows = db.execute(
        "SELECT first_name, last_name, street, zip, city, version FROM employee_details_view WHERE id = ?",
        (employee_id,),
    )
    if not rows:
        return None
    first_name, last_name, street, zip_, city, version = rows[0]
    address = Address(street=street, zip=zip_, city=city)
    fields = EmployeeFields(first_name=first_name, last_name=last_name, address=address)
    return Employee(id=employee_id, version=version, fields=fields)
