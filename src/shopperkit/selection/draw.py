"""Run a cohort draw end to end, check one, and replace a member who withdraws."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from attrs import evolve, frozen

from shopperkit import __version__
from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import atomic_write, csv_rows, dumps, open_text, read_json
from shopperkit.io.schemas import check as check_schema
from shopperkit.problems import RecordError
from shopperkit.selection.audit import (
    DRAW_RULE,
    FORMAT,
    Audit,
    Commitment,
    Replacement,
    SelectionResult,
    distribution_text,
    draw,
    ids_text,
    probabilities_text,
    profile_index,
    quota_report,
    read_distribution,
    sha256_text,
    waitlist,
)
from shopperkit.selection.feasibility import Feasibility, Problem, check
from shopperkit.selection.lottery import METHODS, compute
from shopperkit.selection.people import cohorts
from shopperkit.selection.quotas import QuotaSet, build_pool, read_pool_rows, read_quotas

ZERO = Decimal(0)
POOL = "pool.csv"
QUOTAS = "quotas.csv"
DISTRIBUTION = "distribution.csv"
PROBABILITIES = "probabilities.csv"
PANEL = "panel.csv"
COHORT = "cohort.csv"
RESULT = "result.json"
COMMITMENT = "commitment.json"
FEASIBILITY = "feasibility.json"


def load_problem(pool: Path, quotas: QuotaSet, warn: Callable[[str], None]) -> tuple[Problem, str]:
    """The problem and the pool's text; bad rows are each reported, then refused."""
    pool_text = open_text(pool)
    header, rows = read_pool_rows(pool)
    people, errors = build_pool(pool, header, rows, quotas)
    report_rows(errors, warn)
    if errors:
        raise InputError("pool_rows_invalid", {"count": len(errors)}, where=str(pool))
    if len(people.ids) < quotas.seats:
        raise InputError(
            "pool_too_small", {"pool": len(people.ids), "seats": quotas.seats}, where=str(pool)
        )
    return Problem.of(quotas, people), pool_text


def report_rows(errors: Sequence[RecordError], warn: Callable[[str], None]) -> None:
    """One warning per problem, naming file, row and column."""
    for error in errors:
        for problem in error.errors:
            warn(f"{error.file}:{error.row}: {problem.where}: {problem.message}")


@frozen
class Published:
    """The published part of a draw: feasibility, the distribution and probabilities as text."""

    feasibility: Feasibility
    distribution: str
    probabilities: str


def lottery(problem: Problem, method: str, salt: str) -> Published:
    """Check feasibility, then compute the lottery of ``method`` as file texts.

    ``salt`` seeds the ``legacy`` method's repeated greedy draws (the inputs' hashes, so the
    distribution is fixed before the draw's seed is known).
    """
    if method not in METHODS:
        raise InputError("method_unknown", {"name": method, "known": list(METHODS)})
    feasibility, panels = check(problem)
    if not feasibility.feasible:
        return Published(feasibility, "", "")
    excluded_profiles = {tuple(e.profile.values()) for e in feasibility.excluded}
    excluded = [t for t, p in enumerate(problem.profiles) if p in excluded_profiles]
    result = compute(problem, method, panels, excluded, salt)
    rows = cohorts(result, problem.members)
    exact = result.profile_probabilities(problem.sizes)
    probabilities = {
        person: exact[t] for t, group in enumerate(problem.members) for person in group
    }
    return Published(feasibility, distribution_text(rows), probabilities_text(probabilities))


