"""The employee as the domain sees it: what a client submits, and what a stored employee is."""

from dataclasses import dataclass
from typing import Any

from domain.errors import NotFound, ValidationFailed, VersionConflict
from domain.schema import EMPLOYEE_INPUT, validate


@dataclass(frozen=True)
class Address:
    street: str
    zip: str
    city: str


@dataclass(frozen=True)
class EmployeeFields:
    """Everything a client sets on an employee: the body of POST and PUT."""

    first_name: str
    last_name: str
    address: Address

    @classmethod
    def from_json(cls, document: Any) -> "EmployeeFields":
        """Validate a parsed JSON body against the schema; raise ValidationFailed listing every error."""
        errors = validate(EMPLOYEE_INPUT, document)
        if errors:
            raise ValidationFailed(errors)
        address = document["address"]
        return cls(
            first_name=document["firstName"],
            last_name=document["lastName"],
            address=Address(street=address["street"], zip=address["zip"], city=address["city"]),
        )


@dataclass(frozen=True)
class Employee:
    """A stored employee at one version."""

    id: str
    version: int
    fields: EmployeeFields

    @property
    def list_name(self) -> str:
        """The name as the list shows it: "Last, First"."""
        return f"{self.fields.last_name}, {self.fields.first_name}"


@dataclass(frozen=True)
class ExpectedVersion:
    """A precondition on a write (HTTP If-Match): it goes ahead only if the employee is at one of
    `versions` now, or exists at all when `versions` is None (`If-Match: *`)."""

    versions: frozenset[int] | None = None


def version_condition(expected: ExpectedVersion | None) -> tuple[str, tuple[int, ...]]:
    """SQL to add to `WHERE id = ?`, so the version check and the write are one statement."""
    if expected is None or expected.versions is None:
        return "", ()
    if not expected.versions:  # `IN ()` is SQLite's own extension; no version matches either way
        return " AND 0", ()
    ordered = tuple(sorted(expected.versions))
    return f" AND version IN ({', '.join('?' * len(ordered))})", ordered


def nothing_matched(employee_id: str, expected: ExpectedVersion | None) -> Exception:
    """Why a guarded write touched no row. With a precondition that is 412 whether the employee
    is gone or only changed (RFC 9110, 13.1.1); without one, the employee does not exist."""
    return VersionConflict(employee_id) if expected else NotFound(employee_id)
