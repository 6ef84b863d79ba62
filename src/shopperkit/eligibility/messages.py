"""Messages of screening: the reasons a rule gives and errors in a programme's rules.

Part of the built-in catalogue merged by :func:`shopperkit.messages.builtin_messages`.
"""

from __future__ import annotations

ELIGIBILITY_MESSAGES: dict[str, dict[str, str]] = {
    "age_below_minimum": {
        "en": "Applicant is {age} years old on {as_of}; the minimum age is {minimum_age}.",
        "ar": "عمر المتقدم {age} سنة في {as_of}؛ والحد الأدنى للعمر {minimum_age} سنة.",
    },
    "residency_too_short": {
        "en": "Applicant has been resident for {years} full years on {as_of}; "
        "at least {minimum_years} are required.",
        "ar": "مدة إقامة المتقدم {years} سنة كاملة في {as_of}؛ "
        "والمطلوب {minimum_years} سنة على الأقل.",
    },
    "residency_status_not_allowed": {
        "en": "Residency status '{status}' is not allowed; allowed: {allowed}.",
        "ar": "وضع الإقامة '{status}' غير مقبول؛ المقبول: {allowed}.",
    },
    "declarations_missing": {
        "en": "Required declarations not accepted: {missing}.",
        "ar": "إقرارات مطلوبة لم يتم قبولها: {missing}.",
    },
    "applied_outside_window": {
        "en": "Application dated {applied_on} is outside the registration window "
        "{opens} to {closes}.",
        "ar": "تاريخ الطلب {applied_on} خارج فترة التسجيل من {opens} إلى {closes}.",
    },
    "employed_by_evaluated_entity": {
        "en": "Applicant is employed by '{employer}', an entity under evaluation.",
        "ar": "المتقدم يعمل لدى '{employer}'، وهي جهة خاضعة للتقييم.",
    },
    "birth_date_unverifiable": {
        "en": "Birth date {birth_date} is after the reference date {as_of}; it must be checked.",
        "ar": "تاريخ الميلاد {birth_date} بعد التاريخ المرجعي {as_of}؛ يجب التحقق منه.",
    },
    "birth_date_missing": {
        "en": "Birth date is missing; age cannot be checked.",
        "ar": "تاريخ الميلاد غير موجود؛ لا يمكن التحقق من العمر.",
    },
    "application_date_missing": {
        "en": "Application date is missing; the registration window cannot be checked.",
        "ar": "تاريخ الطلب غير موجود؛ لا يمكن التحقق من فترة التسجيل.",
    },
    "residency_start_missing": {
        "en": "Applicant is a resident but the date residency began is missing.",
        "ar": "المتقدم مقيم لكن تاريخ بدء الإقامة غير موجود.",
    },
    "residency_start_unverifiable": {
        "en": "Residency start {resident_since} is before birth or after {as_of}; "
        "it must be checked.",
        "ar": "تاريخ بدء الإقامة {resident_since} قبل الميلاد أو بعد {as_of}؛ يجب التحقق منه.",
    },
    "deferred_to_interview": {
        "en": "'{criterion}' is judged at the personal interview, not at screening.",
        "ar": "يُقيَّم معيار '{criterion}' في المقابلة الشخصية وليس في مرحلة الفرز.",
    },
    "deferred_to_selection": {
        "en": "'{criterion}' is applied when the cohort is drawn, not at screening.",
        "ar": "يُطبَّق معيار '{criterion}' عند اختيار الفريق وليس في مرحلة الفرز.",
    },
    "programme_not_recruited": {
        "en": "programme '{programme}' has no recruitment stage (participation is "
        "'{participation}'): there is nothing to screen, interview or draw",
        "ar": "البرنامج '{programme}' ليس فيه مرحلة توظيف (المشاركة '{participation}')؛ "
        "لا يوجد ما يُفرز أو يُقابل أو يُختار",
    },
    "rule_unknown": {
        "en": "unknown eligibility rule '{name}'; known: {known}",
        "ar": "قاعدة أهلية غير معروفة '{name}'؛ القواعد المعروفة: {known}",
    },
    "rule_parameter_unknown": {
        "en": "rule '{rule}' takes no parameter '{name}'; it takes: {known}",
        "ar": "القاعدة '{rule}' لا تأخذ المعامل '{name}'؛ معاملاتها: {known}",
    },
    "rule_parameter_missing": {
        "en": "rule '{rule}' needs parameter '{name}'",
        "ar": "القاعدة '{rule}' تحتاج المعامل '{name}'",
    },
    "override_unknown_rule": {
        "en": "override replaces '{name}', which the programme does not use",
        "ar": "الاستبدال يخص القاعدة '{name}' التي لا يستخدمها البرنامج",
    },
}
