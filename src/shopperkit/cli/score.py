"""``shopperkit score``: validate and score evaluations, streaming, then aggregate."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from shopperkit.assignment.model import Booked
from shopperkit.cli.common import add_strict, batch_exit
from shopperkit.cli.progress import file_size, progress
from shopperkit.cli.workspaces import add_store_options, keep_files, workspace_store
from shopperkit.errors import InputError
from shopperkit.i18n.formatting import Digits
from shopperkit.i18n.languages import Languages
from shopperkit.io.files import output_set, parse_json
from shopperkit.io.scores import (
    card_files,
    open_evaluations,
    score_files,
    write_aggregates,
    write_card,
)
from shopperkit.problems import RecordError
from shopperkit.registry import Registry
from shopperkit.scoring import ScoreStream, Scoring, render_card

NAME = "score"
HELP = (
    "validate and score evaluations (JSONL) against their form; write scores, rejects, aggregates"
)


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
    add_strict(parser)
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Score every record; write ``scores.jsonl``, ``rejects.jsonl`` and ``aggregates.json``."""
    registry = Registry()
    if args.programme:
        forms = list(registry.forms(args.programme))
    else:
        forms = [registry.form(name) for name in args.form]
    scoring = Scoring(forms, registry.plugins.question_scorers())
    aggregation = (
        registry.programme(args.programme).text("aggregation", "mean") if args.programme else "mean"
    )
    by = [key.strip() for key in args.by.split(",") if key.strip()]
    stream = ScoreStream(scoring, by, aggregation=aggregation)
    out: Path = args.out
    store = workspace_store(args)
    # In a workspace the files are written first, then kept in the store as they are.
    made: list[Booked] | None = [] if store is not None else None
    with output_set(own=store is not None):
        score_into(args, scoring, stream, made, cards_digits(registry, args))
    if store is not None:
        store.add_visits(made or [], "made")
        kept = [("evaluations", args.evaluations), ("scores", out / "scores.jsonl")]
        keep_files(store, [*kept, ("rejects", out / "rejects.jsonl")])
    print(
        f"shopperkit: scored {stream.read}: accepted {stream.accepted}, rejected {stream.rejected}",
        file=sys.stderr,
    )
    return batch_exit(args, stream.rejected)


def cards_digits(registry: Registry, args: argparse.Namespace) -> Digits:
    """The digits of the programme's score cards (Latin when scoring by forms alone)."""
    return Languages.of(registry.programme(args.programme)).digits if args.programme else "latin"


def score_into(
    args: argparse.Namespace,
    scoring: Scoring,
    stream: ScoreStream,
    made: list[Booked] | None = None,
    digits: Digits = "latin",
) -> None:
    """Score the evaluations into ``--out``: scores, rejects, aggregates and the cards; with
    ``made``, gather there the visit each accepted evaluation tells of (who went where, on
    which day); the cards' numbers take ``digits``."""
    out: Path = args.out
    size = file_size(args.evaluations)
    with (
        open_evaluations(args.evaluations) as lines,
        score_files(out) as files,
        progress("scoring", size, "bytes") as bar,
    ):
        for result in stream.lines(bar.lines(lines), str(args.evaluations)):
            if isinstance(result, RecordError):
                files.reject(result)
            else:
                files.score(result)
                if made is not None and result.get("shopper") and result.get("centre"):
                    day = date.fromisoformat(str(result["visited_at"])[:10])
                    made.append(Booked(result["shopper"], result["centre"], day))
    write_aggregates(out / "aggregates.json", stream.document())
    if args.cards:
        write_cards(scoring, args.evaluations, out / "cards.jsonl", digits)


def write_cards(scoring: Scoring, evaluations: Path, path: Path, digits: Digits = "latin") -> None:
    """One score card per accepted record, in input order, as JSON and as text.

    The text (``cards.txt``) gives the labels and numbers in each record's language, with
    the programme's ``digits``.
    """
    with open_evaluations(evaluations) as stream, card_files(path) as (cards, text):
        for line in stream:
            if not line.strip():
                continue
            try:
                record = parse_json(line)
            except InputError:
                continue
            card = scoring.card(record)
            if not isinstance(card, list):
                form = scoring.scorers[card.form].form
                shown = render_card(card, record["language"], form=form, digits=digits)
                write_card(cards, text, card, shown)
