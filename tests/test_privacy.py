"""Pseudonyms, small-cell suppression and redaction."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.insights.privacy import Pseudonymiser, publishable, redact

SECRET = b"programme-secret-0123456789"


@given(a=st.text(min_size=1), b=st.text(min_size=1))
def test_pseudonyms_are_stable_and_distinct(a: str, b: str) -> None:
    first, second = Pseudonymiser(SECRET), Pseudonymiser(SECRET)
    assert first(a) == second(a)
    assert (first(a) == first(b)) == (a == b)


def test_pseudonyms_depend_on_the_secret() -> None:
    assert Pseudonymiser(SECRET)("shopper-7") != Pseudonymiser(SECRET + b"x")("shopper-7")


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        Pseudonymiser(b"short")


@pytest.mark.parametrize(
    ("evaluations", "shoppers", "k", "expected"),
    [
        (10, ["a", "b", "c", "d", "e"], 5, True),
        (4, ["a", "b", "c", "d"], 5, False),  # too few evaluations
        (10, ["a", "a", "b", "b", "c"], 5, False),  # many evaluations, few shoppers
        (10, 5, 5, True),
    ],
)
def test_small_groups_are_withheld(
    evaluations: int, shoppers: list[str] | int, k: int, expected: bool
) -> None:
    assert publishable(evaluations, shoppers, k) is expected


def test_redaction_of_contacts_and_names() -> None:
    comment = (
        "Mr. Ahmed Saleh at counter 3 was rude; call me on +974 5512 3456 or "
        "write to visitor.one@example.qa. الموظفة فاطمة كانت متعاونة ورقمها ٥٥١٢٣٤٥٦"
    )
    result = redact(comment, known_names=["Khalid"])
    assert "Ahmed" not in result.text
    assert "5512" not in result.text
    assert "example.qa" not in result.text
    assert "فاطمة" not in result.text
    assert "٥٥١٢٣٤٥٦" not in result.text
    assert (result.names, result.phones, result.emails) == (2, 2, 1)
    assert "counter 3" in result.text  # short numbers are not phone numbers


def test_known_names_are_redacted_as_whole_words() -> None:
    result = redact("Khalid helped; Khalidiya branch was closed", known_names=["Khalid"])
    assert result.text == "[name] helped; Khalidiya branch was closed"
