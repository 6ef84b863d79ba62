"""Scoring streams of evaluation records: each is scored or rejected with every problem.

Nothing is dropped: every non-blank line read gives exactly one score record or one
rejection (with its line number), so accepted plus rejected equals read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from shopperkit.errors import InputError
from shopperkit.forms.compiled import QuestionScorer
from shopperkit.io.files import parse_json
from shopperkit.model.forms import Form
from shopperkit.problems import FieldProblem, RecordError
from shopperkit.scoring.engine import ScoreCard, Scorer
from shopperkit.scoring.fast import compile_fast

CONTEXT = (
    "id",
    "form",
    "form_version",
    "programme",
    "shopper",
    "entity",
    "centre",
    "service",
    "channel",
    "language",
    "visited_at",
    "submitted_at",
    "comment",
)


class Scoring:
    """Scores records of one or more forms, each by the form its ``form`` field names."""

    def __init__(
        self, forms: Sequence[Form], question_scorers: Mapping[str, QuestionScorer] | None = None
    ) -> None:
        """``question_scorers``: the question types plugins score (``Plugins.question_scorers``)."""
        scorers = [Scorer(form, question_scorers) for form in forms]
        self.scorers = {scorer.form.id: scorer for scorer in scorers}
        self.fast = {scorer.form.id: compile_fast(scorer.compiled) for scorer in scorers}
        self._only = next(iter(self.scorers.values())) if len(self.scorers) == 1 else None

    def _scorer(self, record: Any) -> Scorer | None:
        if type(record) is dict and type(record.get("form")) is str:
            found = self.scorers.get(record["form"])
            if found is not None:
                return found
        return self._only

    def score(self, record: Any) -> dict[str, Any] | list[FieldProblem]:
        """The score record (``score.schema.json``) of a parsed record, or its problems."""
        if type(record) is dict and type(record.get("form")) is str:
            fast = self.fast.get(record["form"])
            if fast is not None:
                result = fast(record)
                if result is not None:
                    return result
        return self.exact(record)

    def exact(self, record: Any) -> dict[str, Any] | list[FieldProblem]:
        """What :meth:`score` gives, by the exact path only (it explains every rejection)."""
        scorer = self._scorer(record)
        if scorer is None:
            if type(record) is not dict:
                return [FieldProblem.of("record_not_object", "$")]
            value = record.get("form")
            if value is None:
                return [FieldProblem.of("field_missing", "$.form", field="form")]
            known = ", ".join(sorted(self.scorers))
            return [FieldProblem.of("form_mismatch", "$.form", value=value, form=known)]
        read = scorer.compiled.read(record)
        if read is None:
            return scorer.compiled.problems(record) or [
                FieldProblem.of("internal_error", "$", reason="record refused unexplained")
            ]
        outcome = scorer.outcome(*read)
        if outcome is None:
            return [FieldProblem.of("no_scored_answers", "$.answers")]
        form = scorer.form
        result = {name: record.get(name) for name in CONTEXT}
        result["form_version"] = form.version
        result["comment"] = record.get("comment", "")
        result["overall"] = outcome.overall
        result["sections"] = outcome.sections
        result["items"] = outcome.items
        result["handoffs"] = scorer.named_handoffs(outcome.handoffs, record)
        result["failed_critical"] = list(outcome.failed_critical)
        result["band"] = None if outcome.band is None else outcome.band.grade
        return result

    def card(self, record: Any) -> ScoreCard | list[FieldProblem]:
        """The score card of a parsed record, or its problems."""
        scorer = self._scorer(record)
        if scorer is None:
            found = self.score(record)
            assert isinstance(found, list)
            return found
        read = scorer.compiled.read(record)
        if read is None:
            return scorer.compiled.problems(record)
        card = scorer.card(str(record["id"]), *read, handoffs=scorer.handoff_names(record))
        if card is None:
            return [FieldProblem.of("no_scored_answers", "$.answers")]
        return card

    def lines(
        self, lines: Iterable[str | bytes], source: str
    ) -> Iterator[dict[str, Any] | RecordError]:
        """Score each non-blank JSON line; a bad one (even one not in UTF-8) is a RecordError."""
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = parse_json(line)
            except InputError as error:
                where = str(error.params.get("path", "$"))
                problem = FieldProblem.of(error.code, where, **error.params)
                yield RecordError(source, number, None, (problem,))
                continue
            result = self.score(record)
            if isinstance(result, list):
                ident = record.get("id") if type(record) is dict else None
                yield RecordError(
                    source, number, ident if type(ident) is str else None, tuple(result)
                )
            else:
                yield result
