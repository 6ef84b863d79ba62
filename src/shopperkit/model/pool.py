"""The candidate pool a cohort is drawn from: each candidate with a value per dimension."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen


@frozen
class Candidate:
    """One candidate: an id and a value on every diversity dimension of the pool.

    A value that cannot be told (say, no profession given) is ``"unknown"``.
    """

    id: str
    values: Mapping[str, str]


@frozen
class Pool:
    """The candidates, in id order, and the dimensions each has a value on."""

    dimensions: tuple[str, ...]
    candidates: tuple[Candidate, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """Every candidate's id, in pool order."""
        return tuple(candidate.id for candidate in self.candidates)

    def column(self, dimension: str) -> list[str]:
        """Every candidate's value on ``dimension``, in pool order."""
        return [candidate.values[dimension] for candidate in self.candidates]


__all__ = ["Candidate", "Pool"]
