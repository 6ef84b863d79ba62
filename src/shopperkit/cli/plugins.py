"""``shopperkit plugins``: what is installed, as JSON."""

from __future__ import annotations

import argparse
from typing import Any

from shopperkit import __version__
from shopperkit.cli.common import emit
from shopperkit.io.files import dumps
from shopperkit.registry import Registry

NAME = "plugins"
HELP = "list loaded plugins as JSON: name, version, hooks, programmes, forms"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options."""


def describe() -> list[dict[str, Any]]:
    """Every loaded plugin with the programmes and forms it provides."""
    registry = Registry()
    plugins = registry.plugins
    programmes: dict[str, list[str]] = {}
    for programme_id, (plugin, _) in sorted(registry.programmes().items()):
        programmes.setdefault(plugin, []).append(programme_id)
    forms: dict[str, list[str]] = {}
    for form_id, (plugin, _) in sorted(registry.all_forms().items()):
        forms.setdefault(plugin, []).append(form_id)
    rows = plugins.info()
    for row in rows:
        row["programmes"] = programmes.get(row["name"], [])
        row["forms"] = forms.get(row["name"], [])
    return rows


def run(args: argparse.Namespace) -> int:
    """Print the plugin list."""
    emit(dumps(describe()), None)
    return 0


def print_version() -> int:
    """``shopperkit --version``: the version and every plugin's."""
    print(f"shopperkit {__version__}")
    for row in describe():
        print(f"  {row['name']} {row['version']} ({row['distribution']})")
    return 0
