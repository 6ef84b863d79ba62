"""Insights for the entities: findings, recommendations, reports, privacy and integrity.

From Python::

    from shopperkit.insights import insights

    found = insights(scored, forms, programme=programme, secret=secret, plugins=plugins)
    html = found.report("ar").html()

Names load on first use, so importing the package stays light and free of cycles.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopperkit.lazy import lazy_exports

if TYPE_CHECKING:
    from shopperkit.insights.findings import Finding, FindingPolicy, GroupScores
    from shopperkit.insights.followup import (
        Followup,
        FollowupPolicy,
        FollowupState,
        FollowupTarget,
        KeptVerdict,
        Verdict,
        followup_states,
        followup_targets,
        followups,
        kept_targets,
        planned_counts,
        serving,
        verdicts,
        with_followups,
    )
    from shopperkit.insights.integrity import Flag, IntegrityPolicy
    from shopperkit.insights.privacy import Pseudonymiser
    from shopperkit.insights.recommendations import Recommendation, StatusChange
    from shopperkit.insights.render import Report
    from shopperkit.insights.report import (
        REPORT_KEYS,
        Insights,
        insights,
        report_aggregates,
    )
    from shopperkit.insights.stats import Sample

_HOMES = {
    "Finding": "findings",
    "FindingPolicy": "findings",
    "GroupScores": "findings",
    "Followup": "followup",
    "FollowupPolicy": "followup",
    "FollowupState": "followup",
    "FollowupTarget": "followup",
    "followup_states": "followup",
    "followup_targets": "followup",
    "KeptVerdict": "followup",
    "kept_targets": "followup",
    "planned_counts": "followup",
    "serving": "followup",
    "Verdict": "followup",
    "followups": "followup",
    "verdicts": "followup",
    "with_followups": "followup",
    "Flag": "integrity",
    "IntegrityPolicy": "integrity",
    "Pseudonymiser": "privacy",
    "Recommendation": "recommendations",
    "StatusChange": "recommendations",
    "Report": "render",
    "REPORT_KEYS": "report",
    "Insights": "report",
    "insights": "report",
    "report_aggregates": "report",
    "Sample": "stats",
}

__all__ = [
    "REPORT_KEYS",
    "Finding",
    "FindingPolicy",
    "Flag",
    "Followup",
    "FollowupPolicy",
    "FollowupState",
    "FollowupTarget",
    "GroupScores",
    "Insights",
    "IntegrityPolicy",
    "KeptVerdict",
    "Pseudonymiser",
    "Recommendation",
    "Report",
    "Sample",
    "StatusChange",
    "Verdict",
    "followup_states",
    "followup_targets",
    "followups",
    "insights",
    "kept_targets",
    "planned_counts",
    "report_aggregates",
    "serving",
    "verdicts",
    "with_followups",
]


__getattr__ = lazy_exports(__name__, _HOMES, globals())
