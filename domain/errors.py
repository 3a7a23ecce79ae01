"""Errors the domain raises; app.py alone turns them into HTTP problems."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One invalid part of a request body, located by a JSON pointer (RFC 6901)."""

    pointer: str
    detail: str


@dataclass(frozen=True)
class ParameterError:
    """One invalid query parameter."""

    parameter: str
    detail: str


class ValidationFailed(Exception):
    """Well-formed input that breaks the schema; every broken field or parameter is listed."""

    def __init__(self, errors: list[FieldError] | list[ParameterError]) -> None:
        super().__init__(f"{len(errors)} invalid field(s)")
        self.errors = errors


class NotFound(Exception):
    """No employee has this id (any more)."""

    def __init__(self, employee_id: str) -> None:
        super().__init__(f"no employee with id {employee_id}")
        self.employee_id = employee_id


class VersionConflict(Exception):
    """The employee is not at the version the client expected (or no longer exists)."""

    def __init__(self, employee_id: str) -> None:
        super().__init__(f"employee {employee_id} is not at the version given in If-Match")
        self.employee_id = employee_id
