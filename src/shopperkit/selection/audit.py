"""The draw and its record: files anyone can check, byte for byte.

A draw directory holds ``pool.csv`` and ``quotas.csv`` (the inputs, as used),
``distribution.csv`` (the lottery over named cohorts), ``probabilities.csv``,
``feasibility.json``, ``cohort.csv`` (the published cohort: the drawn panel, after
replacements) and ``result.json``; before the seed is known, ``commitment.json`` instead of
the last two.

The draw rule needs only ``distribution.csv`` and the seed: take the SHA-256 of the text
``shopperkit-draw/1``, the distribution's SHA-256 and the seed (one per line), read it as a
number ``u`` in [0, 1) and take the first row whose running total of probabilities (the
decimals as written) exceeds ``u`` times their sum. So the distribution can be published
(committed) before the seed is known.

Next to each rounded decimal, the ``exact`` column of ``distribution.csv`` and
``probabilities.csv`` holds the probability as an exact fraction (``1/11``; ``0`` and ``1``
as integers): the distribution's fractions sum to one and give everyone's fraction exactly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from attrs import frozen

from shopperkit.errors import InputError
from shopperkit.io.files import csv_rows, csv_table, csv_text
from shopperkit.selection.feasibility import Excluded, Problem
from shopperkit.selection.people import Cohort

FORMAT = "shopperkit-selection/1"
DRAW_RULE = "shopperkit-draw/1"
PROBABILITY_DIGITS = 10
DISTRIBUTION_DIGITS = 15
POOL_FILE = "pool.csv"
QUOTAS_FILE = "quotas.csv"
DISTRIBUTION_FILE = "distribution.csv"
PROBABILITIES_FILE = "probabilities.csv"
COHORT_FILE = "cohort.csv"
RESULT_FILE = "result.json"
COMMITMENT_FILE = "commitment.json"
FEASIBILITY_FILE = "feasibility.json"
DISTRIBUTION_COLUMNS = ("panel_index", "probability", "member_ids", "exact")
PROBABILITIES_COLUMNS = ("id", "probability", "exact")
_PROBABILITY = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,40})?", re.ASCII)
_FRACTION = re.compile(r"[0-9]{1,1000}(?:/[1-9][0-9]{0,999})?", re.ASCII)


def sha256_text(text: str) -> str:
    """SHA-256 of the UTF-8 text, in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scaled(value: Fraction, digits: int) -> int:
    """``value`` times ``10**digits``, rounded half-even to an integer."""
    power: int = 10**digits
    whole, rest = divmod(value.numerator * power, value.denominator)
    if 2 * rest > value.denominator or (2 * rest == value.denominator and whole % 2):
        whole += 1
    return whole


def decimal(value: Fraction, digits: int) -> str:
    """``value`` rounded half-even to ``digits`` decimals, always written with all of them."""
    whole = scaled(value, digits)
    sign = "-" if whole < 0 else ""
    text = str(abs(whole)).rjust(digits + 1, "0")
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


def fraction_text(value: Fraction) -> str:
    """``value`` as ``numerator/denominator`` in lowest terms (an integer as itself)."""
    return str(value)


def member_list(ids: Sequence[str]) -> str:
    """Ids as one text, space-separated; an id holding a space, a quote or a line break is
    quoted by the CSV rules (``"a b"``; a quote inside is doubled), so ids without them are
    written as they are and every id reads back unchanged with :func:`parse_member_list`."""
    whole = "".join(ids)  # one character is special, not a pair of them
    # No quote, and no whitespace: splitting at whitespace leaves the text whole (a scan in C,
    # by the same rule as a regular expression's ``\s``, several times faster).
    if '"' not in whole and whole.split() == ([whole] if whole else []):
        return " ".join(ids)
    buffer = io.StringIO()
    # A line terminator of both characters makes the writer quote an id holding either.
    csv.writer(buffer, delimiter=" ", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerow(
        ids
    )
    return buffer.getvalue()[:-2]


def parse_member_list(text: str) -> tuple[str, ...]:
    """The ids of a :func:`member_list` text (empty for an empty text)."""
    if not text:
        return ()
    if '"' not in text:
        return tuple(text.split(" "))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=" ", strict=True)
    try:
        rows = list(reader)
    except csv.Error:
        raise InputError("distribution_malformed", where="distribution.csv") from None
    if len(rows) != 1:
        raise InputError("distribution_malformed", where="distribution.csv")
    return tuple(rows[0])


