"""Policy cases as data: an input, the programme, and what the programme must decide.

A policy file (``*.policy.yaml`` or ``*.policy.json``, ``schemas/policy.schema.json``) holds
cases, each with ``name``, ``programme``, ``as_of``, ``input`` and ``expected``. The pytest
plugin collects them; :meth:`PolicyRunner.run` checks one and returns every mismatch, each reading
``expected X, got Y``. Input kinds (``applicant``, ``evaluation``, ``selection``) are
registered in :data:`CASE_KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from attrs import field, frozen

from shopperkit.eligibility.screening import Screener
from shopperkit.errors import InputError
from shopperkit.io.convert import from_data
from shopperkit.io.documents import read_document
from shopperkit.io.files import csv_text
from shopperkit.io.schemas import check
from shopperkit.model.forms import Form
from shopperkit.model.people import Applicant
from shopperkit.model.pool import Candidate, Pool
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from shopperkit.programmes import resolve_named_path
from shopperkit.registry import Registry
from shopperkit.scoring import Scoring
from shopperkit.selection.drawing import PoolInvalid, QuotasInfeasible, draw, rounded
from shopperkit.selection.feasibility import Feasibility
from shopperkit.selection.quotas import Quota, QuotaSet, quotas_for

POLICY_SUFFIXES = (".policy.yaml", ".policy.yml", ".policy.json")


@frozen
class PolicyCase:
    """One case of a policy file."""

    file: str
    name: str
    programme: str
    as_of: date | None
    input: Mapping[str, Any]
    expected: Mapping[str, Any]
    form: str | None = None

    @property
    def kind(self) -> str:
        """What the case checks: the single key of its ``input`` (``applicant``, ...)."""
        return next(iter(self.input))


def is_policy_file(path: Path) -> bool:
    """Whether ``path`` is named like a policy file."""
    return path.name.endswith(POLICY_SUFFIXES)


def load_policy_file(path: Path) -> list[PolicyCase]:
    """Every case of a policy file, checked against the policy schema.

    A case without its own ``programme`` or ``as_of`` takes the file's. A ``programme`` or
    ``form`` given as a file path is taken relative to the policy file, not the working
    directory; an id stays an id.
    """
    data = read_document(path)
    check("policy", data, where=str(path))
    cases = []
    for case in data["cases"]:
        as_of = case.get("as_of", data.get("as_of"))
        form = case.get("form", data.get("form"))
        cases.append(
            PolicyCase(
                file=str(path),
                name=case["name"],
                programme=resolve_named_path(
                    case.get("programme", data.get("programme", "")), path
                ),
                as_of=date.fromisoformat(as_of) if as_of else None,
                input=case["input"],
                expected=case["expected"],
                form=resolve_named_path(form, path) if form else None,
            )
        )
    return cases


def mismatch(what: str, expected: Any, got: Any) -> str:
    """One difference, worded the same way everywhere."""
    return f"{what}: expected {expected!r}, got {got!r}"


class PolicyRunner:
    """Runs policy cases with one set of plugins, building each programme and screener once."""

    def __init__(self, plugins: Plugins) -> None:
        self.plugins = plugins
        self.registry = Registry(plugins)
        self._screeners: dict[tuple[str, date | None], Screener] = {}

    def programme(self, name: str) -> Programme:
        """The programme called ``name`` (an id, or the path of a programme file)."""
        return self.registry.programme(name)

    def screener(self, name: str, as_of: date | None) -> Screener:
        """The screener of programme ``name`` at ``as_of`` (default: its reference date)."""
        key = (name, as_of)
        if key not in self._screeners:
            self._screeners[key] = Screener(self.programme(name), self.plugins, as_of=as_of)
        return self._screeners[key]

    def form(self, name: str) -> Form:
        """The form called ``name`` (an id, or the path of a form file)."""
        return self.registry.form(name)

    def run(self, case: PolicyCase) -> list[str]:
        """Check one case; an empty list means the programme decides as expected."""
        return CASE_KINDS[case.kind](self, case)


CaseKind = Callable[[PolicyRunner, PolicyCase], list[str]]
"""Checks one case; returns every mismatch."""


def _applicant_case(runner: PolicyRunner, case: PolicyCase) -> list[str]:
    applicant = from_data(Applicant, case.input["applicant"], where=case.file)
    verdict = runner.screener(case.programme, case.as_of).screen(applicant)
    found = []
    if "status" in case.expected and case.expected["status"] != verdict.status.value:
        found.append(mismatch("status", case.expected["status"], verdict.status.value))
    if "reasons" in case.expected:
        want = sorted(case.expected["reasons"])
        got = sorted(reason.code for reason in verdict.reasons)
        if want != got:
            found.append(mismatch("reasons", want, got))
    return found


def _close(what: str, expected: float | None, got: float | None, margin: float) -> list[str]:
    if expected is None or got is None:
        return [] if expected is got else [mismatch(what, expected, got)]
    return [] if abs(expected - got) <= margin else [mismatch(what, expected, got)]


def _evaluation_case(runner: PolicyRunner, case: PolicyCase) -> list[str]:
    record = case.input["evaluation"]
    name = case.form or (record.get("form") if isinstance(record, dict) else None)
    if not name:
        return [mismatch("form", "a form id or file", None)]
    scoring = Scoring([runner.form(name)], runner.plugins.question_scorers())
    result = scoring.score_data(dict(record))
    want = case.expected
    if isinstance(result, list):
        got = sorted({problem.code for problem in result})
        if "rejected" in want and sorted(want["rejected"]) == got:
            return []
        return [mismatch("rejected", sorted(want.get("rejected", [])), got)]
    found = []
    if "rejected" in want:
        found.append(mismatch("rejected", sorted(want["rejected"]), []))
    margin = float(want.get("margin", 0.01))
    if "overall" in want:
        found += _close("overall", want["overall"], result["overall"], margin)
    for section, expected in want.get("sections", {}).items():
        found += _close(f"sections.{section}", expected, result["sections"].get(section), margin)
    if "failed_critical" in want and sorted(want["failed_critical"]) != sorted(
        result["failed_critical"]
    ):
        found.append(
            mismatch("failed_critical", sorted(want["failed_critical"]), result["failed_critical"])
        )
    if "band" in want and want["band"] != result["band"]:
        found.append(mismatch("band", want["band"], result["band"]))
    return found


@frozen
class SelectionInput:
    """The input of a ``selection`` case: a pool, and quotas with seats or the programme's.

    Without ``quotas`` the case's programme states them (:func:`quotas_from_programme`);
    ``seats`` then replaces the programme's cohort size, so shares can be tried on any size.
    """

    pool: tuple[Mapping[str, str], ...]
    seats: int | None = None
    quotas: tuple[Quota, ...] | None = None
    method: str = "leximin"
    seed: str = "policy"


@frozen
class Drawn:
    """What a selection case observed: feasibility and, when feasible, the panel drawn."""

    quotas: QuotaSet
    feasibility: Feasibility
    panel: tuple[str, ...] = ()
    probabilities: Mapping[str, Fraction] = field(factory=dict)


def draw_selection(runner: PolicyRunner, case: PolicyCase) -> Drawn:
    """Run the draw of a ``selection`` case exactly as ``shopperkit select`` does."""
    spec = from_data(SelectionInput, case.input["selection"], where=case.file)
    where = "$.input.selection.pool"
    header = list(dict.fromkeys(name for row in spec.pool for name in row))
    gaps = [
        f"{where}[{i}].{name}"
        for i, row in enumerate(spec.pool)
        for name in header
        if name not in row
    ]
    if gaps:
        raise InputError("schema_violation", {"reason": f"{', '.join(gaps)}: value is missing"})
    pool = Pool(
        tuple(name for name in header if name != "id"),
        tuple(
            Candidate(row.get("id", ""), {name: row[name] for name in header if name != "id"})
            for row in spec.pool
        ),
    )
    if spec.quotas is not None:
        if spec.seats is None:
            raise InputError("seats_missing", where="$.input.selection")
        quotas = QuotaSet(spec.seats, spec.quotas)
    else:
        quotas = quotas_for(runner.programme(case.programme), pool, spec.seats)
    try:
        drawn = draw(pool, quotas, None, spec.seed, spec.method, source=csv_text(header, spec.pool))
    except QuotasInfeasible as error:
        return Drawn(quotas, error.feasibility)
    except PoolInvalid as error:
        if error.code != "pool_rows_invalid":
            raise InputError(error.code, error.params, where=where) from None
        reason = "; ".join(
            f"{where}[{record.row - 1}].{problem.where}: {problem.message}"
            for record in error.problems
            for problem in record.errors
        )
        raise InputError("schema_violation", {"reason": reason}) from None
    if drawn.panel is None:
        return Drawn(quotas, drawn.feasibility)
    return Drawn(quotas, drawn.feasibility, drawn.panel.members, rounded(drawn.probabilities))


def quota_violations(
    quotas: QuotaSet, pool: Sequence[Mapping[str, str]], panel: Sequence[str]
) -> list[str]:
    """How ``panel`` breaks the seats or a quota, counted from the pool rows alone."""
    rows = {row["id"]: row for row in pool}
    found = []
    if len(panel) != quotas.seats:
        found.append(f"{len(panel)} seats filled of {quotas.seats}")
    if len(set(panel)) != len(panel):
        found.append("someone is drawn twice")
    strangers = sorted(set(panel) - set(rows))
    if strangers:
        found.append(f"not in the pool: {strangers}")
    for quota in quotas.quotas:
        taken = sum(1 for person in panel if rows.get(person, {}).get(quota.feature) == quota.value)
        if not quota.min <= taken <= quota.max:
            found.append(f"{quota.key}: {taken} seats, bounds {quota.min}..{quota.max}")
    return found


def unequal_profiles(
    features: Sequence[str],
    pool: Sequence[Mapping[str, str]],
    probabilities: Mapping[str, Fraction],
) -> list[str]:
    """The profiles (values on every quota feature) whose members' probabilities differ."""
    groups: dict[tuple[str, ...], set[Fraction]] = {}
    for row in pool:
        profile = tuple(row.get(feature, "") for feature in features)
        groups.setdefault(profile, set()).add(probabilities.get(row["id"], Fraction(-1)))
    return [
        ",".join(f"{f}={v}" for f, v in zip(features, profile, strict=True))
        for profile, chances in groups.items()
        if len(chances) > 1
    ]


