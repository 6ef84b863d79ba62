"""Forms as XLSForm workbooks, the spreadsheets ODK Collect and KoboToolbox collect with.

The convention (sheets, ``sk_`` columns, how ``relevant`` becomes ``show_if``) is described in
``docs/forms-from-spreadsheets.md``. openpyxl and pyxform (the ``forms`` extra) are imported
only when a workbook is read or written.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from shopperkit.errors import InputError
from shopperkit.forms.load import form_from_data
from shopperkit.forms.surveyjs import NA_SUFFIX
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_binary
from shopperkit.model.forms import (
    BAND_TYPES,
    CORE_TYPES,
    LANGUAGES,
    OPTION_TYPES,
    Form,
    Question,
    Scalar,
    ShowIf,
)

LANGUAGE_NAMES: Mapping[str, str] = {
    "ar": "Arabic",
    "en": "English",
    "ur": "Urdu",
    "hi": "Hindi",
    "es": "Spanish",
    "zh": "Chinese",
    "fr": "French",
    "ru": "Russian",
}
"""The XLSForm name of each language: columns read ``label::English (en)``."""

VISIT_GROUP = "visit"
"""The group the export adds first, for the context of a visit; import skips it."""

VISIT_QUESTIONS = ("shopper", "entity", "centre", "service", "visited_at", "comment")
"""The questions of the ``visit`` group, named as evaluation records name these fields."""

EXTRA = "shopperkit[forms]"
MAX_CELL = 10_000
"""The most characters a cell may hold, read or written (spreadsheets cut text at 32,767)."""

SURVEY_SK = (
    "sk_type",
    "sk_weight",
    "sk_critical",
    "sk_na",
    "sk_fail_below",
    "sk_bonus",
    "sk_unit",
    "sk_min",
    "sk_max",
    "sk_handoff",
    "sk_na_for",
)
POLICY_SETTINGS = (
    "na",
    "aggregation",
    "critical",
    "bonus_cap",
    "precision",
    "bands_on",
    "bounds",
    "weights_sum",
)
_IGNORED_TYPES = frozenset(
    {
        *("start", "end", "today", "deviceid", "phonenumber", "username", "email"),
        *("simserial", "subscriberid", "audit", "note", "calculate", "start-geopoint"),
    }
)
_TRUE = frozenset({"yes", "true", "true()", "1"})
_FALSE = frozenset({"no", "false", "false()", "0"})
_LABEL = re.compile(r"^(label|hint)(?:\s*::\s*(.+?))?$")
_LANGUAGE = re.compile(r"^(?:.*\(\s*([A-Za-z-]+)\s*\)|([A-Za-z-]+))$")
_SELECT = re.compile(r"^select_(one|multiple)\s+(\S+)$")

_VISIT_TEXT: Mapping[str, Mapping[str, str]] = {
    "visit": {
        "ar": "الزيارة",
        "en": "Visit",
        "ur": "دورہ",
        "hi": "विज़िट",
        "es": "Visita",
        "zh": "访问",
        "fr": "Visite",
        "ru": "Визит",
    },
    "shopper": {
        "ar": "المتسوق",
        "en": "Shopper",
        "ur": "خریدار",
        "hi": "ख़रीदार",
        "es": "Comprador",
        "zh": "神秘顾客",
        "fr": "Client mystère",
        "ru": "Тайный покупатель",
    },
    "entity": {
        "ar": "الجهة",
        "en": "Entity",
        "ur": "ادارہ",
        "hi": "संस्था",
        "es": "Entidad",
        "zh": "机构",
        "fr": "Entité",
        "ru": "Ведомство",
    },
    "centre": {
        "ar": "مركز الخدمة",
        "en": "Service centre",
        "ur": "سروس سینٹر",
        "hi": "सेवा केंद्र",
        "es": "Centro de servicio",
        "zh": "服务中心",
        "fr": "Centre de service",
        "ru": "Центр обслуживания",
    },
    "service": {
        "ar": "الخدمة",
        "en": "Service",
        "ur": "سروس",
        "hi": "सेवा",
        "es": "Servicio",
        "zh": "服务",
        "fr": "Service",
        "ru": "Услуга",
    },
    "visited_at": {
        "ar": "تاريخ الزيارة ووقتها",
        "en": "Date and time of the visit",
        "ur": "دورے کی تاریخ اور وقت",
        "hi": "विज़िट की तारीख़ और समय",
        "es": "Fecha y hora de la visita",
        "zh": "访问日期和时间",
        "fr": "Date et heure de la visite",
        "ru": "Дата и время визита",
    },
    "comment": {
        "ar": "ملاحظات",
        "en": "Comment",
        "ur": "تبصرہ",
        "hi": "टिप्पणी",
        "es": "Comentario",
        "zh": "备注",
        "fr": "Commentaire",
        "ru": "Комментарий",
    },
}
_DIRECTORY_HINT: Mapping[str, str] = {
    "ar": "كما ورد في دليل البرنامج",
    "en": "As written in the programme's directory",
    "ur": "جیسا کہ پروگرام کی ڈائریکٹری میں درج ہے",
    "hi": "जैसा कार्यक्रम की निर्देशिका में लिखा है",
    "es": "Tal como figura en el directorio del programa",
    "zh": "与项目目录中的写法一致",
    "fr": "Tel qu'il figure dans l'annuaire du programme",
    "ru": "Как указано в справочнике программы",
}


def language_column(kind: str, language: str) -> str:
    """The XLSForm column of ``kind`` (``label``, ``hint``) in ``language``."""
    return f"{kind}::{LANGUAGE_NAMES[language]} ({language})"


def value_text(value: Scalar) -> str:
    """An option value as an XLSForm choice name (``3`` for the number 3)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- writing ------------------------------------------------------------------------------


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _flag(value: bool) -> str | None:
    return "yes" if value else None


