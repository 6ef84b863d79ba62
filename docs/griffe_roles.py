"""Render the reST roles of shopperkit's docstrings in the Markdown reference.

The docstrings are prose that names other objects with reST roles (``:class:`Reason```,
``:func:`~shopperkit.screen```) and introduces examples with a trailing ``::``. Markdown has
neither, so each role becomes the name as written in inline code (``~`` keeps only the last
part, as in Sphinx), linked to that object's reference when the name resolves in the scope of
the docstring; ``::`` before a literal block becomes ``:``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|attr|mod|obj|exc|const):`(?P<target>[^`]+)`")
LITERAL_BLOCK = re.compile(r"(?<=\S)::$", re.MULTILINE)

Resolver = Callable[[str], "str | None"]
"""The full path of a name as written in a docstring, or None when it names nothing known."""


def _unresolved(name: str) -> None:
    return None


def markdown_of(text: str, resolve: Resolver = _unresolved) -> str:
    """``text`` with its reST roles as (linked) inline code and each ``::`` marker as ``:``."""

    def replace(match: re.Match[str]) -> str:
        target = match["target"]
        name = target.removeprefix("~")
        title = name.rsplit(".", 1)[-1] if target.startswith("~") else name
        path = resolve(name)
        if path is None:
            return f"`{title}`"
        # An optional cross-reference: a link when the object is in the reference, else code.
        return f'<autoref identifier="{path}" optional><code>{title}</code></autoref>'

    return LITERAL_BLOCK.sub(":", ROLE.sub(replace, text))


def resolver_in(scope: griffe.Object) -> Resolver:
    """Resolve names as Python would from ``scope``: its members, then its parents'."""

    def resolve(name: str) -> str | None:
        if name.startswith("shopperkit."):
            return name
        first, _, rest = name.partition(".")
        try:
            path = scope.resolve(first)
        except griffe.NameResolutionError:
            return None
        return f"{path}.{rest}" if rest else path

    return resolve


def documented(obj: griffe.Object) -> Iterator[griffe.Object]:
    """``obj`` and every object defined in it (imported names are documented where defined)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias and isinstance(member, griffe.Object):
            yield from documented(member)


class ReSTRoles(griffe.Extension):
    """Rewrite every docstring of a package as :func:`markdown_of` says, once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Called by griffe when a whole package is loaded, so every name can be resolved."""
        for obj in documented(pkg):
            if obj.docstring is not None:
                obj.docstring.value = markdown_of(obj.docstring.value, resolver_in(obj))


__all__ = ["ReSTRoles", "markdown_of", "resolver_in"]
