"""``shopperkit messages check``: what each language's catalogues still lack.

Prints one JSON line per problem (language, catalogue, problem, message, detail) and, on
standard error, a count per language and catalogue; exits 1 when there is any problem.
"""

from __future__ import annotations

import argparse
import json
import sys

NAME = "messages"
HELP = "check the message catalogues of the core and every plugin, per language"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``check [--language L]... [--catalogue NAME]...``."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help=HELP, description=HELP)
    check.add_argument(
        "--language",
        action="append",
        help="only this language (repeatable; default: all eight shopperkit speaks)",
    )
    check.add_argument(
        "--catalogue",
        action="append",
        help="only this catalogue, as OWNER:DOMAIN or DOMAIN (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    """Check, print the problems and the counts; 1 when there is any problem."""
    from shopperkit.i18n.catalogues import LANGUAGES
    from shopperkit.i18n.check import check, core_sources, plugin_sources
    from shopperkit.plugins import Plugins, make_plugin_manager

    plugins = Plugins(make_plugin_manager())
    answers = [
        (impl.plugin_name, impl.function())
        for impl in plugins.pm.hook.shopperkit_messages.get_hookimpls()
        if impl.plugin_name != "shopperkit.builtin"
    ]
    sources = core_sources() + plugin_sources(answers)
    if args.catalogue:
        sources = [
            s
            for s in sources
            if s.domain in args.catalogue or f"{s.owner}:{s.domain}" in args.catalogue
        ]
    languages = args.language or list(LANGUAGES)
    problems = check(sources, languages)
    for problem in problems:
        print(json.dumps(problem.as_dict(), ensure_ascii=False))
    for language in languages:
        for source in sources:
            name = f"{source.owner}:{source.domain}"
            found = sum(1 for p in problems if p.language == language and p.catalogue == name)
            print(f"{language} {name}: {found} problem(s)", file=sys.stderr)
    return 1 if problems else 0
