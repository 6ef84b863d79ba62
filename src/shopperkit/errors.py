"""Errors are data: a stable code, parameters and where the problem is (file, row, JSON path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shopperkit.messages import render


class ShopperkitError(Exception):
    """Base of every error shopperkit raises on purpose.

    ``code`` is stable and meant for programs; ``str(error)`` is one line for people.
    """

    def __init__(
        self,
        code: str,
        params: Mapping[str, Any] | None = None,
        *,
        where: str | None = None,
    ) -> None:
        self.code = code
        self.params = dict(params or {})
        self.where = where
        super().__init__(self.message())

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its code, parameters and place when it crosses between processes.
        return (_rebuild, (type(self), self.code, self.params, self.where))

    def message(self, language: str = "en") -> str:
        """The one-line message, prefixed with where the problem is."""
        text = render(self.code, self.params, language)
        return f"{self.where}: {text}" if self.where else text


def _rebuild(
    kind: type[ShopperkitError], code: str, params: dict[str, Any], where: str | None
) -> ShopperkitError:
    return kind(code, params, where=where)


class InputError(ShopperkitError):
    """A file or record the user gave cannot be used."""


class ProgrammeError(ShopperkitError):
    """A programme file is malformed, unknown, or refers to something that does not exist."""


class PluginError(ShopperkitError):
    """A plugin failed to load or implements a hook wrongly; the message names the plugin."""


def plugin_failure(plugin: str, hook: str, error: Exception) -> PluginError:
    """The error for a plugin whose code raised ``error`` in ``hook``."""
    return PluginError(
        "plugin_hook_failed",
        {"plugin": plugin, "hook": hook, "reason": f"{type(error).__name__}: {error}"},
    )
