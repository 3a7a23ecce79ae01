"""How a command can fail for reasons of the domain; api/problems.py turns each into an HTTP problem."""


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
