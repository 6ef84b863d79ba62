"""Render the reST roles of shopperkit's docstrings in the Markdown reference.

The docstrings are prose that names other objects with reST roles (``:class:`Reason```,
``:func:`~shopperkit.screen```) and introduces examples with a trailing ``::``. Markdown has
neither, so each role becomes inline code of the name as written (``~`` keeps only the last
part, as in Sphinx) and ``::`` before a literal block becomes ``:``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|attr|mod|obj|exc|const):`(?P<target>[^`]+)`")
LITERAL_BLOCK = re.compile(r"(?<=\S)::$", re.MULTILINE)


def _name(match: re.Match[str]) -> str:
    target = match["target"]
    if target.startswith("~"):
        target = target[1:].rsplit(".", 1)[-1]
    return f"`{target}`"


def markdown_of(text: str) -> str:
    """``text`` with its reST roles as inline code and each ``::`` marker as ``:``."""
    return LITERAL_BLOCK.sub(":", ROLE.sub(_name, text))


class ReSTRoles(griffe.Extension):
    """Rewrite every docstring as :func:`markdown_of` says, once, when it is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Called by griffe for each object it loads."""
        if obj.docstring is not None:
            obj.docstring.value = markdown_of(obj.docstring.value)


__all__ = ["ReSTRoles", "markdown_of"]
