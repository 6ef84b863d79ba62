"""Helpers every subcommand shares: warnings, output files, dates from arguments."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from shopperkit.io.files import atomic_write


def warn(message: str) -> None:
    """Print a one-line warning on standard error."""
    print(f"shopperkit: warning: {message}", file=sys.stderr)


def iso_date(text: str) -> date:
    """An argparse type for ``YYYY-MM-DD`` dates."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (expected YYYY-MM-DD)") from None


def emit(text: str, output: Path | None) -> None:
    """Write ``text`` atomically to ``output``, or to standard output."""
    if output is None:
        sys.stdout.write(text)
    else:
        atomic_write(output, text)
