"""``shopperkit lint-form``: check form files beyond their schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.forms.lint import lint_files
from shopperkit.io.convert import to_data
from shopperkit.io.files import dumps
from shopperkit.plugins import Plugins

NAME = "lint-form"
HELP = "check evaluation form files: ids, points, band tables, translations, show_if, weights"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``FORM [FORM ...] [--format text|json]``; files sharing an id are language versions."""
    parser.add_argument("forms", type=Path, nargs="+", help="form files (JSON or YAML)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Print every problem; exit 1 when there is an error, 0 when only warnings or none."""
    found = lint_files(args.forms, Plugins().question_scorers())
    if args.format == "json":
        sys.stdout.write(dumps(to_data(found)))
    else:
        for problem in found:
            head = f"{problem.file}: {problem.severity} {problem.code}"
            print(f"{head} {problem.where}: {problem.message}")
    errors = sum(problem.severity == "error" for problem in found)
    print(
        f"shopperkit: {len(args.forms)} form file(s): {errors} error(s), "
        f"{len(found) - errors} warning(s)",
        file=sys.stderr,
    )
    return 1 if errors else 0
