"""Messages of scoring evaluations.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

SCORING_MESSAGES: dict[str, dict[str, str]] = {
    "no_scored_answers": {
        "en": "no answer counts in the score (all not applicable or not asked)",
        "ar": "لا توجد إجابة تُحتسب في الدرجة (كلها غير منطبقة أو لم تُطرح)",
    },
}