def distribution_text(rows: Sequence[tuple[Fraction, Cohort]]) -> str:
    """``distribution.csv``: ``panel_index,probability,member_ids`` (ids space-separated,
    see :func:`member_list`)."""
    return csv_table(
        DISTRIBUTION_COLUMNS,
        (
            (i, decimal(p, DISTRIBUTION_DIGITS), member_list(cohort), fraction_text(p))
            for i, (p, cohort) in enumerate(rows)
        ),
    )


def probabilities_text(probabilities: Mapping[str, Fraction]) -> str:
    """``probabilities.csv``: ``id,probability``, by id."""
    return csv_text(
        PROBABILITIES_COLUMNS,
        (
            {"id": person, "probability": decimal(p, PROBABILITY_DIGITS), "exact": fraction_text(p)}
            for person, p in sorted(probabilities.items())
        ),
    )


def ids_text(ids: Sequence[str]) -> str:
    """A one-column CSV ``id``."""
    return csv_text(("id",), ({"id": person} for person in ids))


def _probability(text: str, where: str) -> str:
    """``text`` when it is written as shopperkit writes probabilities (digits, a point and
    decimals, no exponent: so reading it costs no more than its length)."""
    if not _PROBABILITY.fullmatch(text):
        raise InputError("distribution_malformed", where=where)
    return text


def parse_distribution(text: str) -> list[tuple[Decimal, Cohort]]:
    """The rows of a ``distribution.csv`` text, probabilities as exact decimals."""
    _, rows = csv_rows(Path(DISTRIBUTION_FILE), DISTRIBUTION_COLUMNS, text=text)
    return [
        (
            Decimal(_probability(row["probability"], f"{DISTRIBUTION_FILE}:{line}")),
            parse_member_list(row["member_ids"]),
        )
        for line, row in rows
    ]


def parse_probabilities(text: str) -> list[tuple[str, Fraction]]:
    """The rows of a ``probabilities.csv`` text: each id and its probability, exactly."""
    _, rows = csv_rows(Path(PROBABILITIES_FILE), PROBABILITIES_COLUMNS, text=text)
    return [
        (row["id"], Fraction(_probability(row["probability"], f"{PROBABILITIES_FILE}:{line}")))
        for line, row in rows
    ]


def _fraction(text: str, where: str) -> Fraction:
    """The fraction ``text`` as :func:`fraction_text` writes it (at most 1,000 digits a side)."""
    if not _FRACTION.fullmatch(text):
        raise InputError("distribution_malformed", where=where)
    return Fraction(text)


def exact_column(text: str, file: str) -> list[Fraction]:
    """The ``exact`` column of a ``distribution.csv`` or ``probabilities.csv`` text, row by
    row: each probability as an exact fraction."""
    columns = DISTRIBUTION_COLUMNS if file == DISTRIBUTION_FILE else PROBABILITIES_COLUMNS
    _, rows = csv_rows(Path(file), columns, text=text)
    return [_fraction(row["exact"], f"{file}:{line}") for line, row in rows]


