"""Messages of scoring evaluations.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

SCORING_MESSAGES: dict[str, dict[str, str]] = {
    "no_scored_answers": {
        "en": "no answer counts in the score (all not applicable or not asked)",
        "ar": "لا توجد إجابة تُحتسب في الدرجة (كلها غير منطبقة أو لم تُطرح)",
    },
    # score cards as text (render_card) and report inputs
    "score_card_heading": {
        "en": "{evaluation} ({form}): overall {score}",
        "ar": "{evaluation} ({form}): الدرجة الكلية {score}",
    },
    "score_card_band": {"en": ", band {band}", "ar": "، الفئة {band}"},
    "score_card_overall_zeroed": {
        "en": "overall zeroed: failed critical {questions}",
        "ar": "صُفّرت الدرجة الكلية: لم يجتز بنداً حرجاً {questions}",
    },
    "score_card_section_dropped": {
        "en": "dropped out, nothing in it counted",
        "ar": "استُبعد القسم، لم يُحتسب فيه شيء",
    },
    "score_card_section_zeroed": {
        "en": " (zeroed: a critical item failed)",
        "ar": " (صُفّر: لم يُجتز بند حرج)",
    },
    "score_card_adds": {"en": "{score}, adds {contribution}", "ar": "{score}، يضيف {contribution}"},
    "score_card_na": {"en": "N/A, left out", "ar": "لا ينطبق، مستبعد"},
    "score_card_hidden": {"en": "not asked", "ar": "لم يُطرح"},
    "score_card_unanswered": {"en": "not answered", "ar": "لم تتم الإجابة"},
    "score_card_text": {"en": "text, not scored", "ar": "نص، لا يُحتسب"},
    "score_card_bonus": {"en": " [bonus]", "ar": " [إضافي]"},
    "score_card_critical_failed": {"en": " [critical: failed]", "ar": " [حرج: لم يُجتز]"},
    "aggregates_not_for_report": {
        "en": "aggregates grouped by {by} cannot make a report; "
        "build them with report_aggregates() (grouped by {needed}, with shoppers)",
        "ar": "لا يمكن إعداد تقرير من تجميعات مجمّعة حسب {by}؛ "
        "أنشئوها باستخدام report_aggregates() (مجمّعة حسب {needed}، مع المتسوقين)",
    },
}
