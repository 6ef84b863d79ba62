"""Reading structured documents (JSON, TOML, YAML) into plain data, the same way for all.

Duplicate keys are refused in every format, and dates come back as ISO strings so a document
validates against its JSON Schema whichever format it was written in.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from shopperkit.errors import InputError
from shopperkit.io.files import check_finite

DOCUMENT_SUFFIXES = (".json", ".toml", ".yaml", ".yml")
_MERGE = "tag:yaml.org,2002:merge"


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InputError("duplicate_key", {"key": key})
        result[key] = value
    return result


def dates_as_text(value: Any) -> Any:
    """Dates inside ``value`` as ISO strings (TOML and YAML parse them into dates)."""
    if isinstance(value, dict):
        return {key: dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [dates_as_text(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _load_yaml(text: str) -> Any:
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        """A safe loader that refuses a key repeated in one mapping."""

    def construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        # A key written twice is an error; a key that overrides one merged in with ``<<``
        # is how merges are meant to be used.
        _reject_duplicates(
            [(loader.construct_object(key), None) for key, _ in node.value if key.tag != _MERGE]
        )
        loader.flatten_mapping(node)
        return {
            loader.construct_object(key): loader.construct_object(value, deep=True)
            for key, value in node.value
        }

    UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)
    except yaml.YAMLError as error:
        raise InputError("yaml_malformed", {"reason": str(error).replace("\n", " ")}) from None


def parse_document(text: str, name: str) -> Any:
    """Parse ``text`` by the suffix of ``name``: TOML, YAML, or else JSON."""
    if name.endswith(".toml"):
        try:
            return dates_as_text(tomllib.loads(text))
        except tomllib.TOMLDecodeError as error:
            raise InputError("toml_malformed", {"reason": str(error)}) from None
    if name.endswith((".yaml", ".yml")):
        return dates_as_text(_load_yaml(text))
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except json.JSONDecodeError as error:
        raise InputError("json_malformed", {"reason": str(error)}) from None
    check_finite(data)
    return data


def read_document(source: Path | Traversable) -> Any:
    """Read and parse a document; every error names the file."""
    where = str(source)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("file_not_found", where=where) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=where) from None
    try:
        return parse_document(text, source.name)
    except InputError as error:
        raise InputError(error.code, error.params, where=where) from None
