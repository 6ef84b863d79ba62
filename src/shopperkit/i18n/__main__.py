"""``python -m shopperkit.i18n``: keep catalogues (see ``docs/translate.md``).

- ``convert MODULE:NAME DOMAIN``: add a dict catalogue's messages to ``DOMAIN``'s ``.po``;
- ``extract``: write each domain's ``.pot`` from English;
- ``update [-l LANG]...``: bring the other languages in step with English;
- ``compile``: compile every ``.po`` to ``.mo``.

``--directory`` chooses a catalogue directory (the built-in one when left out), ``--domain``
one domain (every domain there when left out).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from shopperkit.i18n.catalogues import CORE_LOCALE, SOURCE_LANGUAGE


def domains_in(directory: Path) -> list[str]:
    """The domains with an English catalogue in ``directory``."""
    return sorted(p.stem for p in (directory / SOURCE_LANGUAGE / "LC_MESSAGES").glob("*.po"))


def main(argv: Sequence[str] | None = None) -> int:
    """Run one keeping command; print the files written."""
    from shopperkit.i18n import tools

    parser = argparse.ArgumentParser(prog="python -m shopperkit.i18n")
    parser.add_argument("--directory", type=Path, default=CORE_LOCALE)
    commands = parser.add_subparsers(dest="command", required=True)
    convert = commands.add_parser("convert", help="add a dict catalogue to a domain's .po")
    convert.add_argument("target", help="MODULE:NAME of a {code: {language: text}} dict")
    convert.add_argument("domain")
    for name in ("extract", "update", "compile"):
        sub = commands.add_parser(name)
        sub.add_argument("--domain", action="append", help="only this domain")
        if name == "update":
            sub.add_argument("-l", "--language", action="append", help="only this language")
    args = parser.parse_args(argv)
    directory: Path = args.directory
    written: list[Path] = []
    if args.command == "convert":
        written = tools.convert_module(args.target, directory, args.domain)
    else:
        for domain in args.domain or domains_in(directory):
            if args.command == "extract":
                written.append(tools.extract(directory, domain))
            elif args.command == "update":
                written += tools.update(
                    directory, domain, args.language or languages_present(directory, domain)
                )
            else:
                written += tools.compile_domain(directory, domain)
    for path in written:
        print(path)
    return 0


def languages_present(directory: Path, domain: str) -> list[str]:
    """The languages ``domain`` already has a catalogue in."""
    return sorted(p.parent.parent.name for p in directory.glob(f"*/LC_MESSAGES/{domain}.po"))


if __name__ == "__main__":
    sys.exit(main())
