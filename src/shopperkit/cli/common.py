"""Helpers every subcommand shares: warnings, output files, dates from arguments."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from shopperkit.errors import InputError
from shopperkit.io.files import atomic_write

if TYPE_CHECKING:
    from shopperkit.selection.drawing import PoolInvalid


EXIT_FINDINGS = 1
"""Exit code of a command that did its work and found something to act on: lint problems,
quotas that cannot be met, a refuted draw, or records in error under ``--strict``."""


def add_strict(parser: argparse.ArgumentParser) -> None:
    """The ``--strict`` switch of a command that reads records one by one."""
    parser.add_argument(
        "--strict",
        action="store_true",
        help=f"exit {EXIT_FINDINGS} when any record is in error (the others are still written)",
    )


def batch_exit(args: argparse.Namespace, in_error: int) -> int:
    """The exit code of a batch command: :data:`EXIT_FINDINGS` under ``--strict`` when
    ``in_error`` records were in error, else 0."""
    return EXIT_FINDINGS if args.strict and in_error else 0


_BREAKING = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with control characters and line breaks (an id may hold them) written as
    escapes such as ``\\r``, so a message stays one line."""
    return _BREAKING.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def warn(message: str) -> None:
    """Print a one-line warning on standard error."""
    print(one_line(f"shopperkit: warning: {message}"), file=sys.stderr)


def iso_date(text: str) -> date:
    """An argparse type for ``YYYY-MM-DD`` dates."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (expected YYYY-MM-DD)") from None


def check_range(option: str, value: int, low: int, high: int) -> int:
    """``value`` of ``option`` when ``low <= value <= high``, else :class:`InputError`
    ``argument_out_of_range``, before anything uses it."""
    if not low <= value <= high:
        raise InputError(
            "argument_out_of_range", {"option": option, "value": value, "low": low, "high": high}
        )
    return value


def emit(text: str, output: Path | None) -> None:
    """Write ``text`` atomically to ``output``, or to standard output."""
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write(output, text)


def pool_refused(error: PoolInvalid, path: Path, lines: Sequence[int] = ()) -> InputError:
    """Warn about each unusable candidate of the pool file ``path`` (by line when ``lines``
    gives each candidate's line, else by row), then the error to raise, naming the file."""
    for record in error.problems:
        at = f"{path}:{lines[record.row - 1]}" if lines else f"{path}: row {record.row}"
        for problem in record.errors:
            warn(f"{at}: {problem.where}: {problem.message}")
    return InputError(error.code, error.params, where=str(path))
