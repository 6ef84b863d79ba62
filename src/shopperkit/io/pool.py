"""Candidate pool files: a CSV with an id column and one column per dimension.

The id column is ``id`` unless named otherwise; the Sortition Foundation's people files, for
instance, name it ``nationbuilder_id``. Columns the quotas do not name (names, e-mail
addresses, telephone numbers...) are read, then left out of the pool a draw publishes
(:meth:`PoolFile.for_quotas`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from attrs import evolve, frozen

from shopperkit.errors import InputError
from shopperkit.io.files import atomic_write, csv_rows, csv_text, open_text
from shopperkit.model.pool import Candidate, Pool
from shopperkit.selection.quotas import QuotaSet

ID_COLUMN = "id"
"""The id column of a pool file unless told otherwise, and of every pool a draw publishes."""


def fold(text: str) -> str:
    """``text`` as compared when case is ignored: Unicode case folding (``Straße`` and
    ``STRASSE`` are one)."""
    return text.casefold()


@frozen
class PoolFile:
    """A pool as read from a file: the typed pool, the file's text (hashed into a draw's
    audit) and the line each candidate came from (for messages naming file and line).

    ``id_column`` is the column the ids were read from.
    """

    path: Path
    pool: Pool
    text: str
    lines: tuple[int, ...]
    id_column: str = ID_COLUMN

    def where(self, row: int) -> str:
        """``file:line`` of the pool's ``row``-th candidate (1 for the first)."""
        return f"{self.path}:{self.lines[row - 1]}"

    def for_quotas(
        self, quotas: QuotaSet, *, ignore_case: bool = False, keep: Iterable[str] = ()
    ) -> PoolFile:
        """The pool as a draw under ``quotas`` uses and publishes it: the id and the quota
        features' columns only (and the columns named in ``keep``), so personal columns such
        as names or addresses never reach a published file.

        With ``ignore_case`` a column matches a quota feature, and a value a quota value,
        whatever their case; both are then spelt as in the quotas, so two values differing
        only in case become one. A feature two columns match (``Gender`` and ``gender``) is
        refused (``pool_column_ambiguous``), and so are quotas naming two values of a feature
        that differ only in case (``quota_duplicate``; a programme's quotas follow the pool's
        spelling). Values no quota names are kept as they are, for
        :func:`shopperkit.selection.check_pool` to report by row.

        ``text`` stays the file's own when nothing changed (id column ``id``, no column left
        out, no value respelt); otherwise it is the pool written as CSV (:func:`pool_text`),
        which reads back to the same pool with the default settings.
        """
        wanted = set(keep)
        renamed: dict[str, str] = {}
        for feature in quotas.features:
            found = [
                column
                for column in self.pool.dimensions
                if column == feature or (ignore_case and fold(column) == fold(feature))
            ]
            if len(found) > 1:
                raise InputError(
                    "pool_column_ambiguous",
                    {"column": feature, "found": found},
                    where=str(self.path),
                )
            if found:
                renamed[found[0]] = feature
        for column in self.pool.dimensions:
            if column in wanted and column not in renamed:
                renamed[column] = column
        spelling: dict[str, dict[str, str]] = {}
        for feature, known in quotas.values().items():
            spelt = spelling[feature] = {}
            for value in known:
                other = spelt.setdefault(fold(value), value)
                if ignore_case and other != value:
                    raise InputError(
                        "quota_duplicate",
                        {"feature": feature, "value": value, "first": f"{feature}={other}"},
                        where=str(self.path),
                    )
        dimensions = tuple(renamed[column] for column in self.pool.dimensions if column in renamed)
        if ID_COLUMN in dimensions and self.id_column != ID_COLUMN:
            raise InputError(
                "pool_column_ambiguous",
                {"column": ID_COLUMN, "found": [self.id_column, ID_COLUMN]},
                where=str(self.path),
            )
        candidates = []
        for candidate in self.pool.candidates:
            values = {}
            for column, name in renamed.items():
                value = candidate.values[column]
                if ignore_case and name in spelling:
                    value = spelling[name].get(fold(value), value)
                values[name] = value
            candidates.append(Candidate(candidate.id, values))
        pool = Pool(dimensions, tuple(candidates))
        if pool == self.pool and self.id_column == ID_COLUMN:
            return self
        return evolve(self, pool=pool, text=pool_text(pool), id_column=ID_COLUMN)


def read_pool(path: Path, *, id_column: str = ID_COLUMN, ignore_case: bool = False) -> PoolFile:
    """The pool CSV at ``path``, read once: every other column than ``id_column`` is a
    dimension (see :func:`pool_from_text`).

    Candidates keep the file's order; duplicate or empty ids are kept, for
    :func:`shopperkit.selection.check_pool` to report by row.
    """
    text = open_text(path)
    return pool_from_text(text, path, id_column=id_column, ignore_case=ignore_case)


def pool_from_text(
    text: str, path: Path, *, id_column: str = ID_COLUMN, ignore_case: bool = False
) -> PoolFile:
    """The pool in CSV ``text`` (``path`` names it in messages), its ids in ``id_column``
    (found whatever its case with ``ignore_case``). A header without it raises
    ``pool_id_column_missing``, naming the column asked for and the columns found."""
    try:
        header, found = csv_rows(path, (), text=text)
    except InputError as error:
        if error.code != "csv_missing_columns":
            raise
        header, found = [], iter(())
    matches = [name for name in header if name == id_column] or [
        name for name in header if ignore_case and fold(name) == fold(id_column)
    ]
    if not matches:
        raise InputError(
            "pool_id_column_missing", {"column": id_column, "found": header}, where=str(path)
        )
    if len(matches) > 1:
        raise InputError(
            "pool_column_ambiguous", {"column": id_column, "found": matches}, where=str(path)
        )
    ids = matches[0]
    rows = list(found)
    dimensions = tuple(name for name in header if name != ids)
    lines: list[int] = []
    candidates: list[Candidate] = []
    for line, row in rows:
        lines.append(line)
        candidates.append(Candidate(row[ids], {name: row[name] for name in dimensions}))
    return PoolFile(path, Pool(dimensions, tuple(candidates)), text, tuple(lines), ids)


def pool_text(pool: Pool) -> str:
    """The pool as CSV text: ``id`` then every dimension, one line per candidate."""
    return csv_text(
        (ID_COLUMN, *pool.dimensions),
        ({ID_COLUMN: candidate.id, **candidate.values} for candidate in pool.candidates),
    )


def write_pool(path: Path, pool: Pool) -> None:
    """Write the pool CSV (see :func:`pool_text`) atomically."""
    atomic_write(path, pool_text(pool))


__all__ = [
    "ID_COLUMN",
    "PoolFile",
    "fold",
    "pool_from_text",
    "pool_text",
    "read_pool",
    "write_pool",
]
