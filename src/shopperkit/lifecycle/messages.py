"""Messages of the shopper lifecycle: refused events and reported conditions.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

LIFECYCLE_MESSAGES: dict[str, dict[str, str]] = {
    "transition_refused": {
        "en": "{person} is '{state}': event '{kind}' is not allowed; allowed: {allowed}",
        "ar": "حالة {person} هي '{state}': الحدث '{kind}' غير مسموح؛ المسموح: {allowed}",
    },
    "event_out_of_order": {
        "en": "event for {person} dated {at} comes after one dated {last}",
        "ar": "حدث {person} بتاريخ {at} يأتي بعد حدث بتاريخ {last}",
    },
    "activation_refused": {
        "en": "{person} cannot become active yet: training sessions still to attend: "
        "{trainings}; declarations still to sign: [{declarations}]",
        "ar": "لا يمكن تفعيل {person} بعد: جلسات التدريب المتبقية: {trainings}؛ "
        "الإقرارات غير الموقعة: [{declarations}]",
    },
    "review_decision_refused": {
        "en": "{person} is under review from '{state}': decision '{decision}' is not "
        "allowed; allowed: {allowed}",
        "ar": "{person} قيد المراجعة من الحالة '{state}': القرار '{decision}' غير مسموح؛ "
        "المسموح: {allowed}",
    },
    "person_unknown": {
        "en": "no events for '{person}'",
        "ar": "لا توجد أحداث للشخص '{person}'",
    },
    "travel_abroad_too_long": {
        "en": "Travel abroad of {days} days is longer than {limit} days.",
        "ar": "السفر إلى الخارج لمدة {days} يوماً أطول من {limit} يوماً.",
    },
}
