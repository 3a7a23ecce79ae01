"""The state of each projection, for operators: how far it has applied the log and its size."""

from dataclasses import dataclass

from domain import event_log
from domain.database import Database
from domain.projections import PROJECTORS


@dataclass(frozen=True)
class ProjectionStatus:
    projector: str
    checkpoint: int  # the last log position applied to the live view
    lag: int  # events in the log the live view has not applied
    rows: int
    rebuilding_at: int | None  # progress of a rebuild under way


def projection_statuses(db: Database) -> list[ProjectionStatus]:
    head = event_log.head(db)
    checkpoints = {
        name: (last_seq, rebuild_seq)
        for name, last_seq, rebuild_seq in db.execute(
            "SELECT projector, last_seq, rebuild_seq FROM projection_checkpoints"
        )
    }
    statuses = []
    for projector in PROJECTORS:
        checkpoint, rebuilding_at = checkpoints.get(projector.name, (0, None))
        [(rows,)] = db.execute(f"SELECT count(*) FROM {projector.table}")
        statuses.append(ProjectionStatus(projector.name, checkpoint, head - checkpoint, rows, rebuilding_at))
    return statuses
