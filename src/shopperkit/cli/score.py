"""``shopperkit score``: validate and score evaluations, streaming, then aggregate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.io.convert import to_data
from shopperkit.io.files import (
    atomic_binary,
    atomic_stream,
    atomic_write,
    dumps,
    json_line,
    parse_json,
)
from shopperkit.io.verdicts import error_record
from shopperkit.problems import RecordError
from shopperkit.registry import Registry
from shopperkit.scoring import Aggregates, Scoring, render_card

NAME = "score"
HELP = (
    "validate and score evaluations (JSONL) against their form; write scores, rejects, aggregates"
)
PROGRESS_EVERY = 10_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``EVALUATIONS (--form F ... | --programme P) --out DIR [--by KEYS] [--cards]``."""
    parser.add_argument("evaluations", type=Path, help="evaluation records, one JSON per line")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--form", action="append", help="form id or file (repeat for several forms)")
    which.add_argument("--programme", help="score with every form of this programme's plugin")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--by",
        default="",
        help="group aggregates by these keys, comma-separated: entity, centre, service, "
        "channel, language, day, week, month",
    )
    parser.add_argument(
        "--cards",
        action="store_true",
        help="also write cards.jsonl and cards.txt: every item's contribution",
    )


def run(args: argparse.Namespace) -> int:
    """Score every record; write ``scores.jsonl``, ``rejects.jsonl`` and ``aggregates.json``."""
    registry = Registry()
    if args.programme:
        forms = list(registry.forms(args.programme))
    else:
        forms = [registry.form(name) for name in args.form]
    scoring = Scoring(forms, registry.plugins.question_scorers())
    aggregates = Aggregates([key.strip() for key in args.by.split(",") if key.strip()])
    source = str(args.evaluations)
    progress = sys.stderr.isatty()
    accepted = rejected = 0
    try:
        stream = args.evaluations.open("rb")  # a line that is not UTF-8 is one bad record
    except OSError as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=source) from None
    out: Path = args.out
    with (
        stream,
        atomic_binary(out / "scores.jsonl") as scores,
        atomic_binary(out / "rejects.jsonl") as rejects,
    ):
        for result in scoring.lines(stream, source):
            if isinstance(result, RecordError):
                rejected += 1
                rejects.write(json_line(error_record(result)))
            else:
                accepted += 1
                scores.write(json_line(result))
                aggregates.add(result)
            if progress and (accepted + rejected) % PROGRESS_EVERY == 0:
                print(f"\rscored {accepted + rejected}", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    section_ids = [section.id for form in forms for section in form.sections]
    document = {
        "read": accepted + rejected,
        "accepted": accepted,
        "rejected": rejected,
        "forms": {form.id: form.version for form in forms},
        **aggregates.to_data(section_ids),
    }
    atomic_write(out / "aggregates.json", dumps(document))
    if args.cards:
        write_cards(scoring, args.evaluations, out / "cards.jsonl")
    print(
        f"shopperkit: scored {accepted + rejected}: accepted {accepted}, rejected {rejected}",
        file=sys.stderr,
    )
    return 0


def write_cards(scoring: Scoring, evaluations: Path, path: Path) -> None:
    """One score card per accepted record, in input order, as JSON and as text.

    The text (``cards.txt``) gives the labels in each record's language.
    """
    with (
        evaluations.open("rb") as stream,
        atomic_binary(path) as cards,
        atomic_stream(path.with_suffix(".txt")) as text,
    ):
        for line in stream:
            if not line.strip():
                continue
            try:
                record = parse_json(line)
            except InputError:
                continue
            card = scoring.card(record)
            if not isinstance(card, list):
                cards.write(json_line(to_data(card)))
                form = scoring.scorers[card.form].form
                text.write(render_card(card, form, record["language"]) + "\n")
