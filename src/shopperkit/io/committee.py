"""The interview committee's scores: a CSV with columns ``applicant,member,criterion,score``."""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from shopperkit.interview import InterviewPolicy
from shopperkit.io.files import csv_rows
from shopperkit.model.interview import InterviewScore
from shopperkit.problems import FieldProblem, RecordError

SCORE_COLUMNS = ("applicant", "member", "criterion", "score")


def read_scores(
    path: Path, policy: InterviewPolicy, applicants: Container[str] | None = None
) -> tuple[list[InterviewScore], list[RecordError]]:
    """Committee scores from a CSV with columns ``applicant,member,criterion,score``.

    A second score by one member for one criterion of one applicant is an error (the first
    counts). When ``applicants`` is given, a score for anyone not in it is reported and kept,
    so the interview gives that person an outcome saying they were not screened.
    """
    _, rows = csv_rows(path, SCORE_COLUMNS)
    scores: list[InterviewScore] = []
    errors: list[RecordError] = []
    first_row: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        found = [FieldProblem.of("value_missing", c) for c in SCORE_COLUMNS if not row.get(c)]
        key = (row.get("applicant", ""), row.get("member", ""), row.get("criterion", ""))
        if all(key):
            if key in first_row:
                found.append(
                    FieldProblem.of(
                        "interview_score_duplicate",
                        "score",
                        member=key[1],
                        criterion=key[2],
                        first=f"row {first_row[key]}",
                    )
                )
            first_row.setdefault(key, line)
        value = 0.0
        if row.get("score"):
            try:
                value = float(row["score"])
            except ValueError:
                found.append(FieldProblem.of("number_unparseable", "score", value=row["score"]))
            else:
                if not policy.scale_min <= value <= policy.scale_max:
                    found.append(
                        FieldProblem.of(
                            "score_out_of_range",
                            "score",
                            value=value,
                            low=policy.scale_min,
                            high=policy.scale_max,
                        )
                    )
        if row.get("criterion") and row["criterion"] not in policy.criteria:
            found.append(
                FieldProblem.of(
                    "criterion_unknown",
                    "criterion",
                    value=row["criterion"],
                    allowed=list(policy.criteria),
                )
            )
        if found:
            errors.append(RecordError(str(path), line, row.get("applicant") or None, tuple(found)))
            continue
        if applicants is not None and row["applicant"] not in applicants:
            unknown = FieldProblem.of("interview_applicant_unknown", "applicant", id=key[0])
            errors.append(RecordError(str(path), line, key[0], (unknown,)))
        scores.append(InterviewScore(row["applicant"], row["member"], row["criterion"], value))
    return scores, errors
