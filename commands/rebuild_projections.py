"""RebuildProjections: replay the event log into fresh view tables, one bounded chunk per call.

Each call applies the next `chunk_size` events to a projector's staging table and records how far
it got, so a rebuild spreads over as many short requests as it needs and resumes where the last
one stopped. The call that reaches the end of the log swaps the staging rows into the live view in
the same transaction, so readers see the old view or the rebuilt one, never a half-built one.
"""

from dataclasses import dataclass

from storage import event_log
from storage.projectors import PROJECTORS, Projector
from storage.transaction import Transaction

DEFAULT_CHUNK = 500


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


def rebuild_projections(command: RebuildProjections, tx: Transaction) -> list[RebuildProgress]:
    selected = [p for p in PROJECTORS if command.projector in (None, p.name)]
    if not selected:  # the API checks the name first; this guards other callers
        raise ValueError(f"no projector is named {command.projector!r}")
    return [_rebuild_chunk(tx, projector, command.chunk_size) for projector in selected]


def _rebuild_chunk(tx: Transaction, projector: Projector, chunk_size: int) -> RebuildProgress:
    position = _start_or_resume(tx, projector)
    events = event_log.read(tx, position, chunk_size)
    for logged in events:
        if logged.event is not None:  # an erased event: its stream ends in a deletion anyway
            projector.apply(tx, projector.staging_table, logged.event)
    position = events[-1].seq if events else position
    head = event_log.head(tx)
    if position >= head:
        _swap_in(tx, projector, head)
    else:
        tx.execute(
            "UPDATE projection_checkpoints SET rebuild_seq = ? WHERE projector = ?",
            (position, projector.name),
        )
    return RebuildProgress(projector.name, position, head, done=position >= head)


def _start_or_resume(tx: Transaction, projector: Projector) -> int:
    # A projector new to the code has no checkpoint row yet; it starts like any other rebuild.
    tx.execute(
        "INSERT OR IGNORE INTO projection_checkpoints (projector, last_seq) VALUES (?, 0)", (projector.name,)
    )
    rows = tx.execute("SELECT rebuild_seq FROM projection_checkpoints WHERE projector = ?", (projector.name,))
    if rows[0][0] is not None:
        position: int = rows[0][0]
        return position
    tx.execute(f"DELETE FROM {projector.staging_table}")
    return 0


def _swap_in(tx: Transaction, projector: Projector, head: int) -> None:
    tx.execute(f"DELETE FROM {projector.table}")
    tx.execute(f"INSERT INTO {projector.table} SELECT * FROM {projector.staging_table}")
    tx.execute(f"DELETE FROM {projector.staging_table}")
    tx.execute(
        "UPDATE projection_checkpoints SET last_seq = ?, rebuild_seq = NULL WHERE projector = ?",
        (head, projector.name),
    )
