"""Cohort selection: quotas, feasibility and its explanation, fair lotteries, audit.

Draw a cohort in memory with :func:`draw` (a :class:`Draw`), :func:`reveal` it with a seed
published after the lottery, :func:`replace` a member who withdraws and :func:`verify` a draw;
:mod:`shopperkit.io.draws` writes and reads draw directories.

Names are imported on first use, so ``import shopperkit.selection`` stays light and nothing
imports the solver until a draw needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopperkit.lazy import lazy_exports

if TYPE_CHECKING:
    from shopperkit.selection.audit import (
        Audit,
        Commitment,
        QuotaReport,
        Replacement,
        SelectionResult,
    )
    from shopperkit.selection.drawing import (
        METHODS,
        Check,
        Draw,
        Fairness,
        Panel,
        PoolInvalid,
        Progress,
        Published,
        QuotasInfeasible,
        Waitlist,
        check_pool,
        draw,
        replace,
        reveal,
        verify,
    )
    from shopperkit.selection.feasibility import (
        BoundReport,
        Excluded,
        Feasibility,
        Move,
    )
    from shopperkit.selection.quotas import Quota, QuotaSet, quotas_for

_HOMES = {
    "Audit": "audit",
    "Commitment": "audit",
    "QuotaReport": "audit",
    "Replacement": "audit",
    "SelectionResult": "audit",
    "METHODS": "drawing",
    "Check": "drawing",
    "Draw": "drawing",
    "Fairness": "drawing",
    "Panel": "drawing",
    "PoolInvalid": "drawing",
    "Progress": "drawing",
    "Published": "drawing",
    "QuotasInfeasible": "drawing",
    "check_pool": "drawing",
    "draw": "drawing",
    "replace": "drawing",
    "reveal": "drawing",
    "verify": "drawing",
    "Waitlist": "drawing",
    "BoundReport": "feasibility",
    "Excluded": "feasibility",
    "Feasibility": "feasibility",
    "Move": "feasibility",
    "Quota": "quotas",
    "QuotaSet": "quotas",
    "quotas_for": "quotas",
}

__all__ = [
    "METHODS",
    "Audit",
    "BoundReport",
    "Check",
    "Commitment",
    "Draw",
    "Excluded",
    "Fairness",
    "Feasibility",
    "Move",
    "Panel",
    "PoolInvalid",
    "Progress",
    "Published",
    "Quota",
    "QuotaReport",
    "QuotaSet",
    "QuotasInfeasible",
    "Replacement",
    "SelectionResult",
    "Waitlist",
    "check_pool",
    "draw",
    "quotas_for",
    "replace",
    "reveal",
    "verify",
]


__getattr__ = lazy_exports(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included."""
    return sorted([*globals(), *__all__])
