"""Evaluation forms: loading, localisation, record validation, JSON Schema and SurveyJS export,
linting, and reading ODK Central and KoboToolbox submissions."""

from shopperkit.forms.compiled import CompiledForm
from shopperkit.forms.export import record_schema
from shopperkit.forms.lint import LintProblem, lint_files, lint_form
from shopperkit.forms.load import available_forms, form_from_data, is_form_path, load_form
from shopperkit.forms.submissions import read_submissions
from shopperkit.forms.surveyjs import from_surveyjs, to_surveyjs

__all__ = [
    "CompiledForm",
    "LintProblem",
    "available_forms",
    "form_from_data",
    "from_surveyjs",
    "is_form_path",
    "lint_files",
    "lint_form",
    "load_form",
    "read_submissions",
    "record_schema",
    "to_surveyjs",
]
