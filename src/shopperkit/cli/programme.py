"""``shopperkit programme``: check a programme, recruited or open, and show how it will run."""

from __future__ import annotations

import argparse

from shopperkit.cli.common import emit, iso_date
from shopperkit.io.files import dumps
from shopperkit.programmes import programme_plan
from shopperkit.registry import Registry

NAME = "programme"
HELP = "validate a programme (by name or file) and print its plan as JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``PROGRAMME [--as-of DATE]``."""
    parser.add_argument("programme", help="programme id or path to a programme file")
    parser.add_argument("--as-of", type=iso_date, help="reference date (YYYY-MM-DD)")


def run(args: argparse.Namespace) -> int:
    """Check the programme (every rule and parameter, or the forms of an open one) and print
    its plan."""
    registry = Registry()
    programme = registry.programme(args.programme)
    emit(dumps(programme_plan(programme, registry, as_of=args.as_of)), None)
    return 0
