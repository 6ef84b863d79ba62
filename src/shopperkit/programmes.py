"""Finding, reading and validating programme files."""

from __future__ import annotations

from pathlib import Path

from shopperkit.errors import ProgrammeError
from shopperkit.hookspecs import ProgrammeSource
from shopperkit.io.convert import from_data
from shopperkit.io.documents import DOCUMENT_SUFFIXES, read_document
from shopperkit.io.schemas import check
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins


def load_programme(source: ProgrammeSource) -> Programme:
    """Read a programme file, check it against ``programme.schema.json`` and build it."""
    data = read_document(source)
    check("programme", data, where=str(source))
    data.pop("$schema", None)
    return from_data(Programme, data, where=str(source))


def available_programmes(plugins: Plugins) -> dict[str, tuple[str, Programme]]:
    """Every programme the installed plugins provide: id -> (plugin, programme)."""
    found: dict[str, tuple[str, Programme]] = {}
    for plugin, sources in plugins.programme_sources().items():
        for source in sources:
            programme = load_programme(source)
            if programme.id in found:
                raise ProgrammeError(
                    "programme_duplicate",
                    {"name": programme.id, "first": found[programme.id][0], "second": plugin},
                )
            found[programme.id] = (plugin, programme)
    return found


def is_programme_path(name: str) -> bool:
    """Whether ``name`` names a programme file rather than a programme id."""
    return name.endswith(DOCUMENT_SUFFIXES) or Path(name).is_file()
