"""``shopperkit programme``: check a programme and show how it will screen."""

from __future__ import annotations

import argparse

from shopperkit.cli.common import emit, iso_date
from shopperkit.eligibility.screening import Screener
from shopperkit.interview import InterviewPolicy
from shopperkit.io.files import dumps
from shopperkit.registry import Registry

NAME = "programme"
HELP = "validate a programme (by name or file) and print its screening plan as JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``PROGRAMME [--as-of DATE]``."""
    parser.add_argument("programme", help="programme id or path to a programme file")
    parser.add_argument("--as-of", type=iso_date, help="reference date (YYYY-MM-DD)")


def run(args: argparse.Namespace) -> int:
    """Build the screener (which checks every rule and parameter) and print its plan."""
    registry = Registry()
    plugins = registry.plugins
    programme = registry.programme(args.programme)
    plan = Screener(programme, plugins, as_of=args.as_of).explain()
    if programme.judged_criteria:
        policy = InterviewPolicy.of(programme)
        plan["interview"] = {
            "criteria": list(policy.criteria),
            "pass_rule": policy.pass_rule,
            "pass_mark": policy.pass_mark,
            "scale": [policy.scale_min, policy.scale_max],
        }
    emit(dumps(plan), None)
    return 0
