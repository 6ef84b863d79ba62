"""Evaluation forms: loading, localisation, record validation, JSON Schema export, linting."""

from shopperkit.forms.compiled import CompiledForm
from shopperkit.forms.export import record_schema
from shopperkit.forms.lint import LintProblem, lint_files, lint_form
from shopperkit.forms.load import available_forms, form_from_data, is_form_path, load_form

__all__ = [
    "CompiledForm",
    "LintProblem",
    "available_forms",
    "form_from_data",
    "is_form_path",
    "lint_files",
    "lint_form",
    "load_form",
    "record_schema",
]
