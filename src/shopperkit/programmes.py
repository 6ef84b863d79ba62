"""Finding, reading and validating programme files."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from shopperkit.errors import InputError, ProgrammeError
from shopperkit.hookspecs import ProgrammeSource
from shopperkit.io.convert import from_data
from shopperkit.io.schemas import check
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InputError("duplicate_key", {"key": key})
        result[key] = value
    return result


def read_document(source: ProgrammeSource) -> Any:
    """Parse a JSON or TOML file (chosen by suffix); duplicate keys are an error."""
    where = str(source)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file_not_found", where=where) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=where) from None
    if source.name.endswith(".toml"):
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InputError("toml_malformed", {"reason": str(error)}, where=where) from None
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as error:
        raise InputError("json_malformed", {"reason": str(error)}, where=where) from None
    except InputError as error:
        raise InputError(error.code, error.params, where=where) from None


def _dates_as_text(value: Any) -> Any:
    """TOML dates become ISO strings, so TOML and JSON files validate the same way."""
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def load_programme(source: ProgrammeSource) -> Programme:
    """Read a programme file, check it against ``programme.schema.json`` and build it."""
    data = _dates_as_text(read_document(source))
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


def find_programme(plugins: Plugins, name: str) -> Programme:
    """A programme by id (from the installed plugins) or by the path of its file."""
    if name.endswith((".json", ".toml")) or Path(name).is_file():
        return load_programme(Path(name))
    known = available_programmes(plugins)
    if name not in known:
        raise ProgrammeError("programme_unknown", {"name": name, "known": sorted(known)})
    return known[name][1]
