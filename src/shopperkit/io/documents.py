"""Reading structured documents (JSON, TOML, YAML) into plain data, the same way for all.

Duplicate keys are refused in every format, and dates come back as ISO strings so a document
validates against its JSON Schema whichever format it was written in.
"""

from __future__ import annotations

import tomllib
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from shopperkit.errors import InputError
from shopperkit.io.files import MAX_JSON_DEPTH, check_finite, parse_json, too_deep

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
    loader = UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        raise InputError("yaml_malformed", {"reason": str(error).replace("\n", " ")}) from None
    finally:
        loader.dispose()


MAX_YAML_VALUES = 100_000
"""Most values a YAML document may expand to, its aliases repeating what they refer to."""


def _check_expansion(root: Any) -> None:
    """Refuse a YAML node graph whose aliases expand it beyond :data:`MAX_YAML_VALUES` values
    (a "billion laughs" document) or that contains itself, before anything is built."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    pending: list[tuple[Any, bool]] = [(root, False)]
    while pending:
        node, finished = pending.pop()
        key = id(node)
        children = _children(node)
        if finished:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_YAML_VALUES:
                raise InputError("yaml_too_large", {"limit": MAX_YAML_VALUES})
            continue
        if key in sizes:
            continue
        if key in on_path or len(on_path) > MAX_JSON_DEPTH:
            if key in on_path:
                raise InputError("yaml_recursive")
            raise InputError("json_too_deep", {"limit": MAX_JSON_DEPTH})
        on_path.add(key)
        pending.append((node, True))
        pending.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: Any) -> list[Any]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def parse_document(text: str, name: str) -> Any:
    """Parse ``text`` by the suffix of ``name``: TOML, YAML, or else JSON."""
    if not name.endswith((".toml", ".yaml", ".yml")):
        return parse_json(text)
    try:
        data = tomllib.loads(text) if name.endswith(".toml") else _load_yaml(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError("toml_malformed", {"reason": str(error)}) from None
    except RecursionError:
        raise InputError("json_too_deep", {"limit": MAX_JSON_DEPTH}) from None
    if isinstance(data, dict | list) and too_deep(data):
        raise InputError("json_too_deep", {"limit": MAX_JSON_DEPTH})
    check_finite(data)
    return dates_as_text(data)


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