def select(
    problem: Problem,
    pool_text: str,
    method: str,
    seed: str | None,
    out: Path,
) -> tuple[Feasibility, SelectionResult | None]:
    """Compute the lottery, write it; with a seed, draw the panel and write the record.

    Without a seed only the lottery and ``commitment.json`` are written: publish the
    distribution's SHA-256, then draw later with a seed announced in public.
    """
    quotas_text = problem.quotas.csv()
    salt = sha256_text(pool_text + quotas_text)
    computed = lottery(problem, method, salt)
    if not computed.feasibility.feasible:
        atomic_write(out / FEASIBILITY, dumps(to_data(computed.feasibility)))
        return computed.feasibility, None
    hashes = {
        "pool_sha256": sha256_text(pool_text),
        "quotas_sha256": sha256_text(quotas_text),
        "distribution_sha256": sha256_text(computed.distribution),
        "probabilities_sha256": sha256_text(computed.probabilities),
    }
    commitment_path = out / COMMITMENT
    committed: str | None = None
    if seed is not None and commitment_path.exists():
        committed = read_commitment(commitment_path).distribution_sha256
        if committed != hashes["distribution_sha256"]:
            raise InputError(
                "commitment_mismatch",
                {"actual": hashes["distribution_sha256"], "committed": committed},
                where=str(commitment_path),
            )
    atomic_write(out / POOL, pool_text)
    atomic_write(out / QUOTAS, quotas_text)
    atomic_write(out / DISTRIBUTION, computed.distribution)
    atomic_write(out / PROBABILITIES, computed.probabilities)
    if seed is None:
        commitment = Commitment(
            format=FORMAT,
            method=method,
            seats=problem.quotas.seats,
            shopperkit_version=__version__,
            **hashes,
        )
        data = to_data(commitment)
        check_schema("commitment", data, where=str(commitment_path))
        atomic_write(commitment_path, dumps(data))
        return computed.feasibility, None
    rows = read_distribution(out / DISTRIBUTION)
    index = draw([p for p, _ in rows], seed, hashes["distribution_sha256"])
    panel = rows[index][1]
    ranked = waitlist(_drawable(out), seed)
    result = SelectionResult(
        format=FORMAT,
        panel=panel,
        cohort=panel,
        waitlist=tuple(person for person in ranked if person not in set(panel)),
        quotas=quota_report(problem, panel),
        excluded=computed.feasibility.excluded,
        audit=Audit(
            shopperkit_version=__version__,
            method=method,
            seed=seed,
            seats=problem.quotas.seats,
            draw_rule=DRAW_RULE,
            panel_index=index,
            committed_sha256=committed,
            **hashes,
        ),
    )
    atomic_write(out / PANEL, ids_text(panel))
    atomic_write(out / COHORT, ids_text(panel))
    write_result(out, result)
    return computed.feasibility, result


def _drawable(out: Path) -> list[str]:
    """Everyone with a positive selection probability."""
    _, rows = csv_rows(out / PROBABILITIES, ("id", "probability"))
    return [row["id"] for _, row in rows if Fraction(row["probability"]) > 0]


def read_commitment(path: Path) -> Commitment:
    """A ``commitment.json``, checked against its schema."""
    return from_data(Commitment, read_json(path, "commitment"), where=str(path))


def write_result(out: Path, result: SelectionResult) -> None:
    """Write ``result.json``, checked against its schema first."""
    data = to_data(result)
    check_schema("selection-result", data, where=str(out / RESULT))
    atomic_write(out / RESULT, dumps(data))


def read_result(out: Path) -> SelectionResult:
    """``result.json`` of a draw directory, checked against its schema."""
    path = out / RESULT
    if not path.exists():
        raise InputError("draw_missing", where=str(out))
    return from_data(SelectionResult, read_json(path, "selection-result"), where=str(path))


def replace(
    problem: Problem, result: SelectionResult, withdrawn: str, reason: str | None
) -> SelectionResult:
    """The result with ``withdrawn`` replaced by the first waitlisted person who keeps every quota.

    The waitlist order was fixed by the seed at the draw; people who already left the cohort
    are skipped.
    """
    cohort = list(result.cohort)
    if withdrawn not in cohort:
        raise InputError("withdraw_not_member", {"id": withdrawn})
    gone = {r.withdrawn for r in result.replacements}
    remaining = [person for person in cohort if person != withdrawn]
    for position, person in enumerate(result.waitlist):
        if person in gone or person in cohort:
            continue
        trial = sorted([*remaining, person])
        if all(q.met for q in quota_report(problem, trial)):
            return evolve(
                result,
                cohort=tuple(trial),
                quotas=quota_report(problem, trial),
                replacements=(
                    *result.replacements,
                    Replacement(withdrawn, person, position, reason),
                ),
            )
    raise InputError("replacement_impossible", {"id": withdrawn})


