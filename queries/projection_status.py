"""The state of each projection, for operators: how far it has applied the log and its size."""

from dataclasses import dataclass

from storage.database import Database
from storage.migrations import read_current
from storage.projectors import PROJECTORS


@dataclass(frozen=True)
class ProjectionStatus:
    projector: str
    checkpoint: int  # the last log position applied to the live view
    lag: int  # events in the log the live view has not applied
    rows: int
    rebuilding_at: int | None  # progress of a rebuild under way


def projection_statuses(db: Database) -> list[ProjectionStatus]:
    """Every projector's status, in one statement (with the schema check)."""
    sizes = " UNION ALL ".join(
        f"SELECT ? AS projector, (SELECT count(*) FROM {projector.table}) AS size" for projector in PROJECTORS
    )
    rows = read_current(
        db,
        "SELECT sizes.projector, sizes.size, checkpoints.last_seq, checkpoints.rebuild_seq,"
        " (SELECT coalesce(max(seq), 0) FROM events)"
        f" FROM ({sizes}) AS sizes LEFT JOIN projection_checkpoints AS checkpoints USING (projector)",
        [projector.name for projector in PROJECTORS],
    )
    found = {name: status for name, *status in rows}
    return [_status(projector.name, *found[projector.name]) for projector in PROJECTORS]


def _status(
    name: str, size: int, last_seq: int | None, rebuild_seq: int | None, head: int
) -> ProjectionStatus:
    # A projector new to the code has no checkpoint row until its first rebuild.
    checkpoint = last_seq or 0
    return ProjectionStatus(name, checkpoint, head - checkpoint, size, rebuild_seq)
