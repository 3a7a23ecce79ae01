"""An employee's optional fields as rows of (employee_id, name, value), the value as JSON text: the
shape of both the write model's employee_optional_fields and the read model's
employee_optional_field_view. A new optional field is new rows here, never a new column."""

import json
from collections.abc import Mapping

from domain.employee import FieldValue
from storage.transaction import Transaction

WRITE_MODEL = "employee_optional_fields"


def insert(tx: Transaction, table: str, employee_id: str, optional: Mapping[str, FieldValue]) -> None:
    """One row per field, all in one statement; none at all when no field is set."""
    if not optional:
        return
    values = {name: json.dumps(value, ensure_ascii=False) for name, value in optional.items()}
    tx.execute(
        f"INSERT INTO {table} (employee_id, name, value) SELECT ?, key, value FROM json_each(?)",
        (employee_id, json.dumps(values, ensure_ascii=False)),
    )


def delete(tx: Transaction, table: str, employee_id: str) -> None:
    tx.execute(f"DELETE FROM {table} WHERE employee_id = ?", (employee_id,))


def replace(tx: Transaction, table: str, employee_id: str, optional: Mapping[str, FieldValue]) -> None:
    """What a PUT does: a field it leaves out is no longer set."""
    delete(tx, table, employee_id)
    insert(tx, table, employee_id, optional)


def gathered(table: str, employee_id_column: str) -> str:
    """A scalar subquery: the rows of the employee in `employee_id_column` as one JSON object,
    `{}` when none, so a read still needs only one statement."""
    return (
        f"(SELECT json_group_object(name, json(value)) FROM {table}"
        f" WHERE {table}.employee_id = {employee_id_column})"
    )


def from_json(document: str) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = json.loads(document)
    return fields
