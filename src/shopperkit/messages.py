"""Messages: how catalogues are merged and how a message is rendered in any language.

Each capability owns the messages of the codes it emits, in its own package
(``shopperkit/eligibility/messages.py``, ``shopperkit/forms/messages.py``, ...); this module
holds the rest (input files and records, programmes, plugins). :func:`merge_catalogues` is the
one way catalogues are combined: a code defined twice is refused, naming both owners. It
builds :func:`builtin_messages` from the built-in catalogues, and
:meth:`shopperkit.plugins.Plugins.messages` adds every plugin's (the ``shopperkit_messages``
hook) the same way.

A template's parameters are its ``{fields}``; every language of a message has the same fields
as English, and every code has every language in :data:`REQUIRED_LANGUAGES`. Inserted values
are wrapped in Unicode bidi isolation marks in right-to-left languages so numbers and names
read correctly.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

REQUIRED_LANGUAGES = ("en", "ar")
"""Languages every message must have (built-in and plugin-provided)."""

RTL_LANGUAGES = frozenset({"ar", "ur"})
_FSI, _PDI = "\u2068", "\u2069"

Templates = Mapping[str, str]
"""One message in several languages: language code -> template with ``{name}`` fields."""

Catalogue = Mapping[str, Templates]
"""Messages by code."""

CORE_MESSAGES: dict[str, dict[str, str]] = {
    # input files and records
    "file_not_found": {"en": "file not found", "ar": "الملف غير موجود"},
    "file_unreadable": {"en": "cannot read file: {reason}", "ar": "تعذرت قراءة الملف: {reason}"},
    "unknown_file_format": {
        "en": "cannot tell the format from the name; use .csv, .json or .jsonl",
        "ar": "تعذر معرفة صيغة الملف من اسمه؛ استخدم ‎.csv أو ‎.json أو ‎.jsonl",
    },
    "json_malformed": {"en": "malformed JSON: {reason}", "ar": "صيغة JSON غير صحيحة: {reason}"},
    "json_too_deep": {
        "en": "JSON nested deeper than {limit} levels",
        "ar": "بيانات JSON متداخلة بأكثر من {limit} مستوى",
    },
    "yaml_too_large": {
        "en": "YAML expands to more than {limit} values (aliases repeat what they refer to)",
        "ar": "ملف YAML يتوسع إلى أكثر من {limit} قيمة (الأسماء المستعارة تكرر ما تشير إليه)",
    },
    "yaml_recursive": {
        "en": "YAML alias refers to the value that contains it",
        "ar": "اسم مستعار في YAML يشير إلى القيمة التي تحتويه",
    },
    "output_not_a_file": {
        "en": "output is a folder, device or pipe, not a file; it is left as it is",
        "ar": "المخرج مجلد أو جهاز أو أنبوب وليس ملفاً؛ تُرك كما هو",
    },
    "output_unwritable": {
        "en": "cannot write output: {reason}",
        "ar": "تعذرت كتابة المخرج: {reason}",
    },
    "argument_missing": {
        "en": "{option} is needed with {given}",
        "ar": "الخيار {option} مطلوب مع {given}",
    },
    "argument_out_of_range": {
        "en": "{option} {value} is outside {low} to {high}",
        "ar": "قيمة {option} وهي {value} خارج النطاق من {low} إلى {high}",
    },
    "system_failure": {
        "en": "the system refused to read or write: {reason}",
        "ar": "رفض النظام القراءة أو الكتابة: {reason}",
    },
    "number_not_finite": {
        "en": "{path}: {value} is not a finite number; only finite numbers are allowed",
        "ar": "{path}: القيمة {value} ليست عددًا منتهيًا؛ لا تُقبل إلا الأعداد المنتهية",
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
    "programme_extends_cycle": {
        "en": "programme '{programme}' is built on itself: {chain}",
        "ar": "البرنامج '{programme}' مبني على نفسه: {chain}",
    },
    "removed_rule_unknown": {
        "en": "rule '{name}' cannot be removed: programme '{programme}' does not use it; "
        "it uses {known}",
        "ar": "لا يمكن حذف القاعدة '{name}': البرنامج '{programme}' لا يستخدمها؛ "
        "وهو يستخدم {known}",
    },
    "removed_parameter_unknown": {
        "en": "parameter '{name}' cannot be removed: programme '{programme}' has no such "
        "parameter; it has {known}",
        "ar": "لا يمكن حذف المعامل '{name}': البرنامج '{programme}' ليس فيه هذا المعامل؛ "
        "معاملاته {known}",
    },
    "rule_already_used": {
        "en": "rule '{name}' is already used by programme '{programme}'; remove it in "
        "removed_rules first, or replace it through overrides",
        "ar": "القاعدة '{name}' مستخدمة أصلاً في البرنامج '{programme}'؛ احذفها أولاً في "
        "removed_rules أو استبدلها عبر overrides",
    },
    "rule_example_duplicate": {
        "en": "rule '{name}' has examples from both {first} and {second}",
        "ar": "للقاعدة '{name}' أمثلة من {first} و{second} معاً",
    },
    "rule_example_missing": {
        "en": "rule '{rule}' from {plugin} has no example of an applicant who must {side} it; "
        "the plugin gives examples through the shopperkit_rule_examples hook",
        "ar": "القاعدة '{rule}' من {plugin} ليس لها مثال لمتقدم يجب أن {side} فيها؛ "
        "يقدم الملحق الأمثلة عبر الخطاف shopperkit_rule_examples",
    },
    "rule_example_wrong": {
        "en": "the example of rule '{rule}' from {plugin} should make applicant '{applicant}' "
        "{side} it and change no other rule's decision, but it does not (other rules "
        "failing: {others})",
        "ar": "مثال القاعدة '{rule}' من {plugin} يجب أن يجعل المتقدم '{applicant}' {side} فيها "
        "دون تغيير قرار أي قاعدة أخرى، لكنه لا يفعل (قواعد أخرى لم تتحقق: {others})",
    },
    "parameter_missing": {
        "en": "programme '{programme}' has no parameter '{name}'",
        "ar": "البرنامج '{programme}' ليس فيه المعامل '{name}'",
    },
    "parameter_wrong_type": {
        "en": "parameter '{name}' must be {expected}, not {actual}",
        "ar": "المعامل '{name}' يجب أن يكون {expected} وليس {actual}",
    },
    "parameter_not_in_force": {
        "en": "parameter '{name}' has no value in force on {date}: its first value takes "
        "effect on {first}",
        "ar": "المعامل '{name}' ليس له قيمة سارية في {date}: أول قيمة له تسري من {first}",
    },
    "parameter_date_duplicate": {
        "en": "parameter '{name}' has two values taking effect on {date}",
        "ar": "للمعامل '{name}' قيمتان تسريان من التاريخ نفسه {date}",
    },
    "parameter_dates_unordered": {
        "en": "parameter '{name}': the value taking effect on {date} comes after the one of "
        "{previous}; list values oldest first",
        "ar": "المعامل '{name}': القيمة السارية من {date} واردة بعد قيمة {previous}؛ "
        "رتّب القيم من الأقدم إلى الأحدث",
    },
    # calendars
    "date_outside_calendar": {
        "en": "{field} {date} is outside the {calendar} calendar's tables ({first} to {last})",
        "ar": "قيمة {field} ({date}) خارج نطاق جداول التقويم {calendar} (من {first} إلى {last})",
    },
    "calendar_unknown": {
        "en": "unknown calendar '{calendar}'; known: {known}",
        "ar": "تقويم غير معروف '{calendar}'؛ التقاويم المعروفة: {known}",
    },
    "rule_duplicate": {
        "en": "rule '{name}' is defined by both {first} and {second}; "
        "a programme replaces a rule only through 'overrides'",
        "ar": "القاعدة '{name}' معرفة في {first} و{second}؛ لا يُستبدل أي قاعدة إلا عبر 'overrides'",
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


class DuplicateMessageCode(ValueError):
    """Two catalogues define the same message code."""

    def __init__(self, code: str, first: str, second: str) -> None:
        self.code, self.first, self.second = code, first, second
        super().__init__(f"message code {code!r} is defined by both {first} and {second}")


def merge_catalogues(*catalogues: tuple[str, Catalogue]) -> dict[str, Templates]:
    """One catalogue from ``(owner, catalogue)`` pairs; a code two owners define is refused.

    Raises :class:`DuplicateMessageCode` naming the code and both owners.
    """
    merged: dict[str, Templates] = {}
    owners: dict[str, str] = {}
    for owner, catalogue in catalogues:
        for code, templates in catalogue.items():
            if code in owners:
                raise DuplicateMessageCode(code, owners[code], owner)
            owners[code] = owner
            merged[code] = templates
    return merged


@cache
def builtin_catalogues() -> tuple[tuple[str, Catalogue], ...]:
    """Every built-in catalogue with the module that owns it."""
    # Imported here: the capabilities import this module to render their messages.
    from shopperkit.assignment.messages import ASSIGNMENT_MESSAGES
    from shopperkit.eligibility.messages import ELIGIBILITY_MESSAGES
    from shopperkit.forms.messages import FORM_MESSAGES
    from shopperkit.insights.messages import INSIGHTS_MESSAGES
    from shopperkit.interview_messages import INTERVIEW_MESSAGES
    from shopperkit.lifecycle.messages import LIFECYCLE_MESSAGES
    from shopperkit.scoring.messages import SCORING_MESSAGES
    from shopperkit.selection.messages import SELECTION_MESSAGES
    from shopperkit.store.messages import STORE_MESSAGES

    return (
        ("shopperkit.messages", CORE_MESSAGES),
        ("shopperkit.eligibility.messages", ELIGIBILITY_MESSAGES),
        ("shopperkit.interview_messages", INTERVIEW_MESSAGES),
        ("shopperkit.selection.messages", SELECTION_MESSAGES),
        ("shopperkit.lifecycle.messages", LIFECYCLE_MESSAGES),
        ("shopperkit.assignment.messages", ASSIGNMENT_MESSAGES),
        ("shopperkit.forms.messages", FORM_MESSAGES),
        ("shopperkit.scoring.messages", SCORING_MESSAGES),
        ("shopperkit.insights.messages", INSIGHTS_MESSAGES),
        ("shopperkit.store.messages", STORE_MESSAGES),
    )


@cache
def builtin_messages() -> Mapping[str, Templates]:
    """Every built-in message by code (read-only), merged by :func:`merge_catalogues`."""
    return MappingProxyType(merge_catalogues(*builtin_catalogues()))


def template_fields(template: str) -> frozenset[str]:
    """The parameters a template names: ``"{age} on {as_of}"`` -> ``{"age", "as_of"}``."""
    names = set()
    for _, field_name, _, _ in string.Formatter().parse(template):
        if field_name is not None:
            names.add(field_name.split(".", 1)[0].split("[", 1)[0])
    return frozenset(names)


def catalogue_problems(catalogue: Catalogue) -> list[str]:
    """What is wrong with ``catalogue``, one sentence each (empty when nothing is).

    Each code needs a non-empty template in every language of :data:`REQUIRED_LANGUAGES`, and
    each language's template must be well formed and name the same fields as English.
    """
    problems: list[str] = []
    if not isinstance(catalogue, Mapping):
        return [f"the catalogue is a {type(catalogue).__name__}, not a mapping"]
    for code, templates in catalogue.items():
        if not isinstance(code, str) or not isinstance(templates, Mapping):
            problems.append(f"message {code!r} is not a mapping of language to template")
            continue
        missing = [lang for lang in REQUIRED_LANGUAGES if not templates.get(lang)]
        if missing:
            problems.append(f"message {code!r} has no text in {', '.join(missing)}")
        fields: dict[str, frozenset[str]] = {}
        for language, template in templates.items():
            if not isinstance(template, str):
                problems.append(f"message {code!r} in {language!r} is not a text")
                continue
            try:
                fields[language] = template_fields(template)
            except ValueError as error:
                problems.append(f"message {code!r} in {language!r} is malformed: {error}")
        english = fields.get("en")
        for language, names in fields.items():
            if english is not None and names != english:
                problems.append(
                    f"message {code!r} in {language!r} has fields {sorted(names)}, "
                    f"English has {sorted(english)}"
                )
    return problems


_COLLECTIONS = (list, tuple, frozenset, set)


def _display(value: Any) -> str:
    if isinstance(value, _COLLECTIONS):
        return ", ".join(str(item) for item in value)
    return str(value)


class _KeepMissing(dict[str, str]):
    """Values for a template; a field without a value stays visible as ``{field}``."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(templates: Templates, params: Mapping[str, Any], language: str) -> str:
    """Fill one message's template for ``language`` (English when it has none).

    In right-to-left languages every inserted value is wrapped in bidi isolation marks. A
    field without a parameter is left as ``{field}``.
    """
    template = templates.get(language) or templates.get("en") or ""
    if language in RTL_LANGUAGES:
        values = {key: _FSI + _display(value) + _PDI for key, value in params.items()}
    else:
        values = {key: _display(value) for key, value in params.items()}
    try:
        return template.format_map(_KeepMissing(values))
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


def render(
    code: str,
    params: Mapping[str, Any],
    language: str = "en",
    catalogue: Catalogue | None = None,
) -> str:
    """Render the message for ``code`` from ``catalogue`` (the built-in messages when left
    out); an unknown code renders as the code and its params."""
    templates = (builtin_messages() if catalogue is None else catalogue).get(code)
    if templates is None:
        detail = ", ".join(f"{key}={value}" for key, value in params.items())
        return f"{code}({detail})" if detail else code
    return format_message(templates, params, language)