def _quote(text: str) -> str:
    return f'"{text}"' if "'" in text else f"'{text}'"


def relevant_of(form: Form, condition: ShowIf) -> str:
    """The XLSForm ``relevant`` expression of ``condition``."""
    controller = form.questions()[condition.question][1]
    ref = "${" + condition.question + "}"
    if controller.type == "multi_choice":
        parts = [f"selected({ref}, {_quote(value_text(v))})" for v in condition.values]
    else:
        parts = [f"{ref} = {_quote(value_text(v))}" for v in condition.values]
    return " or ".join(parts)


def _xlsform_type(question: Question, list_name: str) -> str:
    if question.type == "multi_choice":
        return f"select_multiple {list_name}"
    if question.type in OPTION_TYPES:
        return f"select_one {list_name}"
    if question.type in BAND_TYPES:
        limits = [question.min, question.max]
        limits += [x for band in question.bands for x in (band.upto, band.start)]
        whole = all(x is None or float(x).is_integer() for x in limits)
        return "integer" if question.type == "duration" or whole else "decimal"
    return "text"


def _implied_type(xlsform_type: str, names: Sequence[str]) -> str:
    if xlsform_type.startswith("select_multiple"):
        return "multi_choice"
    if xlsform_type.startswith("select_one"):
        return "yes_no" if sorted(n for n in names if n != "na") == ["no", "yes"] else "choice"
    if xlsform_type in ("integer", "decimal"):
        return "number"
    return "text"


def _constraint(question: Question) -> str | None:
    low = question.min if question.min is not None else (0 if question.type == "duration" else None)
    parts = []
    if low is not None:
        parts.append(f". >= {value_text(low)}")
    if question.max is not None:
        parts.append(f". <= {value_text(question.max)}")
    return " and ".join(parts) or None


def _choice_rows(question: Question) -> list[tuple[Scalar, float | None, Mapping[str, str]]]:
    rows: list[tuple[Scalar, float | None, Mapping[str, str]]] = [
        (option.value, option.points, option.label) for option in question.options
    ]
    if question.na_allowed:
        rows.append(("na", None, {}))
    return rows


_NA_LABEL: Mapping[str, str] = {
    "ar": "لا ينطبق",
    "en": "Not applicable",
    "ur": "لاگو نہیں",
    "hi": "लागू नहीं",
    "es": "No aplica",
    "zh": "不适用",
    "fr": "Sans objet",
    "ru": "Не применимо",  # noqa: RUF001
}

NA_LIST = "sk_not_applicable"
"""The choice list (``yes``, ``no``) of the companion asking whether a number, duration or
text question is not applicable."""
_NA_CHOICES: Mapping[str, Mapping[str, str]] = {
    "yes": {
        "ar": "نعم",
        "en": "Yes",
        "ur": "ہاں",
        "hi": "हाँ",
        "es": "Sí",
        "zh": "是",
        "fr": "Oui",
        "ru": "Да",
    },
    "no": {
        "ar": "لا",
        "en": "No",
        "ur": "نہیں",
        "hi": "नहीं",
        "es": "No",
        "zh": "否",
        "fr": "Non",
        "ru": "Нет",
    },
}


def na_relevant(question: str, relevant: str | None) -> str:
    """The ``relevant`` of a number, duration or text question that may be not applicable:
    asked unless its companion ``<question>-na`` is ``yes`` (and when ``relevant`` holds)."""
    own = "${" + question + NA_SUFFIX + "} != 'yes'"
    return f"({relevant}) and {own}" if relevant else own


def _strip_na(question: str, relevant: str) -> str | None:
    """``relevant`` without what :func:`na_relevant` added for ``question`` (None: nothing
    else is left)."""
    own = "${" + question + NA_SUFFIX + "} != 'yes'"
    if relevant.strip() == own:
        return None
    tail = f") and {own}"
    if relevant.startswith("(") and relevant.endswith(tail):
        return relevant[1 : -len(tail)]
    return relevant


