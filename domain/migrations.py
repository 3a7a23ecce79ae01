"""The schema version: the one migrations.sql has recorded in a database, and the one this code needs.

The code refuses a database whose version is older than SCHEMA_VERSION, because its statements would
meet tables that are missing or shaped differently. A newer database is served: each version only
adds, so the previous code keeps working while a deployment rolls forward.
"""

from domain.database import Database, DatabaseError, SchemaMissing

SCHEMA_VERSION = 1


class SchemaOutdated(DatabaseError):
    """migrations.sql (this version of it) has not been applied to this database yet."""

    def __init__(self, found: int) -> None:
        super().__init__(
            f"The database is at schema version {found}; this code needs version {SCHEMA_VERSION}."
        )
        self.found = found


def applied_version(db: Database) -> int:
    """The highest version recorded in the database: 0 when it is empty or predates versions."""
    try:
        [(version,)] = db.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
    except SchemaMissing:
        return 0
    return int(version)


def require_current_schema(db: Database) -> int:
    """The database's schema version, if this code can serve it; else SchemaOutdated."""
    version = applied_version(db)
    if version < SCHEMA_VERSION:
        raise SchemaOutdated(version)
    return version
