"""RebuildProjections: replay the event log into fresh view tables, one bounded chunk per call.

Each call applies the next `chunk_size` events to a projector's staging table and records how far
it got, so a rebuild spreads over as many short requests as it needs and resumes where the last
one stopped. The call that reaches the end of the log swaps the staging rows into the live view in
the same transaction, so readers see the old view or the rebuilt one, never a half-built one.
"""

from dataclasses import dataclass

from domain import event_log
from domain.database import Database
from domain.events import from_record
from domain.projections import PROJECTORS, Projector
from domain.transactions import transaction

DEFAULT_CHUNK = 500


class UnknownProjector(Exception):
    """No projector has this name."""


@dataclass(frozen=True)
class RebuildProjections:
    projector: str | None = None  # None: every projector
    chunk_size: int = DEFAULT_CHUNK


@dataclass(frozen=True)
class RebuildProgress:
    projector: str
    rebuilt_through: int  # the last log position applied to the staging table
    head: int  # the last log position
    done: bool  # swapped into the live view


def rebuild_projections(command: RebuildProjections, db: Database) -> list[RebuildProgress]:
    selected = [p for p in PROJECTORS if command.projector in (None, p.name)]
    if not selected:
        raise UnknownProjector(f"no projector is named {command.projector!r}")
    with transaction(db):
        return [_rebuild_chunk(db, projector, command.chunk_size) for projector in selected]


def _rebuild_chunk(db: Database, projector: Projector, chunk_size: int) -> RebuildProgress:
    position = _start_or_resume(db, projector)
    events = event_log.read(db, position, chunk_size)
    for logged in events:
        event = from_record(logged.record)
        if event is not None:
            projector.apply(db, projector.staging_table, event)
    position = events[-1].seq if events else position
    head = event_log.head(db)
    if position >= head:
        _swap_in(db, projector, head)
    else:
        db.execute(
            "UPDATE projection_checkpoints SET rebuild_seq = ? WHERE projector = ?",
            (position, projector.name),
        )
    return RebuildProgress(projector.name, position, head, done=position >= head)


def _start_or_resume(db: Database, projector: Projector) -> int:
    # A projector new to the code has no checkpoint row yet; it starts like any other rebuild.
    db.execute(
        "INSERT OR IGNORE INTO projection_checkpoints (projector, last_seq) VALUES (?, 0)", (projector.name,)
    )
    rows = db.execute("SELECT rebuild_seq FROM projection_checkpoints WHERE projector = ?", (projector.name,))
    if rows[0][0] is not None:
        position: int = rows[0][0]
        return position
    db.execute(f"DELETE FROM {projector.staging_table}")
    return 0


def _swap_in(db: Database, projector: Projector, head: int) -> None:
    db.execute(f"DELETE FROM {projector.table}")
    db.execute(f"INSERT INTO {projector.table} SELECT * FROM {projector.staging_table}")
    db.execute(f"DELETE FROM {projector.staging_table}")
    db.execute(
        "UPDATE projection_checkpoints SET last_seq = ?, rebuild_seq = NULL WHERE projector = ?",
        (head, projector.name),
    )
