"""Stage 2: committee scores, the programme's pass rule, and the pool file."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from attrs import evolve

from shopperkit import InputError, Registry, Status, screen
from shopperkit.cli import main
from shopperkit.eligibility.screening import Screener
from shopperkit.interview import InterviewPolicy, build_pool, decide, interview, run_interviews
from shopperkit.io.convert import to_data
from shopperkit.io.schemas import problems
from shopperkit.model.interview import InterviewScore
from shopperkit.model.people import Residency
from shopperkit.model.pool import Candidate
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from tests.helpers import applicant, with_parameter

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def scores(person: str, table: dict[str, list[float]]) -> list[InterviewScore]:
    """``{"member-1": [credibility, public_spirit], ...}`` as score records."""
    return [
        InterviewScore(person, member, criterion, value)
        for member, values in table.items()
        for criterion, value in zip(("credibility", "public_spirit"), values, strict=True)
    ]


# Member 1 gives (5, 2), member 2 gives (4, 3): credibility mean 4.5, public spirit 2.5,
# overall mean 3.5; member means 3.5 and 3.5.
SPLIT = {"member-1": [5.0, 2.0], "member-2": [4.0, 3.0]}


@pytest.mark.parametrize(
    ("rule", "passed", "code"),
    [
        ("each_criterion_mean", False, "interview_below_pass_mark"),
        ("overall_mean", True, None),
        ("majority_of_members", True, None),
    ],
)
def test_pass_rules(
    qatar: Programme, plugins: Plugins, rule: str, passed: bool, code: str | None
) -> None:
    programme = with_parameter(qatar, "interview_pass_rule", rule)
    outcome = decide(InterviewPolicy.of(programme), "A1", scores("A1", SPLIT), plugins.messages())
    assert outcome.passed is passed
    assert outcome.criterion_means == {"credibility": 4.5, "public_spirit": 2.5}
    assert [reason.code for reason in outcome.reasons] == ([code] if code else [])
    assert len(outcome.scores) == 4


def test_majority_needs_more_than_half(qatar: Programme, plugins: Plugins) -> None:
    programme = with_parameter(qatar, "interview_pass_rule", "majority_of_members")
    split = {"m1": [4.0, 4.0], "m2": [2.0, 2.0]}
    outcome = decide(InterviewPolicy.of(programme), "A1", scores("A1", split), plugins.messages())
    assert not outcome.passed
    assert outcome.reasons[0].params == {"passing": 1, "members": 2}


def test_an_unscored_criterion_fails(qatar: Programme, plugins: Plugins) -> None:
    only = [InterviewScore("A1", "m1", "credibility", 5.0)]
    outcome = decide(InterviewPolicy.of(qatar), "A1", only, plugins.messages())
    assert not outcome.passed
    assert outcome.reasons[0].code == "interview_criterion_not_scored"


def test_nobody_is_dropped(qatar: Programme, plugins: Plugins) -> None:
    screener = Screener(qatar, plugins)
    people = [
        applicant(id="ok"),
        applicant(id="young", birth_date=date(2010, 1, 1)),
        applicant(id="waiting"),
    ]
    verdicts = {person.id: screener.screen(person) for person in people}
    given = scores("ok", {"m1": [4.0, 4.0]}) + scores("young", {"m1": [5.0, 5.0]})
    outcomes = {o.applicant: o for o in run_interviews(qatar, verdicts, given, plugins.messages())}
    assert set(outcomes) == {"ok", "young", "waiting"}
    assert outcomes["ok"].passed
    assert outcomes["young"].reasons[0].code == "interview_not_eligible"
    assert outcomes["waiting"].reasons[0].code == "interview_missing"
    pool = build_pool(qatar, plugins, people, outcomes.values())
    assert pool.dimensions == ("residency", "nationality", "age_group", "profession")
    assert pool.candidates == (
        Candidate(
            "ok",
            {
                "residency": "resident",
                "nationality": "Indian",
                "age_group": "25-34",  # born 14 March 1992: 30 on 6 July 2022
                "profession": "teacher",
            },
        ),
    )


def test_age_group_uses_the_reference_date(qatar: Programme, plugins: Plugins) -> None:
    person = applicant(birth_date=date(1997, 7, 7), residency=Residency("citizen"))
    outcome = decide(InterviewPolicy.of(qatar), person.id, scores(person.id, {"m": [4.0, 4.0]}), {})
    pool = build_pool(qatar, plugins, [person], [outcome])
    assert pool.candidates[0].values["age_group"] == "18-24"  # 24 on 6 July 2022, 25 the day after
    pool = build_pool(qatar, plugins, [person], [outcome], as_of=date(2022, 7, 7))
    assert pool.candidates[0].values["age_group"] == "25-34"


def test_interview_takes_the_verdicts_and_models_or_mappings(qatar: Programme) -> None:
    registry = Registry()
    people = [applicant(id="ok"), applicant(id="young", birth_date=date(2010, 1, 1))]
    verdicts = screen(people, qatar, registry)
    assert [v.status for v in verdicts] == [Status.ELIGIBLE, Status.INELIGIBLE]
    given = scores("ok", {"m1": [4.0, 4.0]}) + scores("young", {"m1": [5.0, 5.0]})
    as_data = [to_data(person) for person in people]
    done = interview(as_data, verdicts, given, qatar, registry)
    assert done.pool.ids == ("ok",)
    assert {o.applicant: o.passed for o in done.outcomes} == {"ok": True, "young": False}
    # The verdicts decide: an applicant screened ineligible is not interviewed, whatever the
    # applicant record now says.
    only_young_eligible = [evolve(verdicts[0], id="young")]
    done = interview(people, only_young_eligible, given, qatar, registry)
    assert done.pool.ids == ("young",)


def test_a_bad_applicant_mapping_names_its_position(qatar: Programme) -> None:
    bad = {**to_data(applicant(id="x")), "birth_date": "not a date"}
    with pytest.raises(InputError) as caught:
        screen([to_data(applicant(id="a")), bad], qatar, Registry())
    assert caught.value.where is not None
    assert caught.value.where.startswith("$[1]")


def test_interview_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pool, outcomes = tmp_path / "pool.csv", tmp_path / "outcomes.json"
    args = [
        "interview",
        "--programme",
        "qatar-cgb",
        str(EXAMPLES / "applicants.csv"),
        str(EXAMPLES / "interview-scores.csv"),
        "--pool",
        str(pool),
        "--outcomes",
        str(outcomes),
    ]
    assert main(args) == 0
    err = capsys.readouterr().err
    assert "interview-scores.csv:17: score" in err  # the bad score, by row and column
    rows = list(csv.DictReader(pool.open()))
    # Q-002's credibility mean is 2.5: below the pass mark of 3.
    assert [row["id"] for row in rows] == ["Q-001", "Q-004", "Q-013"]
    written = json.loads(outcomes.read_text())
    assert {o["applicant"] for o in written} == {"Q-001", "Q-002", "Q-003", "Q-004", "Q-013"}
    for outcome in written:
        assert problems("interview-outcome", outcome) == []
    for row in rows:
        assert problems("pool-row", row) == []


def test_interview_command_takes_the_screening_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    verdicts = tmp_path / "verdicts.json"
    applicants = str(EXAMPLES / "applicants.csv")
    assert main(["screen", "--programme", "qatar-cgb", applicants, "-o", str(verdicts)]) == 0
    screened = json.loads(verdicts.read_text())
    # The committee decides on the verdicts it is given: an eligible applicant whose verdict
    # is withdrawn (as a review would) is not interviewed, though the applicant file is unchanged.
    kept = [
        item for item in screened if not (item["id"] == "Q-001" and item["status"] == "eligible")
    ]
    verdicts.write_text(json.dumps(kept))
    pool = tmp_path / "pool.csv"
    args = ["interview", "--programme", "qatar-cgb", applicants]
    args += [str(EXAMPLES / "interview-scores.csv"), "--pool", str(pool)]
    assert main([*args, "--verdicts", str(verdicts)]) == 0
    assert [row["id"] for row in csv.DictReader(pool.open())] == ["Q-004", "Q-013"]
    capsys.readouterr()
    verdicts.write_text('[{"id": 3}]')
    assert main([*args, "--verdicts", str(verdicts)]) == 2
    assert "verdicts.json" in capsys.readouterr().err
