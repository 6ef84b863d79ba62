"""The ``shopperkit`` command. Each subcommand lives in its own module of this package.

Errors the user can fix print one line and exit 2; nothing prints a traceback unless
``SHOPPERKIT_DEBUG`` is set.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from shopperkit import __version__
from shopperkit.cli import (
    assign,
    demo,
    history,
    interview,
    lint_form,
    plugins,
    programme,
    recommendations,
    record,
    replace,
    report,
    score,
    screen,
    select,
    verify,
)
from shopperkit.errors import ShopperkitError

COMMANDS: tuple[ModuleType, ...] = (
    plugins,
    programme,
    screen,
    interview,
    select,
    verify,
    replace,
    record,
    history,
    assign,
    lint_form,
    score,
    report,
    recommendations,
    demo,
)
"""Subcommand modules, in the order of the flow; each has ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args)``."""

EXIT_USAGE = 2
EXIT_INTERNAL = 70


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="shopperkit",
        description="Run government Mystery Shopper programmes.",
    )
    parser.add_argument("--version", action="store_true", help="print versions and plugins")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        child = sub.add_parser(command.NAME, help=command.HELP, description=command.HELP)
        command.add_arguments(child)
        child.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.version:
            return plugins.print_version()
        if args.command is None:
            parser.print_help()
            return EXIT_USAGE
        code: int = args.run(args)
        return code
    except ShopperkitError as error:
        print(f"shopperkit: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if os.environ.get("SHOPPERKIT_DEBUG"):
            raise
        print(
            f"shopperkit: internal error ({type(error).__name__}: {error}); "
            "set SHOPPERKIT_DEBUG=1 for details",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


__all__ = ["__version__", "build_parser", "main"]
