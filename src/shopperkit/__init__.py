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
from typing import TYPE_CHECKING

import pluggy

try:
    __version__ = version("shopperkit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

hookimpl = pluggy.HookimplMarker("shopperkit")
"""Decorator marking a plugin's hook implementation."""

# The public API, gathered for app developers (each stage's own package exports it too).
# Screening, interviews and the models load now; drawing, scoring and reporting on first use,
# so ``import shopperkit`` stays light and never loads the solver. Findings and reports come
# from ``shopperkit.insights.insights()``: at the top, ``shopperkit.insights`` is that package.
from shopperkit.eligibility import applicant_of, screen  # noqa: E402
from shopperkit.errors import InputError, PluginError, ProgrammeError, ShopperkitError  # noqa: E402
from shopperkit.interview import Interviewed, interview  # noqa: E402
from shopperkit.lazy import lazy_exports  # noqa: E402
from shopperkit.model import (  # noqa: E402
    Applicant,
    Candidate,
    Directory,
    Evaluation,
    Form,
    InterviewOutcome,
    InterviewScore,
    Pool,
    Programme,
    ScoredEvaluation,
    Status,
    Verdict,
)
from shopperkit.plugins import Plugins, make_plugin_manager  # noqa: E402
from shopperkit.problems import FieldProblem, RecordError  # noqa: E402
from shopperkit.registry import Registry  # noqa: E402

if TYPE_CHECKING:
    from shopperkit.insights import Insights, Report, report_aggregates
    from shopperkit.programmes import load_programme, programme_plan
    from shopperkit.scoring import Aggregates, Scored, ScoreStream, Scoring, render_card, score
    from shopperkit.selection import (
        Check,
        Draw,
        PoolInvalid,
        QuotaSet,
        QuotasInfeasible,
        draw,
        replace,
        reveal,
        verify,
    )

_LAZY = {
    "Check": "selection",
    "Draw": "selection",
    "PoolInvalid": "selection",
    "QuotaSet": "selection",
    "QuotasInfeasible": "selection",
    "draw": "selection",
    "replace": "selection",
    "reveal": "selection",
    "verify": "selection",
    "Aggregates": "scoring",
    "ScoreStream": "scoring",
    "Scored": "scoring",
    "Scoring": "scoring",
    "render_card": "scoring",
    "score": "scoring",
    "Insights": "insights",
    "Report": "insights",
    "report_aggregates": "insights",
    "load_programme": "programmes",
    "programme_plan": "programmes",
}
"""Public names loaded on first use, by the package that owns them."""


__getattr__ = lazy_exports(__name__, _LAZY, globals())


__all__ = [
    "Aggregates",
    "Applicant",
    "Candidate",
    "Check",
    "Directory",
    "Draw",
    "Evaluation",
    "FieldProblem",
    "Form",
    "InputError",
    "Insights",
    "InterviewOutcome",
    "InterviewScore",
    "Interviewed",
    "PluginError",
    "Plugins",
    "Pool",
    "PoolInvalid",
    "Programme",
    "ProgrammeError",
    "QuotaSet",
    "QuotasInfeasible",
    "RecordError",
    "Registry",
    "Report",
    "ScoreStream",
    "Scored",
    "ScoredEvaluation",
    "Scoring",
    "ShopperkitError",
    "Status",
    "Verdict",
    "__version__",
    "applicant_of",
    "draw",
    "hookimpl",
    "interview",
    "load_programme",
    "make_plugin_manager",
    "programme_plan",
    "render_card",
    "replace",
    "report_aggregates",
    "reveal",
    "score",
    "screen",
    "verify",
]
