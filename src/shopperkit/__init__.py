"""shopperkit: run government Mystery Shopper programmes.

Screen volunteers, draw fair cohorts, score evaluations and report to the entities, with every
decision explained and reproducible. Programmes are plugins: a plugin author needs only
:data:`hookimpl`::

    from shopperkit import hookimpl

    @hookimpl
    def shopperkit_eligibility_rules():
        return [MY_RULE]

See ``docs/write-a-rule-plugin.md`` for a complete example.
"""

from importlib.metadata import PackageNotFoundError, version

import pluggy

try:
    __version__ = version("shopperkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

hookimpl = pluggy.HookimplMarker("shopperkit")
"""Decorator marking a plugin's hook implementation."""

__all__ = ["__version__", "hookimpl"]