def workbook_rows(form: Form) -> dict[str, list[list[Any]]]:
    """The sheets of ``form``'s XLSForm: sheet name -> rows, the first being the header."""
    languages = list(form.languages)
    labels = [language_column("label", lang) for lang in languages]
    hints = [language_column("hint", lang) for lang in languages]
    survey_header = ["type", "name", *labels, *hints, "required", "relevant", "constraint"]
    survey_header += list(SURVEY_SK)
    survey: list[list[Any]] = [survey_header]

    def row(**cells: Any) -> None:
        survey.append([cells.get(column) for column in survey_header])

    def texts(kind: str, text: Mapping[str, str]) -> dict[str, Any]:
        return {language_column(kind, lang): text.get(lang) for lang in languages}

    row(type="begin group", name=VISIT_GROUP, **texts("label", _VISIT_TEXT[VISIT_GROUP]))
    for name in VISIT_QUESTIONS:
        kind = "dateTime" if name == "visited_at" else "text"
        hint = texts("hint", _DIRECTORY_HINT) if name in ("entity", "centre", "service") else {}
        required = None if name == "comment" else "yes"
        row(type=kind, name=name, required=required, **texts("label", _VISIT_TEXT[name]), **hint)
    row(type="end group")

    choices_header = ["list_name", "name", *labels, "sk_points", "sk_numeric"]
    choices: list[list[Any]] = [choices_header]
    lists: dict[tuple[Any, ...], str] = {}
    used: set[str] = {NA_LIST}
    if any(q.na_allowed and q.type not in OPTION_TYPES for _, q in form.questions().values()):
        for answer, label in _NA_CHOICES.items():
            choices.append([NA_LIST, answer, *(label.get(lang) for lang in languages), None, None])
    bands: list[list[Any]] = [["question", "from", "upto", "points"]]
    for section in form.sections:
        row(
            type="begin group",
            name=section.id,
            sk_weight=_number(section.weight),
            sk_handoff=_flag(section.handoff),
            **texts("label", section.title),
        )
        for question in section.questions:
            list_name = ""
            if question.type in OPTION_TYPES:
                entries = _choice_rows(question)
                key = tuple(
                    (type(v).__name__, v, p, tuple(sorted(label.items())))
                    for v, p, label in entries
                )
                if key not in lists:
                    base = "yes_no" if question.type == "yes_no" else question.id
                    name = base if base not in used else question.id
                    lists[key] = name
                    used.add(name)
                    for value, points, label in entries:
                        shown = label if value != "na" or points is not None else _NA_LABEL
                        numeric = not isinstance(value, str)
                        likert_like = question.type == "likert"
                        choices.append(
                            [
                                name,
                                value_text(value),
                                *(shown.get(lang) for lang in languages),
                                _number(points),
                                ("yes" if numeric else ("no" if likert_like else None)),
                            ]
                        )
                list_name = lists[key]
            xls_type = _xlsform_type(question, list_name)
            names = [value_text(o.value) for o in question.options]
            implied = _implied_type(xls_type, names)
            uses_na_choice = question.type in OPTION_TYPES
            relevant = relevant_of(form, question.show_if) if question.show_if else None
            if question.na_allowed and not uses_na_choice:
                row(
                    type=f"select_one {NA_LIST}",
                    name=question.id + NA_SUFFIX,
                    required="yes" if question.required else None,
                    relevant=relevant,
                    sk_na_for=question.id,
                    **texts("label", _NA_LABEL),
                )
                relevant = na_relevant(question.id, relevant)
            row(
                type=xls_type,
                name=question.id,
                required="yes" if question.required else None,
                relevant=relevant,
                constraint=_constraint(question),
                sk_type=None if implied == question.type else question.type,
                sk_weight=_number(question.weight),
                sk_critical=_flag(question.critical),
                sk_na=_flag(question.na_allowed and not uses_na_choice),
                sk_fail_below=_number(question.fail_below),
                sk_bonus=_flag(question.bonus),
                sk_unit=question.unit,
                sk_min=_number(question.min),
                sk_max=_number(question.max),
                **texts("label", question.text),
            )
            for band in question.bands:
                bands.append(
                    [question.id, _number(band.start), _number(band.upto), _number(band.points)]
                )
        row(type="end group")

    policy = to_data(form.policy)
    settings_header = ["form_title", "form_id", "version", "default_language", "sk_languages"]
    settings_header += [f"sk_title::{LANGUAGE_NAMES[lang]} ({lang})" for lang in languages]
    settings_header += [f"sk_{name}" for name in POLICY_SETTINGS] + ["sk_bands_note"]
    policy_cells: list[Any] = []
    for name in POLICY_SETTINGS:
        value = policy[name]
        if isinstance(value, bool):
            policy_cells.append("yes" if value else "no")
        elif value is None:
            policy_cells.append("none")
        else:
            policy_cells.append(_number(value) if isinstance(value, float) else value)
    settings: list[list[Any]] = [
        settings_header,
        [
            form.text(form.title, form.fallback_language),
            form.id,
            form.version,
            f"{LANGUAGE_NAMES[form.fallback_language]} ({form.fallback_language})",
            " ".join(languages),
            *(form.title.get(lang) for lang in languages),
            *policy_cells,
            form.bands_note,
        ],
    ]
    grades: list[list[Any]] = [["grade", "from", "upto", "stars", *labels]]
    for grade in form.bands:
        grades.append(
            [
                grade.grade,
                _number(grade.start),
                _number(grade.upto),
                grade.stars,
                *(grade.label.get(lang) for lang in languages),
            ]
        )
    return {
        "survey": survey,
        "choices": choices,
        "settings": settings,
        "sk_bands": bands,
        "sk_grades": grades,
    }


def _openpyxl() -> Any:
    try:
        import openpyxl
    except ImportError:
        raise InputError("xlsform_unavailable", {"extra": EXTRA}) from None
    return openpyxl


def xlsform_bytes(form: Form) -> bytes:
    """``form`` as an XLSForm workbook (every text cell stored as text, never as a formula)."""
    openpyxl = _openpyxl()
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in workbook_rows(form).items():
        sheet = book.create_sheet(name)
        for number, values in enumerate(rows, start=1):
            for column, value in enumerate(values, start=1):
                if value is None:
                    continue
                letter = openpyxl.utils.get_column_letter(column)
                where = f"sheet '{name}', row {number}, column {letter} ({rows[0][column - 1]})"
                if isinstance(value, str) and ILLEGAL_CHARACTERS_RE.search(value):
                    raise InputError("xlsform_text_unwritable", {"text": value[:40]}, where=where)
                if isinstance(value, str) and len(value) > MAX_CELL:
                    params = {"length": len(value), "limit": MAX_CELL}
                    raise InputError("xlsform_cell_too_long", params, where=where)
                cell = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_xlsform(form: Form, path: Path | str, *, check: bool = True) -> None:
    """Write ``form`` as an XLSForm workbook at ``path``; when ``check``, pyxform must convert
    it to an XForm first (``xlsform_pyxform`` otherwise)."""
    data = xlsform_bytes(form)
    if check:
        problem = pyxform_problem(data, where=str(path))
        if problem is not None:
            raise problem
    with atomic_binary(Path(path)) as stream:
        stream.write(data)


