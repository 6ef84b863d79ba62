"""Messages of insights: recommendations, pseudonyms and integrity flags.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

INSIGHTS_MESSAGES: dict[str, dict[str, str]] = {
    "status_transition_refused": {
        "en": "recommendation {id} cannot go from '{before}' to '{after}'",
        "ar": "لا يمكن نقل التوصية {id} من '{before}' إلى '{after}'",
    },
    "pseudonym_secret_missing": {
        "en": "no pseudonym secret: set ${env} (16 characters or more) or pass --secret-file",
        "ar": "لا يوجد مفتاح للأسماء المستعارة: اضبط ${env} (16 حرفاً أو أكثر) "
        "أو استخدم --secret-file",
    },
    "report_language_undeclared": {
        "en": "'{language}' is not a report language of the programme (it declares: {declared})",
        "ar": "'{language}' ليست من لغات تقارير البرنامج (اللغات المعلنة: {declared})",
    },
    # integrity flags: the evidence of each flag fills its message
    "visit_too_short": {
        "en": "the visit took {minutes} minutes; at least {minimum} are expected",
        "ar": "استغرقت الزيارة {minutes} دقيقة؛ والمتوقع {minimum} دقيقة على الأقل",
    },
    "duplicate_submission": {
        "en": "the same answers for the same visit were already submitted as {first}",
        "ar": "سبق تقديم الإجابات نفسها للزيارة نفسها في التقييم {first}",
    },
    "straight_lining": {
        "en": "all {items} rated answers are the same ({answer})",
        "ar": "جميع الإجابات المقيّمة وعددها {items} متطابقة ({answer})",
    },
    "conflict_of_interest": {
        "en": "the shopper works for '{entity}', the entity evaluated",
        "ar": "المتسوق يعمل لدى '{entity}'، وهي الجهة التي جرى تقييمها",
    },
    "score_outlier": {
        "en": "score {score} is far from the median {peer_median} of {peers} other shoppers "
        "at the centre that week (modified z {modified_z})",
        "ar": "الدرجة {score} بعيدة عن الوسيط {peer_median} لدى {peers} متسوقين آخرين "
        "في المركز ذلك الأسبوع (z المعدلة {modified_z})",
    },
}