PANEL_EXPECTATIONS = (
    "quotas_met",
    "min_probability",
    "equal_probability_within_profile",
    "panel_size",
)


def _selection_case(runner: PolicyRunner, case: PolicyCase) -> list[str]:
    want = case.expected
    drawn = draw_selection(runner, case)
    feasibility = drawn.feasibility
    found = []
    if "feasible" in want and want["feasible"] != feasibility.feasible:
        found.append(mismatch("feasible", want["feasible"], feasibility.feasible))
    if "conflict" in want:
        got = sorted(f"{b.feature}={b.value} {b.kind}" for b in feasibility.conflict)
        if sorted(want["conflict"]) != got:
            found.append(mismatch("conflict", sorted(want["conflict"]), got))
    if "relaxation" in want:
        moves = (
            None
            if feasibility.feasible or feasibility.relaxation is None
            else sorted(
                f"{m.feature}={m.value} {m.kind} {m.current} -> {m.to}"
                for m in feasibility.relaxation
            )
        )
        expected = None if want["relaxation"] is None else sorted(want["relaxation"])
        if expected != moves:
            found.append(mismatch("relaxation", expected, moves))
    if not feasibility.feasible:
        return found + [mismatch(key, want[key], None) for key in PANEL_EXPECTATIONS if key in want]
    pool = case.input["selection"]["pool"]
    if "quotas_met" in want:
        violations = quota_violations(drawn.quotas, pool, drawn.panel)
        if want["quotas_met"] != (not violations):
            found.append(mismatch("quotas_met", want["quotas_met"], violations or True))
    if "min_probability" in want:
        lowest = float(min(drawn.probabilities.values()))
        if lowest < want["min_probability"] - float(want.get("margin", 1e-6)):
            found.append(mismatch("min_probability", want["min_probability"], round(lowest, 6)))
    if "equal_probability_within_profile" in want:
        unequal = unequal_profiles(drawn.quotas.features, pool, drawn.probabilities)
        if want["equal_probability_within_profile"] != (not unequal):
            found.append(
                mismatch(
                    "equal_probability_within_profile",
                    want["equal_probability_within_profile"],
                    unequal or True,
                )
            )
    if "panel_size" in want and want["panel_size"] != len(drawn.panel):
        found.append(mismatch("panel_size", want["panel_size"], len(drawn.panel)))
    return found


CASE_KINDS: dict[str, CaseKind] = {
    "applicant": _applicant_case,
    "evaluation": _evaluation_case,
    "selection": _selection_case,
}
"""Input kind (the key of a case's ``input``) -> the function that checks it."""
