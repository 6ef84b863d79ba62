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

# The public API, gathered for app developers (each stage's own package exports it too).
from shopperkit.eligibility import applicant_of, screen  # noqa: E402
from shopperkit.errors import InputError, PluginError, ProgrammeError, ShopperkitError  # noqa: E402
from shopperkit.interview import Interviewed, interview  # noqa: E402
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
    Status,
    Verdict,
)
from shopperkit.plugins import Plugins, make_plugin_manager  # noqa: E402
from shopperkit.problems import FieldProblem, RecordError  # noqa: E402
from shopperkit.registry import Registry  # noqa: E402

__all__ = [
    "Applicant",
    "Candidate",
    "Directory",
    "Evaluation",
    "FieldProblem",
    "Form",
    "InputError",
    "InterviewOutcome",
    "InterviewScore",
    "Interviewed",
    "PluginError",
    "Plugins",
    "Pool",
    "Programme",
    "ProgrammeError",
    "RecordError",
    "Registry",
    "ShopperkitError",
    "Status",
    "Verdict",
    "__version__",
    "applicant_of",
    "hookimpl",
    "interview",
    "make_plugin_manager",
    "screen",
]
