"""Optimistic concurrency in SQL: the guard a write adds to `WHERE id = ?`, so that checking the
client's expected version and writing are one statement."""

from domain.employee import ExpectedVersion


def version_condition(expected: ExpectedVersion | None) -> tuple[str, tuple[int, ...]]:
    """The SQL to append to `WHERE id = ?`, and its parameters."""
    if expected is None or expected.versions is None:
        return "", ()
    if not expected.versions:  # `IN ()` is SQLite's own extension; no version matches either way
        return " AND 0", ()
    ordered = tuple(sorted(expected.versions))
    return f" AND version IN ({', '.join('?' * len(ordered))})", ordered
