"""The database version: the one migrations.sql has recorded in a database, and the one this code needs.

The code refuses a database whose version is older than DATABASE_VERSION, because its statements would
meet tables that are missing or shaped differently. A newer database is served: each version only
adds, so the previous code keeps working while a deployment rolls forward.
"""

from collections.abc import Sequence

from storage.database import Database, DatabaseError, Row, SchemaMissing, Value

DATABASE_VERSION = 3


class SchemaOutdated(DatabaseError):
    """migrations.sql (this version of it) has not been applied to this database yet."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"The database is at schema version {found}; this code needs version {DATABASE_VERSION}."
        )
        self.found = found


def applied_version(db: Database) -> int:
    """The highest version recorded in the database: 0 when it is empty or predates versions."""
    try:
        [(version,)] = db.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
    except SchemaMissing:
        return 0
    return int(version)


def read_current(
    db: Database, select: str, params: Sequence[Value] = (), order_by: Sequence[str] = ()
) -> list[Row]:
    """The rows of `select` ordered by its columns `order_by`, read in the same statement as the
    schema version: a read is one round trip to the host, and SchemaOutdated if this code cannot
    serve the database. The first column `select` returns must never be NULL."""
    order = f" ORDER BY {', '.join(f'page.{column}' for column in order_by)}" if order_by else ""
    try:
        rows = db.execute(
            "SELECT versions.current, page.* FROM"
            " (SELECT coalesce(max(version), 0) AS current FROM schema_migrations) AS versions"
            # A LEFT JOIN on one row: the version comes back even when `select` finds nothing.
            # Its ORDER BY picks the rows; only the outer one orders them.
            f" LEFT JOIN ({select}) AS page ON 1{order}",
            params,
        )
    except SchemaMissing:
        require_current_schema(db)  # the error path may take a second statement to say why
        raise
    if rows[0][0] < DATABASE_VERSION:
        raise SchemaOutdated(rows[0][0])
    return [row[1:] for row in rows if row[1] is not None]


def require_current_schema(db: Database) -> int:
    """The database's schema version, if this code can serve it; else SchemaOutdated."""
    version = applied_version(db)
    if version < DATABASE_VERSION:
        raise SchemaOutdated(version)
    return version
