"""The interview committee's scores: a CSV with columns ``applicant,member,criterion,score``."""

from __future__ import annotations

from pathlib import Path

from shopperkit.interview import InterviewPolicy
from shopperkit.io.files import csv_rows
from shopperkit.model.interview import InterviewScore
from shopperkit.problems import FieldProblem, RecordError

SCORE_COLUMNS = ("applicant", "member", "criterion", "score")


def read_scores(
    path: Path, policy: InterviewPolicy
) -> tuple[list[InterviewScore], list[RecordError]]:
    """Committee scores from a CSV with columns ``applicant,member,criterion,score``."""
    _, rows = csv_rows(path, SCORE_COLUMNS)
    scores: list[InterviewScore] = []
    errors: list[RecordError] = []
    for line, row in rows:
        found = [FieldProblem.of("value_missing", c) for c in SCORE_COLUMNS if not row.get(c)]
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
        scores.append(InterviewScore(row["applicant"], row["member"], row["criterion"], value))
    return scores, errors
