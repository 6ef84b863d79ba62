"""``shopperkit report``: findings, recommendations and a readable report per entity."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.insights.findings import FindingPolicy
from shopperkit.insights.integrity import IntegrityPolicy
from shopperkit.insights.recommendations import read_status_log
from shopperkit.insights.render import render_html, render_markdown
from shopperkit.insights.report import (
    analyse,
    build_report,
    factor_names,
    handoff_sections,
    read_scored,
    recommendations_data,
)
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_write, dumps
from shopperkit.io.operations import read_directory, read_shoppers
from shopperkit.registry import Registry

NAME = "report"
HELP = "write the HTML and Markdown report, findings and recommendations from scored evaluations"
SECRET_ENV = "SHOPPERKIT_PSEUDONYM_SECRET"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P SCORES_DIR --out DIR [--k K] [--language L] [--keep-flagged]``."""
    parser.add_argument("scores", type=Path, help="folder with scores.jsonl (from `score`)")
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--k", type=int, help="smallest group published (default: programme's)")
    parser.add_argument("--language", help="report languages, comma-separated (default: all)")
    parser.add_argument("--keep-flagged", action="store_true", help="keep flagged evaluations")
    parser.add_argument(
        "--status-log", type=Path, help="recommendation status log (see `recommendations`)"
    )
    parser.add_argument(
        "--directory",
        type=Path,
        help="entities, services and centres, for their names (default: the programme's own)",
    )
    parser.add_argument(
        "--shoppers", type=Path, help="shoppers file (id, employer), to flag conflicts of interest"
    )
    parser.add_argument(
        "--secret-file", type=Path, help=f"pseudonym secret (default: ${SECRET_ENV})"
    )


def _secret(args: argparse.Namespace) -> bytes:
    path: Path | None = args.secret_file
    if path is not None:
        try:
            secret = path.read_bytes().strip()
        except OSError as error:
            raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None
    else:
        secret = os.environ.get(SECRET_ENV, "").encode("utf-8")
    if len(secret) < 16:
        raise InputError("pseudonym_secret_missing", {"env": SECRET_ENV})
    return secret


def run(args: argparse.Namespace) -> int:
    """Analyse the scores and write the report files."""
    registry = Registry()
    plugins = registry.plugins
    programme = registry.programme(args.programme)
    languages = tuple(args.language.split(",")) if args.language else programme.strings("languages")
    k = args.k if args.k is not None else programme.integer("minimum_group_size", 5)
    known = registry.all_forms()
    records = read_scored(
        args.scores / "scores.jsonl", handoff_sections(form for _, form in known.values())
    )
    forms = [known[name][1] for name in sorted({r.form for r in records}) if name in known]
    factors = factor_names(forms, languages)
    employers = {}
    if args.shoppers:
        employers = {s.id: s.employer for s in read_shoppers(args.shoppers) if s.employer}
    entities: dict[str, dict[str, str]] = {}
    services: dict[str, dict[str, str]] = {}
    owners: dict[str, str] = {}
    directory = read_directory(args.directory) if args.directory else registry.directory(programme)
    if directory is not None:
        entities = {e.id: dict(e.name) for e in directory.entities}
        services = {s.id: dict(s.name) for s in directory.services}
        owners = {s.id: s.entity for s in directory.services}
    insights = analyse(
        programme.id,
        records,
        plugins,
        secret=_secret(args),
        k=k,
        exclude_flagged=not args.keep_flagged,
        languages=languages,
        factor_names=factors,
        policy=FindingPolicy.of(programme),
        integrity=IntegrityPolicy.of(programme),
        employers=employers,
        status_log=read_status_log(args.status_log) if args.status_log else (),
        service_entities=owners,
        service_names=services,
    )
    out: Path = args.out
    for language in languages:
        report = build_report(
            insights,
            language,
            k=k,
            entity_names=entities,
            factor_names=factors,
            service_names=services,
        )
        atomic_write(out / f"report.{language}.html", render_html(report))
        atomic_write(out / f"report.{language}.md", render_markdown(report))
    atomic_write(out / "recommendations.json", dumps(recommendations_data(insights)))
    atomic_write(out / "flags.json", dumps(to_data(list(insights.flags))))
    atomic_write(out / "reliability.json", dumps(dict(insights.reliability)))
    print(
        f"shopperkit: {insights.evaluations} evaluations, {len(insights.flags)} flags, "
        f"{len(insights.findings)} findings, {len(insights.recommendations)} recommendations, "
        f"{insights.withheld} groups withheld; report written to {out}",
        file=sys.stderr,
    )
    return 0
