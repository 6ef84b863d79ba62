"""Messages of evaluation forms: loading, validating a record and linting a form.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

FORM_MESSAGES: dict[str, dict[str, str]] = {
    "form_unknown": {
        "en": "no installed plugin provides form '{name}'; known: {known}",
        "ar": "لا توجد إضافة مثبتة توفر النموذج '{name}'؛ النماذج المعروفة: {known}",
    },
    "form_duplicate": {
        "en": "form '{name}' is provided by both {first} and {second}",
        "ar": "النموذج '{name}' مقدم من {first} و{second} معاً",
    },
    "record_not_object": {
        "en": "an evaluation must be a JSON object",
        "ar": "يجب أن يكون التقييم كائن JSON",
    },
    "field_missing": {"en": "'{field}' is missing", "ar": "الحقل '{field}' غير موجود"},
    "field_unknown": {"en": "unknown field '{field}'", "ar": "حقل غير معروف '{field}'"},
    "field_wrong_type": {
        "en": "'{field}' must be {expected}",
        "ar": "يجب أن يكون '{field}' {expected}",
    },
    "field_not_allowed": {
        "en": "'{value}' is not allowed for '{field}'; allowed: {allowed}",
        "ar": "القيمة '{value}' غير مقبولة للحقل '{field}'؛ المقبول: {allowed}",
    },
    "datetime_unparseable": {
        "en": "'{value}' is not a date and time (ISO 8601)",
        "ar": "'{value}' ليس تاريخاً ووقتاً (ISO 8601)",
    },
    "form_mismatch": {
        "en": "the evaluation is for form '{value}', not '{form}'",
        "ar": "التقييم خاص بالنموذج '{value}' وليس '{form}'",
    },
    "form_version_mismatch": {
        "en": "the evaluation is for version '{value}' of the form, not '{version}'",
        "ar": "التقييم خاص بالإصدار '{value}' من النموذج وليس '{version}'",
    },
    "answer_question_unknown": {
        "en": "the form has no question '{question}'",
        "ar": "لا يحتوي النموذج على السؤال '{question}'",
    },
    "answer_wrong_type": {
        "en": "the answer to '{question}' must be {expected}",
        "ar": "يجب أن تكون إجابة '{question}' {expected}",
    },
    "answer_out_of_range": {
        "en": "{value} is outside {low} to {high} for '{question}'",
        "ar": "{value} خارج النطاق من {low} إلى {high} للسؤال '{question}'",
    },
    "answer_option_unknown": {
        "en": "'{value}' is not an option of '{question}'; options: {options}",
        "ar": "'{value}' ليس خياراً للسؤال '{question}'؛ الخيارات: {options}",
    },
    "answer_missing": {
        "en": "'{question}' is required",
        "ar": "السؤال '{question}' إلزامي",
    },
    "answer_not_shown": {
        "en": "'{question}' is asked only when '{depends_on}' is one of {values}",
        "ar": "يُطرح السؤال '{question}' فقط عندما تكون إجابة '{depends_on}' من {values}",
    },
    "answer_na_not_allowed": {
        "en": "'{question}' cannot be answered \"na\"",
        "ar": "لا يمكن الإجابة على '{question}' بـ \"na\"",
    },
    "journey_start_mismatch": {
        "en": "the journey starts at '{value}', not at the record's service '{service}'",
        "ar": "تبدأ الرحلة بالخدمة '{value}' وليس بخدمة التقييم '{service}'",
    },
    "journey_too_short": {
        "en": "hand-off section '{section}' is answered, so the journey needs at least "
        "{needed} services; it names {given}",
        "ar": "تمت الإجابة على قسم التحويل '{section}'، لذا تحتاج الرحلة إلى {needed} خدمات "
        "على الأقل؛ وهي تذكر {given}",
    },
    "journey_handoff_repeated": {
        "en": "hand-off sections '{first}' and '{second}' would both score hand-off '{handoff}'",
        "ar": "قسما التحويل '{first}' و'{second}' يقيّمان كلاهما التحويل '{handoff}'",
    },
    "answer_refused": {
        "en": "the answer to '{question}' is refused: {reason}",
        "ar": "الإجابة على '{question}' مرفوضة: {reason}",
    },
    "question_type_unknown": {
        "en": "question '{question}' has type '{type}', which no installed plugin scores; "
        "known: {known}",
        "ar": "نوع السؤال '{question}' هو '{type}' ولا توجد إضافة مثبتة تحتسبه؛ "
        "الأنواع المعروفة: {known}",
    },
    "question_type_duplicate": {
        "en": "question type '{name}' is scored by both {first} and {second}",
        "ar": "نوع السؤال '{name}' تحتسبه {first} و{second} معاً",
    },
    "duplicate_form_id": {
        "en": "id '{id}' is used more than once in the form",
        "ar": "المعرف '{id}' مستخدم أكثر من مرة في النموذج",
    },
    "option_points_missing": {
        "en": "option '{value}' has no points",
        "ar": "الخيار '{value}' بلا نقاط",
    },
    "question_max_points_zero": {
        "en": "no answer to '{question}' earns points, so it cannot be scored",
        "ar": "لا توجد إجابة للسؤال '{question}' تكسب نقاطاً، فلا يمكن احتساب درجته",
    },
    "band_overlap": {
        "en": "band {index} overlaps the band before it",
        "ar": "الفئة {index} تتداخل مع الفئة التي قبلها",
    },
    "band_gap": {
        "en": "values {low} to {high} fall in no band",
        "ar": "القيم من {low} إلى {high} لا تقع في أي فئة",
    },
    "band_open_not_last": {
        "en": "only the last band may omit 'upto'",
        "ar": "الفئة الأخيرة فقط يمكن أن تخلو من 'upto'",
    },
    "translation_missing": {
        "en": "no text in '{language}'",
        "ar": "لا يوجد نص باللغة '{language}'",
    },
    "language_undeclared": {
        "en": "text in '{language}', which the form does not declare",
        "ar": "نص باللغة '{language}' غير المعلنة في النموذج",
    },
    "fallback_language_undeclared": {
        "en": "fallback language '{language}' is not among the form's languages",
        "ar": "لغة الاحتياط '{language}' ليست من لغات النموذج",
    },
    "points_differ": {
        "en": "'{question}' scores differently in {first} and {second}",
        "ar": "يُحتسب '{question}' بشكل مختلف في {first} و{second}",
    },
    "show_if_unknown_question": {
        "en": "show_if refers to unknown question '{question}'",
        "ar": "show_if يشير إلى سؤال غير معروف '{question}'",
    },
    "show_if_not_earlier": {
        "en": "show_if must refer to an earlier question, not '{question}'",
        "ar": "يجب أن يشير show_if إلى سؤال سابق وليس '{question}'",
    },
    "show_if_value_unknown": {
        "en": "'{value}' is not an option of '{question}'",
        "ar": "'{value}' ليس خياراً للسؤال '{question}'",
    },
    "weights_sum_mismatch": {
        "en": "weights sum to {total}; the policy expects {expected}",
        "ar": "مجموع الأوزان {total}؛ والسياسة تتوقع {expected}",
    },
    "range_inverted": {
        "en": "min {low} is above max {high}",
        "ar": "الحد الأدنى {low} أعلى من الحد الأقصى {high}",
    },
}
