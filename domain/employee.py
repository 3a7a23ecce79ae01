"""The employee as the domain sees it: the fields a client sets, a stored employee at a version,
and the version a write may expect (optimistic concurrency)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.errors import NotFound, VersionConflict

# A value of an optional field, as JSON has it.
FieldValue = str | int | float | bool | None


@dataclass(frozen=True)
class Address:
    street: str
    zip: str
    city: str


@dataclass(frozen=True)
class EmployeeFields:
    """Everything a client sets on an employee: what a create or a replace writes."""

    first_name: str
    last_name: str
    address: Address
    # The optional fields the client set, by name (api/representation.py, OPTIONAL_FIELDS).
    optional: Mapping[str, FieldValue] = field(default_factory=dict)


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
    """A precondition on a write: it goes ahead only if the employee is at one of `versions` now,
    or exists at all when `versions` is None."""

    versions: frozenset[int] | None = None


def nothing_matched(employee_id: str, expected: ExpectedVersion | None) -> Exception:
    """Why a guarded write touched no row. With a precondition that is a conflict whether the
    employee is gone or only changed (RFC 9110, 13.1.1); without one, the employee does not exist."""
    return VersionConflict(employee_id) if expected else NotFound(employee_id)
