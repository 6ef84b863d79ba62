"""Reading form files and finding forms by id among the installed plugins."""

from __future__ import annotations

from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.hookspecs import ProgrammeSource
from shopperkit.io.convert import from_data
from shopperkit.io.documents import DOCUMENT_SUFFIXES, read_document
from shopperkit.io.schemas import check
from shopperkit.model.forms import Form
from shopperkit.plugins import Plugins


def form_from_data(data: object, *, where: str) -> Form:
    """Build a form from parsed data, checked against ``form.schema.json`` first."""
    check("form", data, where=where)
    assert isinstance(data, dict)
    data = {key: value for key, value in data.items() if key != "$schema"}
    return from_data(Form, data, where=where)


def load_form(source: ProgrammeSource) -> Form:
    """Read a form file (JSON or YAML), check it against its schema and build it."""
    return form_from_data(read_document(source), where=str(source))


def available_forms(plugins: Plugins) -> dict[str, tuple[str, Form]]:
    """Every form the installed plugins provide: id -> (plugin, form)."""
    found: dict[str, tuple[str, Form]] = {}
    for plugin, sources in plugins.form_sources().items():
        for source in sources:
            form = load_form(source)
            if form.id in found:
                raise InputError(
                    "form_duplicate",
                    {"name": form.id, "first": found[form.id][0], "second": plugin},
                )
            found[form.id] = (plugin, form)
    return found


def is_form_path(name: str) -> bool:
    """Whether ``name`` names a form file rather than a form id."""
    return name.endswith(DOCUMENT_SUFFIXES) or Path(name).is_file()
