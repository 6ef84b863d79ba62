"""Candidate pool files: a CSV with column ``id`` and one column per dimension."""

from __future__ import annotations

from pathlib import Path

from attrs import frozen

from shopperkit.io.files import atomic_write, csv_rows, csv_text, open_text
from shopperkit.model.pool import Candidate, Pool


@frozen
class PoolFile:
    """A pool as read from a file: the typed pool, the file's text (hashed into a draw's
    audit) and the line each candidate came from (for messages naming file and line)."""

    path: Path
    pool: Pool
    text: str
    lines: tuple[int, ...]

    def where(self, row: int) -> str:
        """``file:line`` of the pool's ``row``-th candidate (1 for the first)."""
        return f"{self.path}:{self.lines[row - 1]}"


def read_pool(path: Path) -> PoolFile:
    """The pool CSV at ``path``, read once: every other column than ``id`` is a dimension.

    Candidates keep the file's order; duplicate or empty ids are kept, for
    :func:`shopperkit.selection.check_pool` to report by row.
    """
    text = open_text(path)
    return pool_from_text(text, path)


def pool_from_text(text: str, path: Path) -> PoolFile:
    """The pool in CSV ``text`` (``path`` names it in messages)."""
    header, found = csv_rows(path, ("id",), text=text)
    rows = list(found)
    dimensions = tuple(name for name in header if name != "id")
    lines: list[int] = []
    candidates: list[Candidate] = []
    for line, row in rows:
        lines.append(line)
        candidates.append(Candidate(row["id"], {name: row[name] for name in dimensions}))
    return PoolFile(path, Pool(dimensions, tuple(candidates)), text, tuple(lines))


def pool_text(pool: Pool) -> str:
    """The pool as CSV text: ``id`` then every dimension, one line per candidate."""
    return csv_text(
        ("id", *pool.dimensions),
        ({"id": candidate.id, **candidate.values} for candidate in pool.candidates),
    )


def write_pool(path: Path, pool: Pool) -> None:
    """Write the pool CSV (see :func:`pool_text`) atomically."""
    atomic_write(path, pool_text(pool))


__all__ = ["PoolFile", "pool_from_text", "pool_text", "read_pool", "write_pool"]
