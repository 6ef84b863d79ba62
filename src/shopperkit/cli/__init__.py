"""The ``shopperkit`` command. Each subcommand lives in its own module of this package.

Errors the user can fix print one line and exit 2; nothing prints a traceback unless
``SHOPPERKIT_DEBUG`` is set. Every file a command writes is replaced at its end, all
together (:func:`~shopperkit.io.files.output_set`); Ctrl-C, SIGTERM or SIGHUP before then
leave the previous files as they were and exit 128 + the signal's number.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from types import FrameType, ModuleType
from typing import Any, NoReturn

from shopperkit import __version__
from shopperkit.cli import (
    assign,
    backup,
    demo,
    exports,
    followups,
    form,
    history,
    imports,
    init,
    interview,
    keys,
    lint_form,
    messages,
    plugins,
    programme,
    recommendations,
    record,
    replace,
    report,
    restore,
    score,
    screen,
    select,
    serve,
    upgrade,
    verify,
)
from shopperkit.cli.common import one_line
from shopperkit.errors import InputError, ShopperkitError
from shopperkit.io.files import output_set

COMMANDS: tuple[ModuleType, ...] = (
    plugins,
    messages,
    programme,
    init,
    screen,
    interview,
    select,
    verify,
    replace,
    record,
    history,
    assign,
    lint_form,
    form,
    score,
    report,
    recommendations,
    followups,
    imports,
    exports,
    backup,
    restore,
    upgrade,
    keys,
    serve,
    demo,
)
"""Subcommand modules, in the order of the flow; each has ``NAME``, ``HELP``,
``add_arguments(parser)`` and ``run(args)``."""

EXIT_USAGE = 2
EXIT_INTERNAL = 70


class ArgumentParser(argparse.ArgumentParser):
    """Reports a bad argument in one line, as every other error is reported, and exits 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` with the code ``argument_invalid`` and exit."""
        _say(f"{self.prog}: error: {message} [argument_invalid]; see '{self.prog} --help'")
        self.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = ArgumentParser(
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


def _say(line: str) -> None:
    """Print ``line`` on standard error, as one line; bytes of a non-UTF-8 argument show as
    ``\\xff``."""
    line = one_line(line)
    try:
        raw = line.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = line.encode("utf-8", "backslashreplace")
    print(raw.decode("utf-8", "backslashreplace"), file=sys.stderr)


def _system_failure(error: OSError) -> int:
    """Report an operating-system failure as one coded line; standard output is dropped when
    it is what failed, so exiting does not fail again."""
    where = error.filename if isinstance(error.filename, str) else "standard output"
    if where == "standard output":
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    failure = InputError(
        "system_failure", {"reason": error.strerror or type(error).__name__}, where=where
    )
    _say(f"shopperkit: error: {failure} [{failure.code}]")
    return EXIT_USAGE


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the command is so that it stops as Ctrl-C stops it:
    its files discarded, the previous ones kept."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""Signals that stop a command cleanly, besides Ctrl-C (SIGINT)."""


@contextlib.contextmanager
def _stoppable() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Stopped` while the block runs (in the main thread;
    elsewhere the process's handlers stay)."""
    previous: dict[int, Any] = {}
    for signum in STOP_SIGNALS:
        with contextlib.suppress(ValueError):  # not the main thread
            previous[signum] = signal.signal(signum, _stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


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
        with _stoppable(), output_set():
            code: int = args.run(args)
        sys.stdout.flush()
        return code
    except ShopperkitError as error:
        _say(f"shopperkit: error: {error} [{error.code}]")
        return EXIT_USAGE
    except KeyboardInterrupt as interrupted:
        return 128 + (interrupted.signum if isinstance(interrupted, Stopped) else signal.SIGINT)
    except OSError as error:
        # The system refused a read or a write (a full disk or standard output, a device
        # gone): not the programme's fault, and the message says which file.
        return _system_failure(error)
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