def replace_in(
    directory: Path, withdrawn: str, reason: str | None, warn: Callable[[str], None]
) -> Replacement:
    """Replace ``withdrawn`` in the draw kept in ``directory``; ``result.json`` and
    ``cohort.csv`` are rewritten and the replacement is returned."""
    result = read_result(directory)
    quotas = read_quotas(directory / QUOTAS, result.audit.seats)
    problem, _ = load_problem(directory / POOL, quotas, warn)
    updated = replace(problem, result, withdrawn, reason)
    write_result(directory, updated)
    atomic_write(directory / COHORT, ids_text(updated.cohort))
    return updated.replacements[-1]


@frozen
class Check:
    """One verification step and whether it held."""

    name: str
    ok: bool
    detail: str = ""


def verify(out: Path, problem: Problem, pool_text: str, *, recompute: bool) -> list[Check]:
    """Check a draw directory: hashes, every listed panel, the draw, replacements, re-run."""
    result = read_result(out)
    audit = result.audit
    checks: list[Check] = []
    distribution = open_text(out / DISTRIBUTION)
    probabilities = open_text(out / PROBABILITIES)
    for name, text, recorded in (
        ("pool", pool_text, audit.pool_sha256),
        ("quotas", problem.quotas.csv(), audit.quotas_sha256),
        ("distribution", distribution, audit.distribution_sha256),
        ("probabilities", probabilities, audit.probabilities_sha256),
    ):
        actual = sha256_text(text)
        checks.append(Check(f"{name} SHA-256", actual == recorded, actual))
    if audit.committed_sha256 is not None:
        checks.append(
            Check(
                "distribution matches the commitment",
                audit.committed_sha256 == sha256_text(distribution),
                audit.committed_sha256,
            )
        )
    rows = read_distribution(out / DISTRIBUTION)
    of = profile_index(problem)
    bad = [
        i
        for i, (_, cohort) in enumerate(rows)
        if not all(q.met for q in _report(problem, cohort, of))
    ]
    checks.append(Check("every panel in the distribution meets every quota", not bad, str(bad[:5])))
    total = sum((Fraction(p) for p, _ in rows), Fraction(0))
    checks.append(
        Check(
            "distribution probabilities sum to 1", abs(total - 1) < Fraction(1, 10**9), str(total)
        )
    )
    # Decimal sums of 15-decimal numbers are exact here (28 significant digits).
    marginal: dict[str, Decimal] = {}
    for p, cohort in rows:
        for person in cohort:
            marginal[person] = marginal.get(person, ZERO) + p
    _, prob_rows = csv_rows(out / PROBABILITIES, ("id", "probability"))
    worst = max(
        (
            abs(Fraction(row["probability"]) - Fraction(marginal.get(row["id"], ZERO)))
            for _, row in prob_rows
        ),
        default=Fraction(0),
    )
    checks.append(
        Check(
            "probabilities agree with the distribution",
            worst < Fraction(1, 10**8),
            f"{float(worst):.2e}",
        )
    )
    index = draw([p for p, _ in rows], audit.seed, sha256_text(distribution))
    checks.append(
        Check(
            "the seed draws the recorded panel",
            index == audit.panel_index and rows[index][1] == result.panel,
            f"row {index}",
        )
    )
    replayed = evolve(
        result, cohort=result.panel, quotas=quota_report(problem, result.panel), replacements=()
    )
    ok = True
    for replacement in result.replacements:
        try:
            replayed = replace(problem, replayed, replacement.withdrawn, replacement.reason)
        except InputError:
            ok = False
            break
        ok = ok and replayed.replacements[-1] == replacement
    checks.append(
        Check("replacements follow the waitlist", ok and replayed.cohort == result.cohort)
    )
    if recompute:
        again = lottery(problem, audit.method, sha256_text(pool_text + problem.quotas.csv()))
        checks.append(
            Check(
                "re-running the lottery gives the same distribution",
                again.distribution == distribution,
            )
        )
    return checks


def _report(problem: Problem, cohort: Sequence[str], of: dict[str, int]) -> Any:
    if (
        len(cohort) != problem.quotas.seats
        or len(set(cohort)) != len(cohort)
        or not set(cohort) <= of.keys()
    ):
        return (
            [evolve(quota_report(problem, [], of)[0], met=False)] if problem.quotas.quotas else []
        )
    return quota_report(problem, cohort, of)
