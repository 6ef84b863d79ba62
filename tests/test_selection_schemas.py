"""The draw's JSON files round-trip through the converter and agree with their schemas."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.io.convert import from_data, to_data
from shopperkit.io.schemas import problems
from shopperkit.selection.audit import (
    Audit,
    Commitment,
    QuotaReport,
    Replacement,
    SelectionResult,
)
from shopperkit.selection.feasibility import BoundReport, Excluded, Feasibility, Move
from shopperkit.selection.quotas import Quota, QuotaSet
from shopperkit.testing.strategies import identifiers

counts = st.integers(0, 60)
kinds = st.sampled_from(["min", "max"])
sha = st.text("0123456789abcdef", min_size=64, max_size=64)
bounds = st.builds(BoundReport, identifiers, identifiers, kinds, counts, counts)
moves = st.builds(Move, identifiers, identifiers, kinds, counts, counts, st.integers(1, 60))
excluded = st.builds(
    Excluded,
    st.dictionaries(identifiers, identifiers, max_size=3),
    st.integers(1, 50),
    st.lists(bounds, max_size=3).map(tuple),
)
feasibilities = st.builds(
    Feasibility,
    st.booleans(),
    st.integers(1, 60),
    st.lists(bounds, max_size=3).map(tuple),
    st.none() | st.lists(moves, max_size=3).map(tuple),
    st.lists(excluded, max_size=2).map(tuple),
)
ids = st.lists(identifiers, max_size=5).map(tuple)
results = st.builds(
    SelectionResult,
    format=st.just("shopperkit-selection/1"),
    panel=ids,
    cohort=ids,
    waitlist=ids,
    quotas=st.lists(
        st.builds(
            QuotaReport, identifiers, identifiers, counts, counts, counts, counts, st.booleans()
        ),
        max_size=3,
    ).map(tuple),
    excluded=st.lists(excluded, max_size=2).map(tuple),
    audit=st.builds(
        Audit,
        shopperkit_version=st.just("0.1.0"),
        method=st.sampled_from(["leximin", "maximin", "nash", "legacy"]),
        seed=st.text(max_size=20),
        seats=st.integers(1, 60),
        draw_rule=st.sampled_from(["shopperkit-draw/1", "shopperkit-uniform/1"]),
        pool_sha256=sha,
        quotas_sha256=sha,
        distribution_sha256=sha,
        probabilities_sha256=sha,
        panel_index=counts,
        committed_sha256=st.none() | sha,
        uniform_sha256=st.none() | sha,
    ),
    replacements=st.lists(
        st.builds(Replacement, identifiers, identifiers, counts, st.none() | st.text(max_size=20)),
        max_size=2,
    ).map(tuple),
)


@settings(max_examples=50)
@given(feasibility=feasibilities)
def test_feasibility_round_trip(feasibility: Feasibility) -> None:
    plain = to_data(feasibility)
    assert problems("feasibility", plain) == []
    assert from_data(Feasibility, plain) == feasibility


@settings(max_examples=50)
@given(result=results)
def test_selection_result_round_trip(result: SelectionResult) -> None:
    plain = to_data(result)
    assert problems("selection-result", plain) == []
    assert from_data(SelectionResult, plain) == result


def test_selection_result_refuses_extra_keys() -> None:
    assert problems("selection-result", {"format": "shopperkit-selection/1", "x": 1})


commitments = st.builds(
    Commitment,
    format=st.just("shopperkit-selection/1"),
    method=st.sampled_from(["leximin", "maximin", "nash", "legacy"]),
    seats=st.integers(1, 60),
    shopperkit_version=st.just("0.1.0"),
    pool_sha256=sha,
    quotas_sha256=sha,
    distribution_sha256=sha,
    probabilities_sha256=sha,
)


@settings(max_examples=30)
@given(commitment=commitments)
def test_commitment_round_trip(commitment: Commitment) -> None:
    plain = to_data(commitment)
    assert problems("commitment", plain) == []
    assert from_data(Commitment, plain) == commitment


@given(
    quotas=st.lists(
        st.tuples(identifiers, identifiers, counts, counts, st.none() | counts),
        min_size=1,
        max_size=4,
    )
)
def test_canonical_quota_csv_rows_meet_the_quota_row_schema(
    quotas: list[tuple[str, str, int, int, int | None]],
) -> None:
    quota_set = QuotaSet(60, tuple(Quota(f, v, lo, hi, flex) for f, v, lo, hi, flex in quotas))
    reader = csv.DictReader(io.StringIO(quota_set.csv()))
    for row in reader:
        assert problems("quota-row", row) == []


def test_quota_row_schema_refuses_a_bad_bound() -> None:
    row = {"feature": "g", "value": "a", "min": "half", "max": "3"}
    assert [p.path for p in problems("quota-row", row)] == ["$.min"]
