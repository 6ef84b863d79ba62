"""Reading structured documents (JSON, TOML, YAML) into plain data, the same way for all.

Duplicate keys are refused in every format, and dates come back as ISO strings so a document
validates against its JSON Schema whichever format it was written in.
"""

from __future__ import annotations

import tomllib
from datetime import date, time
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
        for key in value:
            if not isinstance(key, str):  # YAML reads `1:`, `yes:` or a date as no text
                raise InputError(
                    "yaml_malformed", {"reason": f"key {key!r} is not text (quote it)"}
                )
        return {key: dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [dates_as_text(item) for item in value]
    if isinstance(value, date | time):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float):
        return value
    # A YAML set or binary value, say: nothing a JSON document could hold.
    kind = type(value).__name__
    raise InputError("yaml_malformed", {"reason": f"a value of type {kind} is not allowed"})


def _load_yaml(text: str) -> Any:
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        """A safe loader that refuses a key repeated in one mapping."""

    def construct_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        # A key written twice is an error; a key that overrides one merged in with ``<<``
        # is how merges are meant to be used.
        keys = [(loader.construct_object(key), key) for key, _ in node.value if key.tag != _MERGE]
        for key, key_node in keys:
            if not isinstance(key, str | int | float | bool | date | None):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found a key that is not a single value",
                    key_node.start_mark,
                )
        _reject_duplicates([(key, None) for key, _ in keys])
        loader.flatten_mapping(node)
        return {
            loader.construct_object(key): loader.construct_object(value, deep=True)
            for key, value in node.value
        }

    UniqueKeyLoader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping
    )
    try:
        # Reading starts at once: a character YAML forbids fails here already.
        loader = UniqueKeyLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_expansion(node)
            try:
                return loader.construct_document(node)
            except (ValueError, OverflowError) as error:  # a date such as 2022-02-30
                raise yaml.constructor.ConstructorError(
                    None, None, f"impossible value: {error}", node.start_mark
                ) from None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise InputError("yaml_malformed", {"reason": str(error).replace("\n", " ")}) from None


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
