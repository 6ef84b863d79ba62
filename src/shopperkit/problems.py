"""Problems are data: a stable code, where it is (CSV column or JSON path) and parameters.

A :class:`FieldProblem` is one problem in one record; a :class:`RecordError` is a record that
could not be used, with every problem in it. Their text comes from the message catalogue in
any language it has; ``message`` is the English text, kept for files and logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from shopperkit.messages import Templates, render


@frozen
class FieldProblem:
    """One problem in one record: a stable code, where (CSV column or JSON path), its
    parameters and its English message."""

    code: str
    where: str
    message: str
    params: Mapping[str, Any] = field(factory=dict, eq=False)

    @classmethod
    def of(cls, code: str, where: str, **params: object) -> FieldProblem:
        """A problem with its English message rendered from the catalogue."""
        return cls(code=code, where=where, message=render(code, params), params=params)

    def text(self, language: str = "en", catalogue: Mapping[str, Templates] | None = None) -> str:
        """The message in ``language`` (from ``catalogue``, the built-in one when left out)."""
        return render(self.code, self.params, language, catalogue)


@frozen
class RecordError:
    """A record that could not be used: which file (or source) and row, and every problem."""

    file: str
    row: int
    id: str | None
    errors: tuple[FieldProblem, ...]


__all__ = ["FieldProblem", "RecordError"]