def to_xform(source: Path | str | bytes) -> str:
    """The XForm (XML) pyxform makes of a workbook, given as a path or as bytes."""
    try:
        from pyxform.xls2xform import convert
    except ImportError:
        raise InputError("xlsform_unavailable", {"extra": EXTRA}) from None
    if isinstance(source, bytes):
        result = convert(io.BytesIO(source), file_type=".xlsx", warnings=[])
    else:
        result = convert(str(source), warnings=[])
    xform: str = result.xform
    return xform


def pyxform_problem(source: Path | str | bytes, *, where: str) -> InputError | None:
    """pyxform's objection to a workbook (its message names the row), or None."""
    try:
        to_xform(source)
    except InputError:
        raise
    except Exception as error:  # pyxform raises PyXFormError, and others on odd workbooks
        reason = " ".join(str(error).split()) or type(error).__name__
        return InputError("xlsform_pyxform", {"reason": reason}, where=where)
    return None


# --- reading ------------------------------------------------------------------------------


@frozen
class Cell:
    """A cell's value and where it is."""

    value: Any
    where: str


@frozen
class Row:
    """A row of a sheet: its number and its non-empty cells by header."""

    number: int
    cells: Mapping[str, Cell]

    def get(self, column: str) -> Cell | None:
        """The cell of ``column``, if it holds something."""
        return self.cells.get(column)


@frozen
class XLSFormImport:
    """A form read from a workbook, or None, and every problem found (coded errors)."""

    form: Form | None
    problems: tuple[InputError, ...]


class _Reader:
    """Reads one workbook, gathering problems instead of stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[InputError] = []

    def problem(self, code: str, params: Mapping[str, Any], where: str) -> None:
        self.problems.append(InputError(code, params, where=f"{self.path}: {where}"))

    def sheet(self, book: Any, name: str, *, required: bool) -> list[Row] | None:
        from openpyxl.utils import get_column_letter

        titles = {title.strip().lower(): title for title in book.sheetnames}
        if name not in titles:
            if required:
                self.problems.append(
                    InputError("xlsform_sheet_missing", {"sheet": name}, where=str(self.path))
                )
            return None
        rows = list(book[titles[name]].iter_rows())
        if not rows:
            return []
        header: dict[int, str] = {}
        for index, cell in enumerate(rows[0]):
            if cell.value is None:
                continue
            letter = get_column_letter(index + 1)
            text = self._checked(cell, f"sheet '{name}', row 1, column {letter}")
            if text is None:
                continue
            if not isinstance(text, str):
                text = str(text)
            header[index] = text.strip()
            self.column_language(header[index], f"sheet '{name}', row 1, column {letter}")
        found: list[Row] = []
        for number, raw in enumerate(rows[1:], start=2):
            cells: dict[str, Cell] = {}
            for index, cell in enumerate(raw):
                column = header.get(index)
                if column is None or cell.value is None:
                    continue
                letter = get_column_letter(index + 1)
                where = f"sheet '{name}', row {number}, column {letter} ({column})"
                value = self._checked(cell, where)
                if value is None or value == "":
                    continue
                cells[column] = Cell(value, where)
            if cells:
                found.append(Row(number, cells))
        return found

    def _checked(self, cell: Any, where: str) -> Any:
        value = cell.value
        if getattr(cell, "data_type", None) == "f" or (
            isinstance(value, str) and value.startswith("=") and cell.data_type != "s"
        ):
            self.problem("xlsform_formula", {}, where)
            return None
        if isinstance(value, str) and len(value) > MAX_CELL:
            self.problem("xlsform_cell_too_long", {"length": len(value), "limit": MAX_CELL}, where)
            return None
        return value

    def text(self, cell: Cell | None) -> str | None:
        """A cell as text: numbers become their digits; dates and booleans are refused."""
        if cell is None:
            return None
        value = cell.value
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value_text(value)
        self.problem(
            "xlsform_cell_invalid", {"value": str(value)[:40], "expected": "text"}, cell.where
        )
        return None

    def name(self, cell: Cell | None) -> str | None:
        """A cell naming something: text without spaces around."""
        text = self.text(cell)
        return (text.strip() or None) if text is not None else None

    def number(self, cell: Cell | None) -> float | None:
        """A cell as a number (a number or text that is one)."""
        if cell is None or (isinstance(cell.value, str) and not cell.value.strip()):
            return None
        value = cell.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                number = float(value.strip())
            except ValueError:
                pass
            else:
                if number == number and abs(number) != float("inf"):
                    return number
        self.problem(
            "xlsform_cell_invalid", {"value": str(value)[:40], "expected": "number"}, cell.where
        )
        return None

    def integer(self, cell: Cell | None) -> int | None:
        """A cell as a whole number."""
        number = self.number(cell)
        if number is None:
            return None
        if not number.is_integer():
            assert cell is not None
            self.problem(
                "xlsform_cell_invalid",
                {"value": str(cell.value)[:40], "expected": "whole number"},
                cell.where,
            )
            return None
        return int(number)

    def flag(self, cell: Cell | None) -> bool | None:
        """A yes/no cell (``yes``, ``true``, ``true()``, ``1`` and their opposites)."""
        if cell is None or (isinstance(cell.value, str) and not cell.value.strip()):
            return None
        value = cell.value
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.problem(
            "xlsform_cell_invalid", {"value": str(value)[:40], "expected": "yes or no"}, cell.where
        )
        return None

    def languages_of(self, rows: list[Row], sheet: str) -> set[str]:
        """The languages named by the ``label::`` and ``hint::`` columns of ``rows``."""
        found: set[str] = set()
        for row in rows:
            for column, cell in row.cells.items():
                language = self.column_language(column, cell.where)
                if language:
                    found.add(language)
        return found

    def column_language(self, column: str, where: str) -> str | None:
        """The language of a ``label::``/``hint::`` column; '' for plain ``label``; None for
        other columns. An unknown language is a problem."""
        match = _LABEL.match(column)
        if match is None:
            return None
        if match.group(2) is None:
            return ""
        spec = _LANGUAGE.match(match.group(2).strip())
        code = (spec.group(1) or spec.group(2)).lower() if spec else None
        if code not in LANGUAGE_NAMES:
            where_column = where.rsplit(", row", 1)[0] + f", column '{column}'"
            problem = InputError(
                "xlsform_language_unknown",
                {"column": column, "known": ", ".join(LANGUAGES)},
                where=f"{self.path}: {where_column}",
            )
            if all(str(p) != str(problem) for p in self.problems):
                self.problems.append(problem)
            return None
        return code

    def localised(self, row: Row, kind: str, default: str) -> dict[str, str]:
        """The texts of ``kind`` (``label``) in ``row`` by language."""
        found: dict[str, str] = {}
        for column, cell in row.cells.items():
            match = _LABEL.match(column)
            if match is None or match.group(1) != kind:
                continue
            language = self.column_language(column, cell.where)
            if language is None:
                continue
            text = self.text(cell)
            if text is not None:
                found[language or default] = text
        return found


def import_xlsform(path: Path | str, *, pyxform: bool = True) -> XLSFormImport:
    """Read an XLSForm workbook into a form, with every problem found; ``pyxform`` also
    has pyxform convert it and reports its objection."""
    path = Path(path)
    openpyxl = _openpyxl()
    reader = _Reader(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise InputError("file_not_found", where=str(path)) from None
    except Exception as error:  # a zip that is not a workbook, a damaged file, ...
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InputError("xlsform_unreadable", {"reason": reason[:200]}, where=str(path)) from None
    try:
        data = _form_data(reader, book)
    finally:
        book.close()
    form = None
    if data is not None and not reader.problems:
        try:
            form = form_from_data(data, where=str(path))
        except InputError as error:
            reader.problems.append(error)
    if pyxform and form is not None:
        problem = pyxform_problem(path, where=str(path))
        if problem is not None:
            reader.problems.append(problem)
    return XLSFormImport(form if not reader.problems else None, tuple(reader.problems))


def read_xlsform(path: Path | str, *, pyxform: bool = True) -> Form:
    """The form of an XLSForm workbook; the first problem found is raised (an
    :class:`InputError` naming file, sheet, row and column)."""
    result = import_xlsform(path, pyxform=pyxform)
    if result.problems:
        raise result.problems[0]
    assert result.form is not None
    return result.form


def _settings(rows: list[Row]) -> dict[str, Cell]:
    """The settings row's cells by column (XLSForm reads the first row only)."""
    return dict(rows[0].cells) if rows else {}


