"""The one message catalogue: every code shopperkit emits, in English and Arabic.

Plugins add entries through the ``shopperkit_messages`` hook. Inserted values are wrapped in
Unicode bidi isolation marks in right-to-left languages so numbers and names read correctly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shopperkit.selection.messages import SELECTION_MESSAGES

RTL_LANGUAGES = frozenset({"ar", "ur"})
_FSI, _PDI = "\u2068", "\u2069"

Templates = Mapping[str, str]
"""One message in several languages: language code -> template with ``{name}`` fields."""

CORE_MESSAGES: dict[str, dict[str, str]] = {
    # eligibility reasons
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
    # interview
    "interview_below_pass_mark": {
        "en": "Mean committee score for '{criterion}' is {score}; the pass mark is {pass_mark}.",
        "ar": "متوسط درجات اللجنة لمعيار '{criterion}' هو {score}؛ ودرجة النجاح {pass_mark}.",
    },
    "interview_overall_below_pass_mark": {
        "en": "Mean committee score is {score}; the pass mark is {pass_mark}.",
        "ar": "متوسط درجات اللجنة {score}؛ ودرجة النجاح {pass_mark}.",
    },
    "interview_majority_failed": {
        "en": "Only {passing} of {members} committee members passed the applicant; "
        "a majority is required.",
        "ar": "اجتاز المتقدمَ {passing} فقط من أصل {members} من أعضاء اللجنة؛ والمطلوب الأغلبية.",
    },
    "interview_criterion_not_scored": {
        "en": "No committee member scored '{criterion}'.",
        "ar": "لم يقيّم أي عضو في اللجنة معيار '{criterion}'.",
    },
    "interview_not_eligible": {
        "en": "Applicant was interviewed but is not eligible at screening ({status}).",
        "ar": "أُجريت مقابلة مع المتقدم لكنه غير مؤهل في مرحلة الفرز ({status}).",
    },
    "interview_missing": {
        "en": "Eligible applicant has no interview scores yet.",
        "ar": "المتقدم المؤهل ليست له درجات مقابلة بعد.",
    },
    # input errors
    "file_not_found": {"en": "file not found", "ar": "الملف غير موجود"},
    "file_unreadable": {"en": "cannot read file: {reason}", "ar": "تعذرت قراءة الملف: {reason}"},
    "unknown_file_format": {
        "en": "cannot tell the format from the name; use .csv, .json or .jsonl",
        "ar": "تعذر معرفة صيغة الملف من اسمه؛ استخدم ‎.csv أو ‎.json أو ‎.jsonl",
    },
    "json_malformed": {"en": "malformed JSON: {reason}", "ar": "صيغة JSON غير صحيحة: {reason}"},
    "number_not_finite": {
        "en": "{path}: {value} is not a finite number; JSON allows only finite numbers",
        "ar": "{path}: القيمة {value} ليست عددًا منتهيًا؛ لا يقبل JSON إلا الأعداد المنتهية",
    },
    "toml_malformed": {"en": "malformed TOML: {reason}", "ar": "صيغة TOML غير صحيحة: {reason}"},
    "yaml_malformed": {"en": "malformed YAML: {reason}", "ar": "صيغة YAML غير صحيحة: {reason}"},
    "csv_malformed": {"en": "malformed CSV: {reason}", "ar": "صيغة CSV غير صحيحة: {reason}"},
    "csv_missing_columns": {
        "en": "missing required column(s): {columns}",
        "ar": "أعمدة مطلوبة غير موجودة: {columns}",
    },
    "csv_unknown_columns": {
        "en": "ignoring unknown column(s): {columns}",
        "ar": "تم تجاهل أعمدة غير معروفة: {columns}",
    },
    "value_missing": {"en": "value is missing", "ar": "القيمة غير موجودة"},
    "date_unparseable": {
        "en": "'{value}' is not a date (expected YYYY-MM-DD)",
        "ar": "'{value}' ليس تاريخاً (الصيغة المتوقعة YYYY-MM-DD)",
    },
    "number_unparseable": {"en": "'{value}' is not a number", "ar": "'{value}' ليس رقماً"},
    "value_not_allowed": {
        "en": "'{value}' is not one of {allowed}",
        "ar": "'{value}' ليست من القيم المقبولة {allowed}",
    },
    "duplicate_id": {
        "en": "id '{id}' already appears at {first}",
        "ar": "المعرف '{id}' مكرر، ظهر أولاً في {first}",
    },
    "schema_violation": {"en": "{reason}", "ar": "{reason}"},
    "structure_failed": {"en": "{reason}", "ar": "{reason}"},
    # programmes
    "programme_unknown": {
        "en": "unknown programme '{name}'; known: {known}",
        "ar": "برنامج غير معروف '{name}'؛ البرامج المعروفة: {known}",
    },
    "programme_duplicate": {
        "en": "programme '{name}' is provided by both {first} and {second}",
        "ar": "البرنامج '{name}' مقدم من {first} و{second} معاً",
    },
    "programme_not_recruited": {
        "en": "programme '{programme}' has no recruitment stage (participation is "
        "'{participation}'): there is nothing to screen, interview or draw",
        "ar": "البرنامج '{programme}' ليس فيه مرحلة توظيف (المشاركة '{participation}')؛ "
        "لا يوجد ما يُفرز أو يُقابل أو يُختار",
    },
    "parameter_missing": {
        "en": "programme '{programme}' has no parameter '{name}'",
        "ar": "البرنامج '{programme}' ليس فيه المعامل '{name}'",
    },
    "parameter_wrong_type": {
        "en": "parameter '{name}' must be {expected}, not {actual}",
        "ar": "المعامل '{name}' يجب أن يكون {expected} وليس {actual}",
    },
    "rule_unknown": {
        "en": "unknown eligibility rule '{name}'; known: {known}",
        "ar": "قاعدة أهلية غير معروفة '{name}'؛ القواعد المعروفة: {known}",
    },
    "rule_duplicate": {
        "en": "rule '{name}' is defined by both {first} and {second}; "
        "a programme replaces a rule only through 'overrides'",
        "ar": "القاعدة '{name}' معرفة في {first} و{second}؛ لا يُستبدل أي قاعدة إلا عبر 'overrides'",
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
    "dimension_unknown": {
        "en": "unknown diversity dimension '{name}'; known: {known}",
        "ar": "بُعد تنوع غير معروف '{name}'؛ الأبعاد المعروفة: {known}",
    },
    "dimension_duplicate": {
        "en": "dimension '{name}' is defined by both {first} and {second}",
        "ar": "البُعد '{name}' معرف في {first} و{second} معاً",
    },
    "message_duplicate": {
        "en": "message code '{name}' is defined by both {first} and {second}",
        "ar": "رمز الرسالة '{name}' معرف في {first} و{second} معاً",
    },
    "duplicate_key": {
        "en": "duplicate key '{key}'",
        "ar": "مفتاح مكرر '{key}'",
    },
    "pass_rule_unknown": {
        "en": "unknown interview pass rule '{name}'; known: {known}",
        "ar": "قاعدة نجاح مقابلة غير معروفة '{name}'؛ المعروفة: {known}",
    },
    "score_out_of_range": {
        "en": "score {value} is outside {low} to {high}",
        "ar": "الدرجة {value} خارج النطاق من {low} إلى {high}",
    },
    "criterion_unknown": {
        "en": "unknown interview criterion '{value}'; known: {allowed}",
        "ar": "معيار مقابلة غير معروف '{value}'؛ المعروفة: {allowed}",
    },
    # lifecycle and assignment
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
    "person_unknown": {
        "en": "no events for '{person}'",
        "ar": "لا توجد أحداث للشخص '{person}'",
    },
    "travel_abroad_too_long": {
        "en": "Travel abroad of {days} days is longer than {limit} days.",
        "ar": "السفر إلى الخارج لمدة {days} يوماً أطول من {limit} يوماً.",
    },
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
    "period_invalid": {
        "en": "the period ends ({to}) before it starts ({start})",
        "ar": "تنتهي الفترة ({to}) قبل أن تبدأ ({start})",
    },
    "directory_missing": {
        "en": "no directory of entities, services and centres: programme '{programme}' ships "
        "none; pass --directory FILE",
        "ar": "لا يوجد دليل للجهات والخدمات والمراكز: البرنامج '{programme}' لا يتضمن دليلاً؛ "
        "استخدم --directory FILE",
    },
    "directory_ambiguous": {
        "en": "programme '{programme}' ships {count} directories; pass --directory FILE",
        "ar": "البرنامج '{programme}' يتضمن {count} أدلة؛ استخدم --directory FILE",
    },
    # insights
    "status_transition_refused": {
        "en": "recommendation {id} cannot go from '{before}' to '{after}'",
        "ar": "لا يمكن نقل التوصية {id} من '{before}' إلى '{after}'",
    },
    "pseudonym_secret_missing": {
        "en": "no pseudonym secret: set ${env} (16 characters or more) or pass --secret-file",
        "ar": "لا يوجد مفتاح للأسماء المستعارة: اضبط ${env} (16 حرفاً أو أكثر) "
        "أو استخدم --secret-file",
    },
    # plugins
    "plugin_import_failed": {
        "en": "plugin '{plugin}' ({target}) failed to import: {reason}",
        "ar": "فشل استيراد الإضافة '{plugin}' ({target}): {reason}",
    },
    "plugin_invalid": {
        "en": "plugin '{plugin}' is invalid: {reason}",
        "ar": "الإضافة '{plugin}' غير صالحة: {reason}",
    },
    "plugin_hook_failed": {
        "en": "plugin '{plugin}' failed in hook {hook}: {reason}",
        "ar": "فشلت الإضافة '{plugin}' في {hook}: {reason}",
    },
    "internal_error": {
        "en": "internal error ({reason}); set SHOPPERKIT_DEBUG=1 for details",
        "ar": "خطأ داخلي ({reason})؛ اضبط SHOPPERKIT_DEBUG=1 للتفاصيل",
    },
}

FORM_MESSAGES: dict[str, dict[str, str]] = {
    # forms
    "form_unknown": {
        "en": "no installed plugin provides form '{name}'; known: {known}",
        "ar": "لا توجد إضافة مثبتة توفر النموذج '{name}'؛ النماذج المعروفة: {known}",
    },
    "form_duplicate": {
        "en": "form '{name}' is provided by both {first} and {second}",
        "ar": "النموذج '{name}' مقدم من {first} و{second} معاً",
    },
    # evaluation records
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
    "no_scored_answers": {
        "en": "no answer counts in the score (all not applicable or not asked)",
        "ar": "لا توجد إجابة تُحتسب في الدرجة (كلها غير منطبقة أو لم تُطرح)",
    },
    # form linter
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
CORE_MESSAGES.update(FORM_MESSAGES)

CORE_MESSAGES.update(SELECTION_MESSAGES)

_COLLECTIONS = (list, tuple, frozenset, set)


def _display(value: Any) -> str:
    if isinstance(value, _COLLECTIONS):
        return ", ".join(str(item) for item in value)
    return str(value)


def format_message(templates: Templates, params: Mapping[str, Any], language: str) -> str:
    """Fill one message's template for ``language`` (English when it has none).

    In right-to-left languages every inserted value is wrapped in bidi isolation marks.
    """
    template = templates.get(language) or templates.get("en") or ""
    if language in RTL_LANGUAGES:
        values = {key: _FSI + _display(value) + _PDI for key, value in params.items()}
    else:
        values = {key: _display(value) for key, value in params.items()}
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        return template


def render(
    code: str,
    params: Mapping[str, Any],
    language: str = "en",
    catalogue: Mapping[str, Templates] = CORE_MESSAGES,
) -> str:
    """Render the message for ``code``; an unknown code renders as the code and its params."""
    templates = catalogue.get(code)
    if templates is None:
        detail = ", ".join(f"{key}={value}" for key, value in params.items())
        return f"{code}({detail})" if detail else code
    return format_message(templates, params, language)
