"""Messages of mission assignment: references, journeys and the period.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

ASSIGNMENT_MESSAGES: dict[str, dict[str, str]] = {
    "reference_unknown": {
        "en": "unknown {kind} '{value}'",
        "ar": "{kind} غير معروف '{value}'",
    },
    "journey_not_linked": {
        "en": "service '{next}' is not linked from '{previous}' in the directory",
        "ar": "الخدمة '{next}' غير مرتبطة بالخدمة '{previous}' في الدليل",
    },
    "week_outside_period": {
        "en": "week {week} is outside the period's {weeks} week(s)",
        "ar": "الأسبوع {week} خارج أسابيع الفترة وعددها {weeks}",
    },
    "parameter_negative": {
        "en": "{name} is {value}; it must be 0 or more",
        "ar": "قيمة {name} هي {value}؛ يجب أن تكون 0 أو أكثر",
    },
    "period_invalid": {
        "en": "the period ends ({to}) before it starts ({start})",
        "ar": "تنتهي الفترة ({to}) قبل أن تبدأ ({start})",
    },
}