def _form_data(reader: _Reader, book: Any) -> dict[str, Any] | None:
    survey = reader.sheet(book, "survey", required=True)
    choices = reader.sheet(book, "choices", required=False) or []
    settings_rows = reader.sheet(book, "settings", required=True)
    band_rows = reader.sheet(book, "sk_bands", required=False) or []
    grade_rows = reader.sheet(book, "sk_grades", required=False) or []
    if survey is None or settings_rows is None:
        return None
    settings = _settings(settings_rows)
    form_id = reader.name(settings.get("form_id"))
    version = reader.name(settings.get("version"))
    if form_id is None or version is None:
        missing = "form_id" if form_id is None else "version"
        reader.problem("xlsform_setting_missing", {"setting": missing}, "sheet 'settings'")
        return None
    default_cell = settings.get("default_language")
    default = None
    if default_cell is not None:
        default = reader.column_language(
            "label::" + (reader.text(default_cell) or ""), default_cell.where
        )
    used = reader.languages_of(survey, "survey") | reader.languages_of(choices, "choices")
    listed = reader.text(settings.get("sk_languages"))
    if listed is not None:
        languages: list[str] = listed.split()
        for language in languages:
            if language not in LANGUAGE_NAMES:
                cell = settings["sk_languages"]
                reader.problem(
                    "xlsform_cell_invalid",
                    {"value": language, "expected": ", ".join(LANGUAGES)},
                    cell.where,
                )
    else:
        languages = [lang for lang in LANGUAGES if lang in used - {""}]
    fallback = default or (languages[0] if languages else "en")
    if not languages:
        languages = [fallback]
    title: dict[str, str] = {}
    for column, cell in settings.items():
        if column.startswith("sk_title"):
            code = reader.column_language("label" + column[len("sk_title") :], cell.where)
            title_text = reader.text(cell)
            if code is not None and title_text is not None:
                title[code or fallback] = title_text
    if not title:
        title[fallback] = reader.text(settings.get("form_title")) or form_id
    policy: dict[str, Any] = {}
    for name in POLICY_SETTINGS:
        found = settings.get(f"sk_{name}")
        if found is None:
            continue
        if name == "bonus_cap":
            policy[name] = reader.flag(found)
        elif name == "precision":
            policy[name] = reader.integer(found)
        elif name == "weights_sum":
            text = str(found.value).strip().lower()
            policy[name] = None if text == "none" else reader.number(found)
        else:
            policy[name] = reader.name(found)
    options_by_list = _lists(reader, choices, fallback)
    bands_by_question: dict[str, list[dict[str, Any]]] = {}
    for row in band_rows:
        question = reader.name(row.get("question"))
        if question is None:
            reader.problem(
                "xlsform_cell_missing", {"column": "question"}, _row_where("sk_bands", row)
            )
            continue
        band: dict[str, Any] = {"points": reader.number(row.get("points"))}
        if band["points"] is None:
            reader.problem(
                "xlsform_cell_missing", {"column": "points"}, _row_where("sk_bands", row)
            )
        if row.get("upto") is not None:
            band["upto"] = reader.number(row.get("upto"))
        if row.get("from") is not None:
            band["from"] = reader.number(row.get("from"))
        bands_by_question.setdefault(question, []).append(band)
    sections = _sections(reader, survey, fallback, options_by_list, bands_by_question)
    known = {q["id"] for s in sections for q in s["questions"]}
    for question in bands_by_question:
        if question not in known:
            reader.problem("xlsform_question_unknown", {"question": question}, "sheet 'sk_bands'")
    grades = []
    for row in grade_rows:
        grade: dict[str, Any] = {"grade": reader.text(row.get("grade"))}
        if grade["grade"] is None:
            reader.problem(
                "xlsform_cell_missing", {"column": "grade"}, _row_where("sk_grades", row)
            )
        for column in ("upto", "from"):
            if row.get(column) is not None:
                grade[column] = reader.number(row.get(column))
        if row.get("stars") is not None:
            grade["stars"] = reader.integer(row.get("stars"))
        label = reader.localised(row, "label", fallback)
        if label:
            grade["label"] = label
        grades.append(grade)
    data: dict[str, Any] = {
        "id": form_id,
        "version": version,
        "title": title,
        "languages": languages,
        "fallback_language": fallback,
        "policy": policy,
        "sections": sections,
    }
    if grades:
        data["bands"] = grades
    note = reader.text(settings.get("sk_bands_note"))
    if note is not None:
        data["bands_note"] = note
    return data