def draw_index(probabilities: Sequence[Decimal], seed: str, distribution_sha256: str) -> int:
    """The row the seed picks (see the module's docstring for the rule)."""
    ratios = [p.as_integer_ratio() for p in probabilities]
    common = math.lcm(*{denominator for _, denominator in ratios})
    return weighted_index(
        [numerator * (common // denominator) for numerator, denominator in ratios],
        seed,
        distribution_sha256,
    )


def weighted_index(weights: Sequence[int], seed: str, distribution_sha256: str) -> int:
    """The row the seed picks, the rows' probabilities given as integers in proportion to
    them: the first whose running total exceeds ``u`` times their sum, compared in integers
    (``u`` is a whole number over ``2**256``)."""
    digest = hashlib.sha256(f"{DRAW_RULE}\n{distribution_sha256}\n{seed}".encode()).digest()
    target = int.from_bytes(digest, "big") * sum(weights)
    running = 0
    for index, weight in enumerate(weights):
        running += weight
        if running << 256 > target:
            return index
    return len(weights) - 1


def waitlist(ids: Sequence[str], seed: str) -> list[str]:
    """Candidates in the order the seed gives them: by SHA-256 of ``seed`` and id."""
    return sorted(ids, key=lambda person: (sha256_text(f"{DRAW_RULE}\n{seed}\n{person}"), person))


@frozen
class QuotaReport:
    """One quota: its bounds, seats taken in the cohort and candidates in the pool."""

    feature: str
    value: str
    min: int
    max: int
    selected: int
    pool: int
    met: bool


def profile_index(problem: Problem) -> dict[str, int]:
    """Each candidate's profile number."""
    return {person: t for t, group in enumerate(problem.members) for person in group}


def quota_report(
    problem: Problem, cohort: Sequence[str], of: Mapping[str, int] | None = None
) -> tuple[QuotaReport, ...]:
    """How ``cohort`` meets each quota (``of``: :func:`profile_index`, to reuse it)."""
    if of is None:
        of = profile_index(problem)
    counts = [0] * len(problem.profiles)
    for person in cohort:
        counts[of[person]] += 1
    sizes = problem.sizes
    found = []
    for quota, columns in zip(problem.quotas.quotas, problem.counted, strict=True):
        seats = sum(counts[t] for t in columns)
        found.append(
            QuotaReport(
                quota.feature,
                quota.value,
                quota.min,
                quota.max,
                seats,
                sum(sizes[t] for t in columns),
                quota.min <= seats <= quota.max,
            )
        )
    return tuple(found)


@frozen
class Replacement:
    """A withdrawn member and who took the seat (the first fitting person on the waitlist)."""

    withdrawn: str
    replacement: str
    waitlist_position: int
    reason: str | None = None
    household_skipped: tuple[str, ...] = ()
    """Waitlisted people passed over because they share a household with a member who stays."""


@frozen
class Audit:
    """What anyone needs to check the draw: inputs' hashes, method, seed, version, the rule."""

    shopperkit_version: str
    method: str
    seed: str
    seats: int
    draw_rule: str
    pool_sha256: str
    quotas_sha256: str
    distribution_sha256: str
    probabilities_sha256: str
    panel_index: int
    committed_sha256: str | None = None
    uniform_sha256: str | None = None
    """For a uniform lottery's draw (rule ``shopperkit-uniform/1``): the SHA-256 of
    ``uniform.csv``; the seed is then the public pick and ``panel_index`` its row."""
    households_sha256: str | None = None
    """The SHA-256 of ``households.csv``, when some candidates share a household."""
    nash_gap: float | None = None
    """``nash`` only: the proven bound on how much any lottery could raise the sum over
    people of log(probability) above this one's (left out of the file for other methods)."""


@frozen
class Commitment:
    """``commitment.json``: the lottery's hashes, published before the seed is known."""

    format: str
    method: str
    seats: int
    shopperkit_version: str
    pool_sha256: str
    quotas_sha256: str
    distribution_sha256: str
    probabilities_sha256: str
    households_sha256: str | None = None
    """The SHA-256 of ``households.csv``, when some candidates share a household."""
    nash_gap: float | None = None
    """``nash`` only: see :attr:`Audit.nash_gap`."""


@frozen
class SelectionResult:
    """``result.json``: the panel, the waitlist, the quota report, exclusions and the audit."""

    format: str
    panel: tuple[str, ...]
    cohort: tuple[str, ...]
    waitlist: tuple[str, ...]
    quotas: tuple[QuotaReport, ...]
    excluded: tuple[Excluded, ...]
    audit: Audit
    replacements: tuple[Replacement, ...] = ()
