"""Draw a cohort in memory: check the pool, compute the fair lottery, reveal it with a seed,
replace a member who withdraws, and verify a draw.

Nothing here reads or writes a file: :mod:`shopperkit.io.draws` writes a :class:`Draw` as a
draw directory and reads one back. The published texts (distribution, probabilities, the
cohort file) are part of the draw, because the audit hashes them byte for byte.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from attrs import Factory, evolve, frozen

from shopperkit import __version__
from shopperkit.errors import InputError
from shopperkit.io.pool import pool_text
from shopperkit.messages import render
from shopperkit.model.pool import Pool
from shopperkit.model.programme import Programme
from shopperkit.problems import FieldProblem, RecordError
from shopperkit.selection.audit import (
    COHORT_FILE,
    COMMITMENT_FILE,
    DISTRIBUTION_DIGITS,
    DISTRIBUTION_FILE,
    DRAW_RULE,
    FEASIBILITY_FILE,
    FORMAT,
    POOL_FILE,
    PROBABILITIES_FILE,
    PROBABILITY_DIGITS,
    QUOTAS_FILE,
    RESULT_FILE,
    Audit,
    Commitment,
    QuotaReport,
    Replacement,
    SelectionResult,
    decimal,
    distribution_text,
    draw_index,
    exact_column,
    ids_text,
    member_list,
    parse_distribution,
    parse_probabilities,
    probabilities_text,
    profile_index,
    quota_report,
    scaled,
    sha256_text,
    waitlist,
    weighted_index,
)
from shopperkit.selection.feasibility import (
    HOUSEHOLDS,
    RELAX_OBJECTIVES,
    Feasibility,
    Problem,
    check,
    uncovered,
)
from shopperkit.selection.households import (
    HOUSEHOLDS_FILE,
    household_groups,
    households_text,
    together,
    without_columns,
)
from shopperkit.selection.lottery import METHODS
from shopperkit.selection.quotas import QuotaSet, quotas_for
from shopperkit.selection.uniform import UNIFORM_RULE

Progress = Callable[[str], None]
"""Told the name of each stage as a draw reaches it: ``feasibility``, ``lottery``,
``cohorts``, ``reveal``."""

ZERO = Decimal(0)


class PoolInvalid(InputError):
    """The pool cannot be drawn from. ``problems`` names each unusable candidate: its row (1
    for the pool's first candidate), its id and each problem's code and parameters."""

    def __init__(
        self,
        code: str,
        params: Mapping[str, object] | None = None,
        *,
        problems: Sequence[RecordError] = (),
        where: str | None = None,
    ) -> None:
        self.problems = tuple(problems)
        super().__init__(code, params, where=where)


class QuotasInfeasible(InputError):
    """No cohort can meet every quota; ``feasibility`` holds the conflicting bounds and the
    smallest relaxation, as data."""

    def __init__(self, feasibility: Feasibility, *, where: str | None = None) -> None:
        self.feasibility = feasibility
        conflict = ", ".join(
            render("selection_households_apart", {"households": b.pool}, "en")
            if b.kind == HOUSEHOLDS
            else f"{b.feature}={b.value} {b.kind} {b.seats}"
            for b in feasibility.conflict
        )
        super().__init__("selection_infeasible", {"conflict": conflict}, where=where)


@frozen
class Panel:
    """One cohort of the lottery: its probability (exact) and its members' ids, sorted."""

    probability: Fraction
    members: tuple[str, ...]


@frozen
class Published:
    """The texts a draw publishes, hashed into its audit: the pool and quotas as used, the
    distribution, the probabilities, (once revealed) the cohort file ``cohort.csv``, for a
    uniform lottery (:func:`make_uniform`) its three files and, when some candidates share a
    household, ``households.csv``."""

    pool: str
    quotas: str
    distribution: str
    probabilities: str
    cohort: str = ""
    uniform: str = ""
    """``uniform.csv``: the uniform lottery's numbered panels (empty when there is none)."""
    uniform_probabilities: str = ""
    """``uniform_probabilities.csv``: everyone's fair and uniform chance, exact."""
    uniform_summary: str = ""
    """``uniform.json``: M, the hashes, the bound, the minimums, the loss and the pick rule."""
    households: str = ""


@frozen
class Check:
    """One verification step: what was checked, whether it held, the published file it
    checks (``result.json``, ``cohort.csv``...) and, when it failed, the first difference
    found (``line 3: expected 'P07', found 'P12'``), and the check's message code."""

    name: str
    ok: bool
    file: str = ""
    difference: str = ""
    code: str = ""
    """The message code naming the check (its English text is :attr:`name`; see
    :func:`shopperkit.messages.builtin_messages` for the Arabic)."""


@frozen
class Fairness:
    """What leximin and maximin prove about their lottery, exactly.

    ``levels``: the probability of each level reached, lowest (the minimum) first. ``bound``:
    no lottery gives everyone more than this (from the first level's dual weights and the
    integer programme's best panel under them, valued exactly); the minimum is proved
    optimal when it equals ``levels[0]``. ``exact``: the panel probabilities are the exact
    solution of the final basis (else they were rounded to multiples of ``1/10**9``).
    """

    levels: tuple[Fraction, ...]
    bound: Fraction | None
    exact: bool

    @property
    def optimal(self) -> bool:
        """Whether the minimum is proved to be the largest any lottery reaches."""
        return bool(self.levels) and self.bound == self.levels[0]


@frozen
class Draw:
    """A cohort draw held in memory.

    Before :func:`reveal` only the lottery is known (``result`` is None): publish
    :attr:`commitment` before the seed is known. After it, :attr:`panel` is the drawn cohort,
    :attr:`cohort` the cohort after replacements, :attr:`waitlist` who joins next.
    """

    pool: Pool
    quotas: QuotaSet
    method: str
    feasibility: Feasibility
    lottery: tuple[tuple[Fraction, tuple[str, ...]], ...]
    """The cohorts with their probabilities, most probable first (see :attr:`distribution`)."""
    probabilities: Mapping[str, Fraction]
    published: Published
    commitment: Commitment
    result: SelectionResult | None = None
    households: Mapping[str, int] = Factory(dict)
    """The household number of each candidate who shares one (see
    :mod:`shopperkit.selection.households`); no panel seats two of one household."""
    fairness: Fairness | None = None
    """leximin and maximin: the exact levels and the bound proving the minimum (not kept in
    the published files: :func:`verify` computes the lottery again)."""

    @property
    def nash_gap(self) -> float | None:
        """``nash`` only: the proven bound on how much any lottery could raise the sum over
        people of log(probability) above this one's (None for other methods)."""
        return self.commitment.nash_gap

    @property
    def revealed(self) -> bool:
        """Whether a seed has drawn the panel."""
        return self.result is not None

    @property
    def distribution(self) -> tuple[Panel, ...]:
        """The lottery: every cohort that can be drawn and its probability."""
        return tuple(Panel(p, members) for p, members in self.lottery)

    @property
    def panel(self) -> Panel | None:
        """The drawn row of the distribution (None before :func:`reveal`)."""
        if self.result is None:
            return None
        return Panel(*self.lottery[self.result.audit.panel_index])

    @property
    def cohort(self) -> tuple[str, ...]:
        """The cohort after replacements, ids sorted (empty before :func:`reveal`)."""
        return () if self.result is None else self.result.cohort

    @property
    def waitlist(self) -> tuple[str, ...]:
        """Everyone else who could be drawn, in the order the seed gives them."""
        return () if self.result is None else self.result.waitlist

    @property
    def quota_report(self) -> tuple[QuotaReport, ...]:
        """How the current cohort meets each quota (empty before :func:`reveal`)."""
        return () if self.result is None else self.result.quotas

    @property
    def replacements(self) -> tuple[Replacement, ...]:
        """Who withdrew and who took each seat, in order."""
        return () if self.result is None else self.result.replacements

    @property
    def audit(self) -> Audit | None:
        """What anyone needs to check the draw (None before :func:`reveal`)."""
        return None if self.result is None else self.result.audit


def check_pool(pool: Pool, quotas: QuotaSet) -> tuple[RecordError, ...]:
    """Every candidate that cannot be drawn, with its row (1 for the first) and problems:
    ``value_missing`` (no id), ``duplicate_id``, ``pool_value_unknown`` (a value no quota
    names). A pool without a quota's dimension raises :class:`PoolInvalid`
    (``pool_dimensions_missing``)."""
    features = quotas.features
    missing = [feature for feature in features if feature not in pool.dimensions]
    if missing:
        raise PoolInvalid("pool_dimensions_missing", {"dimensions": missing})
    known = quotas.values()
    first: dict[str, int] = {}
    errors: list[RecordError] = []
    for row, candidate in enumerate(pool.candidates, start=1):
        found: list[FieldProblem] = []
        person = candidate.id
        if not person:
            found.append(FieldProblem.of("value_missing", "id"))
        elif person in first:
            found.append(
                FieldProblem.of("duplicate_id", "id", id=person, first=f"row {first[person]}")
            )
        for feature in features:
            value = candidate.values.get(feature, "")
            if value not in known[feature]:
                found.append(
                    FieldProblem.of(
                        "pool_value_unknown",
                        feature,
                        value=value,
                        feature=feature,
                        known=known[feature],
                    )
                )
        if person:
            first.setdefault(person, row)
        if found:
            errors.append(RecordError("pool", row, person or None, tuple(found)))
    return tuple(errors)


def problem_of(
    pool: Pool, quotas: QuotaSet, households: Mapping[str, int] | None = None
) -> Problem:
    """The selection problem of ``pool`` under ``quotas`` (``households``: the household
    number of each candidate who shares one); a pool with unusable candidates or fewer
    candidates than seats raises :class:`PoolInvalid`."""
    errors = check_pool(pool, quotas)
    if errors:
        raise PoolInvalid("pool_rows_invalid", {"count": len(errors)}, problems=errors)
    if len(pool.candidates) < quotas.seats:
        raise PoolInvalid("pool_too_small", {"pool": len(pool.candidates), "seats": quotas.seats})
    return Problem.of(quotas, pool, households)


def resolve_quotas(pool: Pool, quotas: QuotaSet | Programme, seats: int | None) -> QuotaSet:
    """The quotas of a draw: ``quotas`` as given, or those a programme sets for ``pool``
    (:func:`~shopperkit.selection.quotas.quotas_for`); ``seats``, when given, must agree
    with a quota set and replaces a programme's ``seats``."""
    if isinstance(quotas, Programme):
        return quotas_for(quotas, pool, seats)
    if seats is not None and seats != quotas.seats:
        raise InputError("draw_seats_mismatch", {"seats": seats, "quotas": quotas.seats})
    return quotas


def _nothing(stage: str) -> None:
    del stage


def compute_lottery(
    problem: Problem,
    method: str,
    salt: str,
    progress: Progress = _nothing,
    *,
    relax_objective: str = "seats",
) -> tuple[
    Feasibility,
    tuple[tuple[Fraction, tuple[str, ...]], ...],
    dict[str, Fraction],
    Fairness | None,
    float | None,
]:
    """Check feasibility, then compute the lottery of ``method``: the feasibility report, the
    cohorts with their probabilities, each candidate's exact probability, (leximin and
    maximin) what is proved about the levels and (``nash``) the proven gap to the optimum
    (:attr:`shopperkit.selection.lottery.Lottery.gap`).

    ``salt`` seeds the ``legacy`` method's repeated greedy draws (the inputs' hashes, so the
    distribution is fixed before the draw's seed is known). ``relax_objective`` (one of
    :data:`RELAX_OBJECTIVES`) is what the relaxation proposed for infeasible quotas
    minimises. Raises :class:`QuotasInfeasible`.
    """
    from shopperkit.selection.lottery import Start, compute
    from shopperkit.selection.people import cohorts

    if method not in METHODS:
        raise InputError("method_unknown", {"name": method, "known": list(METHODS)})
    progress("feasibility")
    if relax_objective not in RELAX_OBJECTIVES:
        raise InputError(
            "relax_objective_unknown", {"name": relax_objective, "known": list(RELAX_OBJECTIVES)}
        )
    # The lottery's first panels are spread while the check covers the pool.
    start = Start(problem) if method != "legacy" else None
    feasibility, panels = check(problem, relax_objective, start.spread if start else None)
    if not feasibility.feasible:
        raise QuotasInfeasible(feasibility)
    excluded = uncovered(problem, panels)
    progress("lottery")
    result = compute(problem, method, panels, excluded, salt, start)
    progress("cohorts")
    rows = cohorts(result, problem.members)
    exact = result.profile_probabilities(problem.sizes)
    probabilities = {
        person: exact[t] for t, group in enumerate(problem.members) for person in group
    }
    fairness = Fairness(result.levels, result.bound, result.recovered) if result.levels else None
    return feasibility, tuple(rows), probabilities, fairness, result.gap


def draw(
    pool: Pool,
    quotas: QuotaSet | Programme,
    seats: int | None,
    seed: str | None,
    method: str = "leximin",
    *,
    source: str | None = None,
    progress: Progress | None = None,
    panels: int | None = None,
    households: Sequence[str] = (),
    relax_objective: str = "seats",
) -> Draw:
    """Draw a cohort of ``pool`` meeting ``quotas`` (or a programme's quotas) by a fair
    lottery, in memory.

    ``households`` names pool columns: no panel seats two candidates sharing a non-blank
    value in any of them (see :mod:`shopperkit.selection.households`). Those columns (unless
    a quota counts them) are left out of the pool the draw keeps and publishes, so
    ``source`` is then not used.

    With ``seed`` None only the lottery is computed: publish :attr:`Draw.commitment`, then
    :func:`reveal` with a seed announced in public. ``source`` is the pool's text as
    published (the file it was read from; by default the pool written as CSV), hashed into
    the audit. ``panels`` (M) also rounds the lottery to M panels of chance 1/M each
    (:func:`make_uniform`), to :func:`reveal` with a public ``pick``. ``relax_objective``
    chooses what the relaxation proposed for infeasible quotas minimises: ``seats`` (fewest
    seats moved) or ``weighted`` (see :mod:`shopperkit.selection.feasibility`). Raises
    :class:`PoolInvalid` and :class:`QuotasInfeasible`.
    """
    tell = progress or _nothing
    chosen = resolve_quotas(pool, quotas, seats)
    groups = household_groups(pool, households)
    if households:
        private = [column for column in households if column not in chosen.features]
        if private:
            pool, source = without_columns(pool, private), None
    problem = problem_of(pool, chosen, groups)
    pool_csv = pool_text(pool) if source is None else source
    quotas_csv = chosen.csv()
    feasibility, rows, probabilities, fairness, gap = compute_lottery(
        problem, method, sha256_text(pool_csv + quotas_csv), tell, relax_objective=relax_objective
    )
    published = Published(
        pool_csv,
        quotas_csv,
        distribution_text(rows),
        probabilities_text(probabilities),
        households=households_text(groups),
    )
    commitment = Commitment(
        format=FORMAT,
        method=method,
        seats=chosen.seats,
        shopperkit_version=__version__,
        pool_sha256=sha256_text(published.pool),
        quotas_sha256=sha256_text(published.quotas),
        distribution_sha256=sha256_text(published.distribution),
        probabilities_sha256=sha256_text(published.probabilities),
        households_sha256=sha256_text(published.households) if groups else None,
        nash_gap=gap,
    )
    drawn = Draw(
        pool,
        chosen,
        method,
        feasibility,
        rows,
        probabilities,
        published,
        commitment,
        households=groups,
        fairness=fairness,
    )
    if panels is not None:
        tell("uniform")
        drawn = make_uniform(drawn, panels, problem)
    if seed is None:
        return drawn
    tell("reveal")
    return _reveal(drawn, problem, seed, None)


def make_uniform(drawn: Draw, panels: int, problem: Problem | None = None) -> Draw:
    """The draw with its fair lottery, as published in ``distribution.csv`` (its exact
    column), rounded to ``panels`` numbered panels of chance ``1/panels`` each
    (:mod:`shopperkit.selection.uniform`): ``uniform.csv``, ``uniform_probabilities.csv`` and
    ``uniform.json`` join its published texts."""
    from shopperkit.selection import uniform as u

    if problem is None:
        problem = problem_of(drawn.pool, drawn.quotas, drawn.households)
    made = u.uniform_lottery(
        published_lottery(drawn.published.distribution), problem.members, panels
    )
    text = u.panels_text(made.panels)
    data = u.summary(made, sha256_text(drawn.published.distribution), sha256_text(text))
    return evolve(
        drawn,
        published=evolve(
            drawn.published,
            uniform=text,
            uniform_probabilities=u.probabilities_text(made),
            uniform_summary=u.summary_text(data),
        ),
    )


def published_lottery(distribution: str) -> list[tuple[Fraction, tuple[str, ...]]]:
    """The rows of a ``distribution.csv`` text with their exact chances (its ``exact``
    column, which sums to exactly one)."""
    cohorts = [cohort for _, cohort in parse_distribution(distribution)]
    return list(zip(exact_column(distribution, DISTRIBUTION_FILE), cohorts, strict=True))


def reveal(
    drawn: Draw,
    seed: str | None = None,
    *,
    pick: int | None = None,
    commitment: Commitment | None = None,
    progress: Progress | None = None,
) -> Draw:
    """The draw with its panel drawn by ``seed`` and the waitlist ordered by it; or, for a
    uniform lottery (:func:`make_uniform`), with the panel numbered ``pick`` (a public pick:
    dice, a ball, a lottery result; see :func:`~shopperkit.selection.uniform.pick_rule`), the
    waitlist ordered by the pick as seed.

    ``commitment``, the one published before the seed was known, must name this lottery's
    distribution (else ``commitment_mismatch``); the audit then records it.
    """
    (progress or _nothing)("reveal")
    problem = problem_of(drawn.pool, drawn.quotas, drawn.households)
    if pick is not None:
        return _reveal_pick(drawn, problem, pick, commitment)
    if seed is None:
        raise ValueError("reveal needs a seed or a pick")
    return _reveal(drawn, problem, seed, commitment)


def _committed(drawn: Draw, commitment: Commitment | None) -> str | None:
    hashes = drawn.commitment
    if commitment is None:
        return None
    if commitment.distribution_sha256 != hashes.distribution_sha256:
        raise InputError(
            "commitment_mismatch",
            {"actual": hashes.distribution_sha256, "committed": commitment.distribution_sha256},
        )
    return commitment.distribution_sha256


def _reveal_pick(drawn: Draw, problem: Problem, pick: int, commitment: Commitment | None) -> Draw:
    from shopperkit.selection.uniform import UNIFORM_RULE, parse_panels, pick_panel

    if not drawn.published.uniform:
        raise InputError("uniform_missing")
    committed = _committed(drawn, commitment)
    rows = parse_panels(drawn.published.uniform)
    index = pick_panel(len(rows), pick) - 1
    seed = str(pick)
    return _revealed(
        drawn,
        problem,
        rows[index],
        seed,
        index,
        committed,
        UNIFORM_RULE,
        sha256_text(drawn.published.uniform),
    )


def _revealed(
    drawn: Draw,
    problem: Problem,
    panel: tuple[str, ...],
    seed: str,
    index: int,
    committed: str | None,
    rule: str,
    uniform: str | None,
) -> Draw:
    hashes = drawn.commitment
    members = set(panel)
    ranked = waitlist(_drawable(drawn.probabilities), seed)
    result = SelectionResult(
        format=FORMAT,
        panel=panel,
        cohort=panel,
        waitlist=tuple(person for person in ranked if person not in members),
        quotas=quota_report(problem, panel),
        excluded=drawn.feasibility.excluded,
        audit=Audit(
            shopperkit_version=__version__,
            method=drawn.method,
            seed=seed,
            seats=drawn.quotas.seats,
            draw_rule=rule,
            pool_sha256=hashes.pool_sha256,
            quotas_sha256=hashes.quotas_sha256,
            distribution_sha256=hashes.distribution_sha256,
            probabilities_sha256=hashes.probabilities_sha256,
            panel_index=index,
            committed_sha256=committed,
            uniform_sha256=uniform,
            households_sha256=hashes.households_sha256,
            nash_gap=hashes.nash_gap,
        ),
    )
    return evolve(drawn, result=result, published=evolve(drawn.published, cohort=ids_text(panel)))


def _reveal(drawn: Draw, problem: Problem, seed: str, commitment: Commitment | None) -> Draw:
    committed = _committed(drawn, commitment)
    # The probabilities as distribution.csv publishes them (its rows are the lottery's).
    published = [scaled(p, DISTRIBUTION_DIGITS) for p, _ in drawn.lottery]
    index = weighted_index(published, seed, drawn.commitment.distribution_sha256)
    cohort = drawn.lottery[index][1]
    return _revealed(drawn, problem, cohort, seed, index, committed, DRAW_RULE, None)


def _drawable(probabilities: Mapping[str, Fraction]) -> list[str]:
    """Everyone whose published probability (the exact one rounded as ``probabilities.csv``
    writes it) is positive."""
    return [person for person, p in probabilities.items() if scaled(p, PROBABILITY_DIGITS) > 0]


def _replaced(
    problem: Problem,
    result: SelectionResult,
    withdrawn: str,
    reason: str | None,
    households: Mapping[str, int],
) -> SelectionResult:
    """``result`` with ``withdrawn`` replaced by the first waitlisted person keeping every
    quota and sharing no household with a member who stays; people who already left the
    cohort are skipped, and those passed over for their household are recorded."""
    cohort = list(result.cohort)
    if withdrawn not in cohort:
        raise InputError("withdraw_not_member", {"id": withdrawn})
    gone = {r.withdrawn for r in result.replacements}
    remaining = [person for person in cohort if person != withdrawn]
    of = profile_index(problem)
    stranger = next((person for person in (*cohort, *result.waitlist) if person not in of), None)
    if stranger is not None:
        raise InputError("draw_id_unknown", {"id": stranger})
    homes = {households[person] for person in remaining if person in households}
    skipped: list[str] = []
    for position, person in enumerate(result.waitlist):
        if person in gone or person in cohort:
            continue
        if person in households and households[person] in homes:
            skipped.append(person)
            continue
        trial = sorted([*remaining, person])
        report = quota_report(problem, trial, of)
        if all(q.met for q in report):
            return evolve(
                result,
                cohort=tuple(trial),
                quotas=report,
                replacements=(
                    *result.replacements,
                    Replacement(withdrawn, person, position, reason, tuple(skipped)),
                ),
            )
    raise InputError("replacement_impossible", {"id": withdrawn})


def replace(drawn: Draw, withdrawn_id: str, *, reason: str | None = None) -> Draw:
    """The draw with ``withdrawn_id`` replaced by the first person on the waitlist who keeps
    every quota (the waitlist order was fixed by the seed). The replacement is the last of
    ``result.replacements``; the cohort file is updated too."""
    if drawn.result is None:
        raise InputError("draw_not_revealed")
    problem = problem_of(drawn.pool, drawn.quotas, drawn.households)
    result = _replaced(problem, drawn.result, withdrawn_id, reason, drawn.households)
    return evolve(
        drawn, result=result, published=evolve(drawn.published, cohort=ids_text(result.cohort))
    )


COMMITTED_FIELDS = (
    "pool_sha256",
    "quotas_sha256",
    "distribution_sha256",
    "probabilities_sha256",
    "seats",
    "method",
    "households_sha256",
)
"""The fields a commitment and the audit must share."""


UNREPLACEABLE = ("withdraw_not_member", "replacement_impossible")
"""Why a seat may stay empty: the person is not a member, or no one on the waitlist keeps
every quota."""


class Waitlist:
    """Seats emptied one after another, each given to the first on ``drawn``'s waitlist who
    keeps every quota (:func:`replace`), in memory; :attr:`drawn` is the draw as it is now.

    Called as ``waitlist(person, on)`` it is a lifecycle ``Replace``: the replacement's id,
    or None for someone the draw cannot replace, after telling ``unreplaced`` why.
    """

    def __init__(
        self, drawn: Draw, unreplaced: Callable[[str, InputError], None] = lambda p, e: None
    ) -> None:
        self.drawn = drawn
        self.unreplaced = unreplaced
        self.made = 0

    def take(self, person: str, reason: str | None) -> Replacement:
        """Give ``person``'s seat to the waitlist; the replacement made."""
        self.drawn = replace(self.drawn, person, reason=reason)
        self.made += 1
        return self.drawn.replacements[-1]

    def __call__(self, person: str, on: date) -> str | None:
        """The id of who takes ``person``'s seat after a change reported ``on``, or None."""
        try:
            return self.take(person, f"condition change reported on {on}").replacement
        except InputError as error:
            if error.code not in UNREPLACEABLE:
                raise
            self.unreplaced(person, error)
            return None


def _lines(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def first_difference(expected: str, actual: str) -> str:
    """Where ``actual`` first departs from ``expected``, line by line (empty when equal):
    ``line 3: expected 'P07', found 'P12'``."""
    if expected == actual:
        return ""
    wanted = _lines(expected)
    found = _lines(actual)
    for line, (a, b) in enumerate(zip(wanted, found, strict=False), start=1):
        if a != b:
            return f"line {line}: expected {a!r}, found {b!r}"
    line = min(len(wanted), len(found)) + 1
    if len(wanted) == len(found):
        return f"line {line - 1}: the line break at the end of the file differs"
    if len(wanted) > len(found):
        return f"line {line}: expected {wanted[line - 1]!r}, found the end of the file"
    return f"line {line}: expected the end of the file, found {found[line - 1]!r}"


def _first_item_difference(what: str, expected: Sequence[object], actual: Sequence[object]) -> str:
    for position, (a, b) in enumerate(zip(expected, actual, strict=False), start=1):
        if a != b:
            return f"{what} {position}: expected {a!r}, found {b!r}"
    if len(expected) == len(actual):
        return ""
    position = min(len(expected), len(actual)) + 1
    if len(expected) > len(actual):
        return f"{what} {position}: expected {expected[position - 1]!r}, found none"
    return f"{what} {position}: expected none, found {actual[position - 1]!r}"


def verify(
    drawn: Draw,
    pool: Pool | None = None,
    quotas: QuotaSet | None = None,
    *,
    recompute: bool = True,
    seed: str | None = None,
) -> list[Check]:
    """Check a revealed draw against its published texts: every hash and the commitment, the
    audit's rule and seats, every panel of the distribution, the probabilities, the seeded
    draw, the waitlist order, the replacements, the quota report, the exclusions and the
    published cohort file; with ``recompute``, the lottery is computed again and must give the
    same distribution and probabilities, byte for byte.

    ``pool`` and ``quotas`` are the inputs as the verifier knows them (by default the draw's
    own); ``seed``, the seed as announced in public, must be the audit's. A draw read back
    from files is checked on the files' texts, byte for byte; a pool that cannot be drawn
    from raises :class:`PoolInvalid` unless an earlier check already failed. Each
    :class:`Check` names the file it checks and, when it fails, the first difference.
    """
    if drawn.result is None:
        raise InputError("draw_not_revealed")
    pool = drawn.pool if pool is None else pool
    quotas = drawn.quotas if quotas is None else quotas
    result = drawn.result
    audit = result.audit
    texts = drawn.published
    checks: list[Check] = []

    def add(code: str, file: str, difference: str) -> None:
        name = render(code, {}, "en")
        checks.append(Check(name, not difference, file, difference, code))

    if seed is not None:
        add(
            "verify_seed_announced",
            RESULT_FILE,
            "" if seed == audit.seed else f"expected {seed!r}, found {audit.seed!r}",
        )
    committed = drawn.commitment
    hashes = {}
    for code, name, text, field in (
        ("verify_pool_hash", POOL_FILE, texts.pool, "pool_sha256"),
        ("verify_quotas_hash", QUOTAS_FILE, texts.quotas, "quotas_sha256"),
        ("verify_distribution_hash", DISTRIBUTION_FILE, texts.distribution, "distribution_sha256"),
        (
            "verify_probabilities_hash",
            PROBABILITIES_FILE,
            texts.probabilities,
            "probabilities_sha256",
        ),
    ):
        actual = hashes[field] = sha256_text(text)
        recorded = getattr(audit, field)
        # The commitment was published first: when it agrees with the file, the audit is
        # what changed.
        blamed = RESULT_FILE if recorded != actual == getattr(committed, field) else name
        add(
            code,
            blamed,
            ""
            if actual == recorded
            else f"{name} has SHA-256 {actual}, {RESULT_FILE} records {recorded}",
        )
    homes = drawn.households
    if audit.households_sha256 is not None or texts.households or homes:
        actual = hashes["households_sha256"] = sha256_text(texts.households)
        recorded = audit.households_sha256
        add(
            "verify_households_hash",
            HOUSEHOLDS_FILE,
            ""
            if actual == recorded
            else f"{HOUSEHOLDS_FILE} has SHA-256 {actual}, {RESULT_FILE} records {recorded}",
        )
    add(
        "verify_quotas_used",
        QUOTAS_FILE,
        first_difference(quotas.csv(), texts.quotas),
    )
    evidence: dict[str, object] = {**hashes, "seats": len(result.panel)}
    changed = next(
        (f for f in COMMITTED_FIELDS if getattr(committed, f) != getattr(audit, f)),
        None,
    )
    if changed is None:
        blamed, disagreement = COMMITMENT_FILE, ""
    else:
        blamed = (
            COMMITMENT_FILE
            if changed in evidence and evidence[changed] == getattr(audit, changed)
            else RESULT_FILE
        )
        disagreement = (
            f"{changed}: {COMMITMENT_FILE} has {getattr(committed, changed)!r}, "
            f"{RESULT_FILE} has {getattr(audit, changed)!r}"
        )
    add("verify_commitment_repeated", blamed, disagreement)
    if audit.committed_sha256 is not None:
        actual = hashes["distribution_sha256"]
        add(
            "verify_distribution_committed",
            RESULT_FILE
            if audit.committed_sha256 != actual == committed.distribution_sha256
            else DISTRIBUTION_FILE,
            ""
            if audit.committed_sha256 == actual
            else f"{DISTRIBUTION_FILE} has SHA-256 {actual}, committed {audit.committed_sha256}",
        )
    rule = [
        f"{what}: expected {want!r}, found {got!r}"
        for what, want, got in (
            (
                "draw_rule",
                DRAW_RULE if audit.uniform_sha256 is None else UNIFORM_RULE,
                audit.draw_rule,
            ),
            ("seats", quotas.seats, audit.seats),
            ("seats", len(result.panel), audit.seats),
            ("format", FORMAT, result.format),
        )
        if want != got
    ]
    if audit.method not in METHODS:
        rule.append(f"method: {audit.method!r} is not one of {list(METHODS)}")
    add("verify_audit_rule", RESULT_FILE, "; ".join(rule[:1]))
    try:
        problem = problem_of(pool, quotas, homes)
    except PoolInvalid as error:
        if all(check.ok for check in checks):
            raise
        add("verify_pool_drawable", POOL_FILE, f"{error.code} {dict(error.params)}")
        return checks
    rows = parse_distribution(texts.distribution)
    of = profile_index(problem)
    bad = [
        i
        for i, (_, cohort) in enumerate(rows)
        if not all(q.met for q in _report(problem, cohort, of))
    ]
    add(
        "verify_panels_meet_quotas",
        DISTRIBUTION_FILE,
        f"row {bad[0]} ({member_list(rows[bad[0]][1])!r}) does not meet the quotas" if bad else "",
    )
    if homes:
        add("verify_households_apart", DISTRIBUTION_FILE, _apart(homes, rows, result, of))
    total = sum((Fraction(p) for p, _ in rows), Fraction(0))
    tolerance = Fraction(len(rows) + 1, 2 * 10**DISTRIBUTION_DIGITS)
    add(
        "verify_distribution_sums",
        DISTRIBUTION_FILE,
        "" if abs(total - 1) <= tolerance else f"they sum to {float(total)!r}",
    )
    # Decimal sums of 15-decimal numbers are exact here (28 significant digits).
    marginal: dict[str, Decimal] = {}
    for p, cohort in rows:
        for person in cohort:
            marginal[person] = marginal.get(person, ZERO) + p
    published = parse_probabilities(texts.probabilities)
    everyone = sorted(candidate.id for candidate in pool.candidates)
    listed = [person for person, _ in published]
    add(
        "verify_probabilities_listed",
        PROBABILITIES_FILE,
        _first_item_difference("row", everyone, listed),
    )
    # Each published probability is the exact one rounded to PROBABILITY_DIGITS decimals;
    # each row of the distribution is rounded to DISTRIBUTION_DIGITS decimals.
    bound = Fraction(1, 2 * 10**PROBABILITY_DIGITS) + tolerance
    far = next(
        (
            (person, p)
            for person, p in published
            if abs(p - Fraction(marginal.get(person, ZERO))) > bound
        ),
        None,
    )
    add(
        "verify_probabilities_agree",
        PROBABILITIES_FILE,
        ""
        if far is None
        else f"{far[0]!r}: published {float(far[1])!r}, the distribution gives "
        f"{float(marginal.get(far[0], ZERO))!r}",
    )
    add("verify_exact_fractions", DISTRIBUTION_FILE, _exact_difference(texts, rows, published))
    if audit.uniform_sha256 is None:
        index = draw_index([p for p, _ in rows], audit.seed, sha256_text(texts.distribution))
        if index != audit.panel_index:
            drawn_row = f"the seed picks row {index}, {RESULT_FILE} records row {audit.panel_index}"
        elif index >= len(rows) or rows[index][1] != result.panel:
            drawn_row = _first_item_difference("panel member", rows[index][1], result.panel)
        else:
            drawn_row = ""
        add("verify_seed_draws_panel", RESULT_FILE, drawn_row)
    if texts.uniform or texts.uniform_summary or audit.uniform_sha256 is not None:
        for code, file, difference in _uniform_checks(drawn, problem, of):
            add(code, file, difference)
    members = set(result.panel)
    expected = tuple(
        person
        for person in waitlist([person for person, p in published if p > 0], audit.seed)
        if person not in members
    )
    add(
        "verify_waitlist_order",
        RESULT_FILE,
        _first_item_difference("waitlist position", expected, result.waitlist),
    )
    named = [
        *result.panel,
        *result.cohort,
        *result.waitlist,
        *(person for r in result.replacements for person in (r.withdrawn, r.replacement)),
    ]
    stranger = next((person for person in named if person not in of), None)
    replaced = "" if stranger is None else f"{stranger!r} is not in {POOL_FILE}"
    replayed = evolve(result, cohort=result.panel, replacements=())
    for number, replacement in enumerate(() if replaced else result.replacements, start=1):
        try:
            replayed = _replaced(
                problem, replayed, replacement.withdrawn, replacement.reason, homes
            )
        except InputError as error:
            replaced = (
                f"replacement {number}: {replacement.withdrawn!r} cannot be replaced ({error.code})"
            )
            break
        if replayed.replacements[-1] != replacement:
            replaced = (
                f"replacement {number}: expected {replayed.replacements[-1]!r}, "
                f"found {replacement!r}"
            )
            break
    if not replaced and replayed.cohort != result.cohort:
        replaced = _first_item_difference("cohort member", replayed.cohort, result.cohort)
    add("verify_replacements", RESULT_FILE, replaced)
    report = quota_report(problem, result.cohort, of) if set(result.cohort) <= of.keys() else ()
    add(
        "verify_quota_report",
        RESULT_FILE,
        _first_item_difference("quota", report, result.quotas),
    )
    add(
        "verify_exclusions",
        RESULT_FILE,
        _first_item_difference("excluded profile", drawn.feasibility.excluded, result.excluded),
    )
    add(
        "verify_cohort_file",
        COHORT_FILE,
        first_difference(ids_text(result.cohort), texts.cohort),
    )
    if recompute:
        try:
            feasibility, again, probabilities, _, _ = compute_lottery(
                problem, audit.method, sha256_text(texts.pool + texts.quotas)
            )
            same = distribution_text(again)
            chances = probabilities_text(probabilities)
        except (QuotasInfeasible, InputError):
            feasibility, same, chances = None, "", ""
        add(
            "verify_recomputed_distribution",
            DISTRIBUTION_FILE,
            first_difference(same, texts.distribution),
        )
        add(
            "verify_recomputed_probabilities",
            PROBABILITIES_FILE,
            first_difference(chances, texts.probabilities),
        )
        add(
            "verify_recomputed_feasibility",
            FEASIBILITY_FILE,
            ""
            if feasibility == drawn.feasibility
            else "the quotas give another feasibility report",
        )
    return checks


def _uniform_checks(
    drawn: Draw, problem: Problem, of: dict[str, int]
) -> list[tuple[str, str, str]]:
    """The checks of a uniform lottery and its pick: (code, file, first difference)."""
    from shopperkit.selection import uniform as u

    texts = drawn.published
    audit = drawn.result.audit if drawn.result is not None else None
    found: list[tuple[str, str, str]] = []
    codes = (
        "verify_uniform_hash",
        "verify_uniform_panels",
        "verify_uniform_probabilities",
        "verify_uniform_loss",
        "verify_uniform_rounding",
    )
    try:
        data = u.parse_summary(texts.uniform_summary)
        cohorts = u.parse_panels(texts.uniform)
        published = u.parse_probabilities(texts.uniform_probabilities)
    except InputError as error:
        where = error.where or u.UNIFORM_FILE
        file = where.split(":")[0]
        return [(code, file, f"{where}: {error.code}") for code in codes]
    actual = sha256_text(texts.uniform)
    hashes = [
        f"{what}: expected {actual!r}, found {recorded!r}"
        for what, recorded in (
            (f"{u.UNIFORM_SUMMARY_FILE} uniform_sha256", data["uniform_sha256"]),
            (f"{RESULT_FILE} uniform_sha256", actual if audit is None else audit.uniform_sha256),
        )
        if recorded != actual
    ]
    distribution = sha256_text(texts.distribution)
    if data["distribution_sha256"] != distribution:
        hashes.append(
            f"{u.UNIFORM_SUMMARY_FILE} distribution_sha256: expected {distribution!r}, "
            f"found {data['distribution_sha256']!r}"
        )
    found.append((codes[0], u.UNIFORM_SUMMARY_FILE, "; ".join(hashes[:1])))
    m = len(cohorts)
    bad = [
        n
        for n, cohort in enumerate(cohorts, start=1)
        if not all(q.met for q in _report(problem, cohort, of))
    ]
    if m != data["panels"]:
        panels = f"{u.UNIFORM_FILE} has {m} panels, {u.UNIFORM_SUMMARY_FILE} says {data['panels']}"
    elif bad:
        panels = f"panel {bad[0]} ({member_list(cohorts[bad[0] - 1])!r}) does not meet the quotas"
    else:
        panels = ""
    found.append((codes[1], u.UNIFORM_FILE, panels))
    if bad or not m:
        return found
    rows = published_lottery(texts.distribution)
    fair_panels, panel_chances = u.profile_lottery(rows, of, len(problem.profiles))
    fair = u.fair_chances(rows, sorted(of))
    chances = u.chances(cohorts, sorted(of))
    sizes = problem.sizes
    made = u.Uniform(tuple(cohorts), fair, chances, u.bound(fair_panels, sizes, m))
    expected = [(person, fair[person], chances[person]) for person in sorted(of)]
    found.append(
        (
            codes[2],
            u.UNIFORM_PROBABILITIES_FILE,
            _first_item_difference("row", expected, published),
        )
    )
    wrong = [
        f"{key}: expected {want!r}, found {data[key]!r}"
        for key, want in (
            ("bound", u.fraction_text(made.bound)),
            ("fair_minimum", u.fraction_text(made.fair_minimum)),
            ("uniform_minimum", u.fraction_text(made.uniform_minimum)),
            ("loss", u.fraction_text(made.loss)),
            ("pick_rule", u.pick_rule(m)),
        )
        if data[key] != want
    ]
    found.append((codes[3], u.UNIFORM_SUMMARY_FILE, "; ".join(wrong[:1])))
    profiles = len(sizes)
    vectors = [u.profile_lottery([(Fraction(1), c)], of, profiles)[0][0] for c in cohorts]
    count = Counter(vectors)
    known = set(fair_panels)
    stray = next((n for n, v in enumerate(vectors, start=1) if v not in known), None)
    rounding = (
        ""
        if stray is None
        else f"panel {stray}: its seats per profile are no panel of {DISTRIBUTION_FILE}"
    )
    if not rounding:
        for panel, p in zip(fair_panels, panel_chances, strict=True):
            n = count.get(panel, 0)
            if not math.floor(p * m) <= n <= math.ceil(p * m):
                rounding = f"a panel of chance {p} in {DISTRIBUTION_FILE} has {n} of {m} copies"
                break
    if not rounding:
        far = next(
            (person for person in sorted(of) if abs(chances[person] - fair[person]) > made.bound),
            None,
        )
        if far is not None:
            rounding = (
                f"{far!r}: uniform {chances[far]} and fair {fair[far]} differ by more than "
                f"the bound {made.bound}"
            )
    found.append((codes[4], u.UNIFORM_FILE, rounding))
    if audit is not None and audit.uniform_sha256 is not None:
        pick = audit.seed
        if not pick.isascii() or not pick.isdigit() or len(pick) > 7:
            picked = f"the seed {pick!r} is not a pick from 1 to {m}"
        else:
            try:
                index = u.pick_panel(m, int(pick)) - 1
            except InputError:
                index = -1
            if index < 0:
                picked = f"the pick {pick} names no panel of 1 to {m}"
            elif index != audit.panel_index:
                picked = (
                    f"the pick names row {index}, {RESULT_FILE} records row {audit.panel_index}"
                )
            else:
                picked = _first_item_difference(
                    "panel member", cohorts[index], drawn.result.panel if drawn.result else ()
                )
        found.append(("verify_pick_draws_panel", RESULT_FILE, picked))
    return found


def _apart(
    homes: Mapping[str, int],
    rows: Sequence[tuple[Decimal, tuple[str, ...]]],
    result: SelectionResult,
    of: Mapping[str, int],
) -> str:
    """The first row of the distribution, or the cohort, seating two of one household (or a
    household member not in the pool), as a difference; empty when there is none."""
    stranger = next((person for person in sorted(homes) if person not in of), None)
    if stranger is not None:
        return f"{HOUSEHOLDS_FILE} names {stranger!r}, who is not in {POOL_FILE}"
    for i, (_, cohort) in enumerate(rows):
        pair = together(homes, cohort)
        if pair is not None:
            return f"row {i} seats {pair[0]!r} and {pair[1]!r} of one household"
    pair = together(homes, result.cohort)
    if pair is not None:
        return f"{RESULT_FILE}: the cohort seats {pair[0]!r} and {pair[1]!r} of one household"
    return ""


def _exact_difference(
    texts: Published,
    rows: Sequence[tuple[Decimal, tuple[str, ...]]],
    published: Sequence[tuple[str, Fraction]],
) -> str:
    """The first way the ``exact`` columns fail: the distribution's fractions must sum to
    one exactly and give each person's fraction exactly, and every decimal must be its
    fraction rounded."""
    cells = exact_column(texts.distribution, DISTRIBUTION_FILE)
    people = exact_column(texts.probabilities, PROBABILITIES_FILE)
    total = sum(cells, Fraction(0))
    if total != 1:
        return f"{DISTRIBUTION_FILE}: the exact column sums to {total}"
    for i, (cell, (p, _)) in enumerate(zip(cells, rows, strict=True)):
        if Fraction(decimal(cell, DISTRIBUTION_DIGITS)) != p:
            return f"{DISTRIBUTION_FILE} row {i}: {p} is not {cell} rounded"
    marginal: dict[str, Fraction] = {}
    for cell, (_, cohort) in zip(cells, rows, strict=True):
        for person in cohort:
            marginal[person] = marginal.get(person, Fraction(0)) + cell
    for share, (person, rounded_share) in zip(people, published, strict=True):
        sums = marginal.get(person, Fraction(0))
        if share != sums:
            return f"{PROBABILITIES_FILE} {person!r}: {share}, the distribution gives {sums}"
        if Fraction(decimal(share, PROBABILITY_DIGITS)) != rounded_share:
            return f"{PROBABILITIES_FILE} {person!r}: {rounded_share} is not {share} rounded"
    return ""


def _report(problem: Problem, cohort: Sequence[str], of: dict[str, int]) -> tuple[QuotaReport, ...]:
    if (
        len(cohort) != problem.quotas.seats
        or len(set(cohort)) != len(cohort)
        or not set(cohort) <= of.keys()
    ):
        if not problem.quotas.quotas:
            return ()
        return (evolve(quota_report(problem, [], of)[0], met=False),)
    return quota_report(problem, cohort, of)


def rounded(probabilities: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """Each probability as published (rounded to ``PROBABILITY_DIGITS`` decimals)."""
    return {person: Fraction(decimal(p, PROBABILITY_DIGITS)) for person, p in probabilities.items()}


__all__ = [
    "METHODS",
    "Check",
    "Draw",
    "Fairness",
    "Panel",
    "PoolInvalid",
    "Progress",
    "Published",
    "QuotasInfeasible",
    "Waitlist",
    "check_pool",
    "compute_lottery",
    "draw",
    "first_difference",
    "make_uniform",
    "problem_of",
    "published_lottery",
    "replace",
    "resolve_quotas",
    "reveal",
    "rounded",
    "verify",
]