def _row_where(sheet: str, row: Row) -> str:
    return f"sheet '{sheet}', row {row.number}"


@frozen
class _Choice:
    name: str
    points: float | None
    label: dict[str, str]
    numeric: bool | None
    where: str


def _lists(reader: _Reader, rows: list[Row], fallback: str) -> dict[str, list[_Choice]]:
    found: dict[str, list[_Choice]] = {}
    for row in rows:
        list_name = reader.name(row.get("list_name") or row.get("list name"))
        name = reader.name(row.get("name"))
        if list_name is None or name is None:
            missing = "list_name" if list_name is None else "name"
            reader.problem("xlsform_cell_missing", {"column": missing}, _row_where("choices", row))
            continue
        found.setdefault(list_name, []).append(
            _Choice(
                name,
                reader.number(row.get("sk_points")),
                reader.localised(row, "label", fallback),
                reader.flag(row.get("sk_numeric")),
                _row_where("choices", row),
            )
        )
    return found


def _option_value(choice: _Choice, kind: str) -> Scalar:
    numeric = choice.numeric
    if numeric is None:
        numeric = kind == "likert"
    if numeric:
        try:
            return int(choice.name)
        except ValueError:
            try:
                return float(choice.name)
            except ValueError:
                pass
    return choice.name


def _sections(
    reader: _Reader,
    survey: list[Row],
    fallback: str,
    lists: Mapping[str, list[_Choice]],
    bands: Mapping[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    skipping = False
    earlier: dict[str, dict[str, Any]] = {}
    # A companion asking whether a number, duration or text is not applicable, by row.
    companions: dict[int, str] = {}
    for row in survey:
        target = reader.name(row.get("sk_na_for"))
        if target is not None:
            companions[row.number] = target
    paired = set(companions.values())
    for row in survey:
        if row.number in companions:
            continue
        kind_text = reader.name(row.get("type"))
        if kind_text is None:
            reader.problem("xlsform_cell_missing", {"column": "type"}, _row_where("survey", row))
            continue
        kind = " ".join(kind_text.split())
        lowered = kind.lower().replace(" ", "_")
        where = _row_where("survey", row)
        if lowered in ("begin_group", "begin_repeat"):
            name = reader.name(row.get("name"))
            if lowered == "begin_repeat":
                reader.problem("xlsform_type_unsupported", {"type": kind}, where)
                skipping = True
                continue
            if current is not None or skipping:
                reader.problem("xlsform_group_nested", {"name": name or ""}, where)
                continue
            if name == VISIT_GROUP:
                skipping = True
                continue
            if name is None:
                reader.problem("xlsform_cell_missing", {"column": "name"}, where)
                name = f"row{row.number}"
            weight = reader.number(row.get("sk_weight"))
            current = {
                "id": name,
                "weight": weight if weight is not None else 1,
                "title": reader.localised(row, "label", fallback) or {fallback: name},
                "questions": [],
            }
            handoff = reader.flag(row.get("sk_handoff"))
            if handoff:
                current["handoff"] = True
            sections.append(current)
            continue
        if lowered in ("end_group", "end_repeat"):
            if skipping:
                skipping = False
            elif current is None:
                reader.problem("xlsform_group_unmatched", {}, where)
            else:
                current = None
            continue
        if skipping or lowered in _IGNORED_TYPES:
            continue
        question = _question(reader, row, kind, fallback, lists, bands, earlier, paired)
        if question is None:
            continue
        if current is None:
            reader.problem("xlsform_outside_group", {"name": question["id"]}, where)
            continue
        current["questions"].append(question)
        earlier[question["id"]] = question
    for number, target in companions.items():
        if target not in earlier or earlier[target].get("options") is not None:
            reader.problem(
                "xlsform_question_unknown", {"question": target}, f"sheet 'survey', row {number}"
            )
    if current is not None or skipping:
        reader.problem(
            "xlsform_group_unclosed",
            {"name": current["id"] if current else VISIT_GROUP},
            "sheet 'survey'",
        )
    return sections


def _question(
    reader: _Reader,
    row: Row,
    kind: str,
    fallback: str,
    lists: Mapping[str, list[_Choice]],
    bands: Mapping[str, list[dict[str, Any]]],
    earlier: Mapping[str, dict[str, Any]],
    paired: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any] | None:
    """The form-file data of a question row (None when it cannot be one); ``paired`` names
    the questions with a not-applicable companion row."""
    where = _row_where("survey", row)
    type_cell = row.get("type")
    assert type_cell is not None
    name = reader.name(row.get("name"))
    if name is None:
        reader.problem("xlsform_cell_missing", {"column": "name"}, where)
        return None
    select = _SELECT.match(kind)
    choices: list[_Choice] = []
    if select:
        list_name = select.group(2)
        if list_name not in lists:
            reader.problem("xlsform_list_unknown", {"list": list_name}, type_cell.where)
            return None
        choices = lists[list_name]
        xls_type = f"select_{select.group(1)}"
    elif kind in ("integer", "decimal", "text"):
        xls_type = kind
    else:
        reader.problem("xlsform_type_unsupported", {"type": kind}, type_cell.where)
        return None
    implied = _implied_type(xls_type, [c.name for c in choices])
    sk_type = reader.name(row.get("sk_type"))
    shopperkit_type = sk_type or implied
    if sk_type is not None and sk_type in CORE_TYPES:
        fits = {
            "select_one": OPTION_TYPES - {"multi_choice"},
            "select_multiple": {"multi_choice"},
            "integer": BAND_TYPES,
            "decimal": BAND_TYPES,
            "text": {"text"},
        }[xls_type]
        if sk_type not in fits:
            cell = row.get("sk_type")
            assert cell is not None
            reader.problem("xlsform_type_mismatch", {"type": sk_type, "xlsform": kind}, cell.where)
            return None
    question: dict[str, Any] = {
        "id": name,
        "type": shopperkit_type,
        "text": reader.localised(row, "label", fallback) or {fallback: name},
    }
    weight = reader.number(row.get("sk_weight"))
    if weight is not None:
        question["weight"] = weight
    required = reader.flag(row.get("required"))
    question["required"] = bool(required)
    na = bool(reader.flag(row.get("sk_na"))) or any(c.name == "na" for c in choices)
    na = na or name in paired
    if na:
        question["na_allowed"] = True
    for column in ("critical", "bonus"):
        if reader.flag(row.get(f"sk_{column}")):
            question[column] = True
    for column in ("fail_below", "min", "max"):
        number = reader.number(row.get(f"sk_{column}"))
        if number is not None:
            question[column] = number
    unit = reader.text(row.get("sk_unit"))
    if unit is not None:
        question["unit"] = unit
    if select:
        options = []
        for choice in choices:
            if choice.name == "na" and choice.points is None:
                continue
            if choice.points is None:
                reader.problem("xlsform_cell_missing", {"column": "sk_points"}, choice.where)
                continue
            option: dict[str, Any] = {
                "value": _option_value(choice, shopperkit_type),
                "points": choice.points,
            }
            if choice.label:
                option["label"] = choice.label
            options.append(option)
        question["options"] = options
    if name in bands:
        question["bands"] = bands[name]
    relevant = row.get("relevant")
    if relevant is not None:
        expression = reader.text(relevant)
        if expression is not None and name in paired:
            expression = _strip_na(name, expression)
        if expression is not None:
            try:
                question["show_if"] = show_if_of(expression, earlier)
            except Untranslatable as error:
                reader.problem(
                    "xlsform_relevant_untranslatable",
                    {"expression": expression[:200], "reason": str(error)},
                    relevant.where,
                )
    return question


# --- relevant <-> show_if -----------------------------------------------------------------


class Untranslatable(Exception):
    """A ``relevant`` expression that ``show_if`` cannot say; the message says why."""


_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<op>!=|<=|>=|=|<|>|\(|\)|,)|(?P<word>[A-Za-z_][A-Za-z0-9_:.-]*))"
)
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}


