"""Evaluation forms: loading, localisation, record validation, JSON Schema export, linting."""

from shopperkit.forms.load import available_forms, find_form, form_from_data, load_form

__all__ = ["available_forms", "find_form", "form_from_data", "load_form"]
