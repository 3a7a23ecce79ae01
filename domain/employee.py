"""The employee as the domain sees it: what a client submits, and what a stored employee is."""

from dataclasses import dataclass
from typing import Any

from domain.errors import ValidationFailed
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