def _tokens(expression: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = expression.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise Untranslatable(f"cannot read it from '{text[position : position + 20]}'")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


Condition = tuple[str, tuple[str, ...], frozenset[str]]
"""A controlling question, the choice names (as text) that ask the question, and which of
:data:`_SPECIAL` ask it too in ODK."""
_UNANSWERED, _NOT_APPLICABLE = "", "na"
_SPECIAL = frozenset({_UNANSWERED, _NOT_APPLICABLE})
"""What a choice question may hold besides its options: nothing, or ``na``. ODK compares
them as text, so ``${q} != 'a'`` holds for both."""


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], questions: Mapping[str, Mapping[str, Any]]):
        self.tokens = tokens
        self.at = 0
        self.questions = questions

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise Untranslatable("it ends too early")
        self.at += 1
        return token

    def expect(self, text: str) -> None:
        _, value = self.take()
        if value != text:
            raise Untranslatable(f"'{text}' expected, found '{value}'")

    def parse(self) -> Condition:
        condition = self.either()
        if self.peek() is not None:
            raise Untranslatable(f"unexpected '{self.peek()[1]}'")  # type: ignore[index]
        return condition

    def either(self) -> Condition:
        condition = self.both()
        while self.peek() == ("word", "or"):
            self.take()
            condition = self.combine(condition, self.both(), "or")
        return condition

    def both(self) -> Condition:
        condition = self.atom()
        while self.peek() == ("word", "and"):
            self.take()
            condition = self.combine(condition, self.atom(), "and")
        return condition

    def combine(self, left: Condition, right: Condition, how: str) -> Condition:
        if left[0] != right[0]:
            raise Untranslatable(
                f"'{how}' joins conditions on two questions ({left[0]}, {right[0]}); "
                "show_if depends on one question"
            )
        if how == "or":
            names = (*left[1], *(name for name in right[1] if name not in left[1]))
            return left[0], names, left[2] | right[2]
        if self.controller("${" + left[0] + "}")["type"] == "multi_choice":
            raise Untranslatable("'and' on a multiple choice asks for several choices at once")
        return left[0], tuple(name for name in left[1] if name in right[1]), left[2] & right[2]

    def controller(self, ref: str) -> Mapping[str, Any]:
        name = ref[2:-1].strip()
        question = self.questions.get(name)
        if question is None:
            raise Untranslatable(f"'{name}' is not an earlier question of the form")
        if question["type"] not in OPTION_TYPES:
            raise Untranslatable(f"'{name}' is not a choice question")
        return question

    def names(self, ref: str) -> list[str]:
        return [value_text(o["value"]) for o in self.controller(ref)["options"]]

    def literal(self) -> str:
        kind, value = self.take()
        if kind == "str":
            return value[1:-1]
        if kind == "num":
            return value
        raise Untranslatable(f"a value expected, found '{value}'")

    def atom(self) -> Condition:
        kind, value = self.take()
        if value == "(":
            condition = self.either()
            self.expect(")")
            return condition
        if kind == "word" and value == "selected":
            self.expect("(")
            ref_kind, ref = self.take()
            if ref_kind != "ref":
                raise Untranslatable("selected() takes ${question} first")
            self.expect(",")
            chosen = self.literal()
            self.expect(")")
            return self.compare(ref, "=", chosen, selected=True)
        if kind == "word" and value == "not":
            self.expect("(")
            inner = self.either()
            self.expect(")")
            if self.controller("${" + inner[0] + "}")["type"] == "multi_choice":
                raise Untranslatable("not() on a multiple choice asks for a choice left out")
            names = self.names("${" + inner[0] + "}")
            kept = tuple(name for name in names if name not in inner[1])
            return inner[0], kept, _SPECIAL - inner[2]
        if kind == "ref":
            op_kind, op = self.take()
            if op_kind != "op" or op in "(),":
                raise Untranslatable(f"a comparison expected after {value}, found '{op}'")
            return self.compare(value, op, self.literal())
        if kind in ("str", "num"):
            op_kind, op = self.take()
            ref_kind, ref = self.take()
            if op_kind != "op" or ref_kind != "ref":
                raise Untranslatable("a comparison with ${question} expected")
            text = value[1:-1] if kind == "str" else value
            return self.compare(ref, _FLIP.get(op, op), text)
        raise Untranslatable(f"'{value}' is not supported")

    def compare(self, ref: str, op: str, text: str, *, selected: bool = False) -> Condition:
        question = self.controller(ref)
        names = self.names(ref)
        multi = question["type"] == "multi_choice"
        if multi and not selected:
            raise Untranslatable("a multiple choice is tested with selected(${q}, 'value')")
        if op in ("=", "!=") and text not in names:
            raise Untranslatable(f"'{text}' is not a choice of '{question['id']}'")
        if op == "=":
            chosen = [text]
        elif op == "!=":
            chosen = [name for name in names if name != text]
        elif op in ("<", "<=", ">", ">="):
            try:
                bound = float(text)
                values = {name: float(name) for name in names}
            except ValueError:
                raise Untranslatable(f"'{op}' compares numbers; the choices are not") from None
            tests: dict[str, Callable[[float], bool]] = {
                "<": lambda x: x < bound,
                "<=": lambda x: x <= bound,
                ">": lambda x: x > bound,
                ">=": lambda x: x >= bound,
            }
            chosen = [name for name, x in values.items() if tests[op](x)]
        else:
            raise Untranslatable(f"'{op}' is not supported")
        # Nothing and "na" are never equal to an option, nor a number that compares.
        return question["id"], tuple(chosen), _SPECIAL if op == "!=" else frozenset()


