"""Every model round-trips through the converter and agrees with its JSON Schema."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.io.convert import from_data, to_data
from shopperkit.io.schemas import load_schema, problems, schema_names, validator
from shopperkit.model import (
    Applicant,
    Application,
    Directory,
    InterviewOutcome,
    InterviewScore,
    Programme,
    ScoredEvaluation,
    Verdict,
)
from shopperkit.testing import strategies

SCHEMA_OF: dict[type, str] = {
    Applicant: "applicant",
    Application: "application",
    Programme: "programme",
    Verdict: "verdict",
    Directory: "directory",
    InterviewScore: "interview-score",
    InterviewOutcome: "interview-outcome",
    ScoredEvaluation: "score",
}


@pytest.mark.parametrize("model", list(SCHEMA_OF), ids=lambda model: model.__name__)
@settings(max_examples=60)
@given(data=st.data())
def test_round_trip_and_schema(model: type, data: st.DataObject) -> None:
    instance: Any = data.draw(st.from_type(model))
    plain = to_data(instance)
    assert problems(SCHEMA_OF[model], plain) == []
    assert from_data(model, plain) == instance


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    for name in schema_names():
        schema = load_schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(f"/{name}.schema.json")
        validator(name).check_schema(schema)


@given(applicant=strategies.applicants)
def test_extra_keys_are_refused(applicant: Applicant) -> None:
    plain = {**to_data(applicant), "unexpected": 1}
    assert [problem.path for problem in problems("applicant", plain)] == ["$"]
    with pytest.raises(Exception, match="unexpected"):
        from_data(Applicant, plain)