def show_if_of(expression: str, questions: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The ``show_if`` (form-file data) of an XLSForm ``relevant`` expression, given the
    earlier questions as form-file data; :class:`Untranslatable` when it cannot say it."""
    question, names, special = _Parser(_tokens(expression), questions).parse()
    controller = questions[question]
    if _UNANSWERED in special and (not controller.get("required", True) or "show_if" in controller):
        raise Untranslatable(
            f"ODK asks it while '{question}' is unanswered (it may be), which show_if cannot say"
        )
    if _NOT_APPLICABLE in special and controller.get("na_allowed"):
        raise Untranslatable(
            f"ODK asks it when '{question}' is not applicable, which show_if cannot say"
        )
    options = {value_text(o["value"]): o["value"] for o in controller["options"]}
    values = [options[name] for name in names if name in options]
    if not values:
        raise Untranslatable("no choice makes it true")
    return {"question": question, "in": values}


def problems_text(problems: Iterable[InputError]) -> list[str]:
    """Each problem as one line with its code."""
    return [f"{problem} [{problem.code}]" for problem in problems]


__all__ = [
    "LANGUAGE_NAMES",
    "VISIT_GROUP",
    "VISIT_QUESTIONS",
    "Untranslatable",
    "XLSFormImport",
    "import_xlsform",
    "language_column",
    "read_xlsform",
    "relevant_of",
    "show_if_of",
    "to_xform",
    "workbook_rows",
    "write_xlsform",
    "xlsform_bytes",
]
