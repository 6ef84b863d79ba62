"""Scoring evaluations: each is scored or rejected with every problem, nothing dropped.

:class:`Scoring` scores one evaluation (the :class:`~shopperkit.model.Evaluation` model or
a plain mapping of ``evaluation.schema.json``); :func:`score` scores many at once into a
:class:`Scored`; :class:`ScoreStream` scores one at a time and folds each into mergeable
:class:`~shopperkit.scoring.tallies.Aggregates`, in constant memory. Every record read gives
exactly one scored evaluation or one rejection, so accepted plus rejected equals read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from attrs import frozen

from shopperkit.errors import InputError
from shopperkit.forms.compiled import QuestionScorer
from shopperkit.io.files import parse_json
from shopperkit.model.evaluations import (
    Evaluation,
    ScoredEvaluation,
    points_data,
    points_from_data,
)
from shopperkit.model.forms import Form
from shopperkit.problems import FieldProblem, RecordError
from shopperkit.scoring.engine import ScoreCard, Scorer
from shopperkit.scoring.fast import compile_fast
from shopperkit.scoring.tallies import Aggregates

if TYPE_CHECKING:
    from shopperkit.registry import Registry

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

    @property
    def forms(self) -> tuple[Form, ...]:
        """The forms this scores, in the order given."""
        return tuple(scorer.form for scorer in self.scorers.values())

    def score(
        self, evaluation: Evaluation | Mapping[str, Any]
    ) -> ScoredEvaluation | list[FieldProblem]:
        """The scored evaluation, or every problem that stops it being scored.

        ``evaluation`` is the model or a plain mapping as ``evaluation.schema.json`` describes
        (dates as ISO 8601 strings). Problems are data: a code, a JSON path and parameters,
        rendered in any catalogue language with :meth:`FieldProblem.text`.
        """
        record = _as_record(evaluation)
        result = self.score_data(record)
        return result if isinstance(result, list) else scored_from_record(result)

    def score_data(self, record: Any) -> dict[str, Any] | list[FieldProblem]:
        """The score record (``score.schema.json``) of a parsed JSON record, or its problems.

        The fast path for plain data, as read from JSON: a dict in, a dict out.
        """
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
        result["points"] = outcome.points
        return result

    def card(self, evaluation: Evaluation | Mapping[str, Any]) -> ScoreCard | list[FieldProblem]:
        """The score card of an evaluation (model or plain mapping), or its problems."""
        record = _as_record(evaluation)
        scorer = self._scorer(record)
        if scorer is None:
            found = self.score_data(record)
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
            result = self.score_data(record)
            if isinstance(result, list):
                ident = record.get("id") if type(record) is dict else None
                yield RecordError(
                    source, number, ident if type(ident) is str else None, tuple(result)
                )
            else:
                yield result


def _as_record(evaluation: Evaluation | Mapping[str, Any] | Any) -> Any:
    """The plain record the scorers read: a model as data, a mapping as a dict."""
    if type(evaluation) is dict:
        return evaluation
    if isinstance(evaluation, Evaluation):
        from shopperkit.io.convert import to_data

        return to_data(evaluation)
    if isinstance(evaluation, Mapping):
        return dict(evaluation)
    return evaluation


def _when(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def scored_from_record(record: Mapping[str, Any]) -> ScoredEvaluation:
    """The model of a score record this library made (no checks: use ``io.scores`` to read
    records from elsewhere)."""
    visited = _when(record["visited_at"])
    assert visited is not None
    return ScoredEvaluation(
        id=record["id"],
        form=record["form"],
        form_version=record["form_version"],
        programme=record["programme"],
        shopper=record["shopper"],
        entity=record["entity"],
        centre=record["centre"],
        service=record["service"],
        channel=record["channel"],
        language=record["language"],
        visited_at=visited,
        submitted_at=_when(record["submitted_at"]),
        comment=record["comment"] or "",
        overall=record["overall"],
        sections=record["sections"],
        items=record["items"],
        handoffs=record["handoffs"],
        failed_critical=tuple(record["failed_critical"]),
        band=record["band"],
        points=points_from_data(record["points"]),
    )


def score_record(scored: ScoredEvaluation) -> dict[str, Any]:
    """The score record of a model, as ``to_data`` writes it (the inverse of
    :func:`scored_from_record`), built directly."""
    points = scored.points
    return {
        "id": scored.id,
        "form": scored.form,
        "form_version": scored.form_version,
        "programme": scored.programme,
        "shopper": scored.shopper,
        "entity": scored.entity,
        "centre": scored.centre,
        "service": scored.service,
        "channel": scored.channel,
        "language": scored.language,
        "visited_at": scored.visited_at.isoformat(),
        "submitted_at": None if scored.submitted_at is None else scored.submitted_at.isoformat(),
        "comment": scored.comment,
        "overall": scored.overall,
        "sections": dict(scored.sections),
        "items": dict(scored.items),
        "handoffs": dict(scored.handoffs),
        "failed_critical": list(scored.failed_critical),
        "band": scored.band,
        "points": None if points is None else points_data(points),
    }


@frozen
class Scored:
    """Evaluations scored at once: the scored ones, the rejected ones with every problem
    (``row`` is the 1-based position in the input), and their mergeable aggregates."""

    evaluations: tuple[ScoredEvaluation, ...]
    rejected: tuple[RecordError, ...]
    aggregates: Aggregates
    forms: tuple[Form, ...]

    @property
    def read(self) -> int:
        """How many evaluations were given (scored plus rejected)."""
        return len(self.evaluations) + len(self.rejected)

    def document(self) -> dict[str, Any]:
        """The ``aggregates.json`` document of these evaluations."""
        return aggregates_document(
            len(self.evaluations), len(self.rejected), self.forms, self.aggregates
        )


class ScoreStream:
    """Scores evaluations one at a time and folds each into :class:`Aggregates`.

    For inputs too big to hold: only the tallies stay in memory. Counts of read, accepted
    and rejected records are kept; :meth:`document` gives ``aggregates.json``.
    """

    def __init__(
        self, scoring: Scoring, by: Sequence[str] = (), *, aggregation: str = "mean"
    ) -> None:
        """``aggregation``: ``mean`` of scores or ``pooled`` points (a programme's
        ``aggregation`` parameter)."""
        self.scoring = scoring
        self.aggregates = Aggregates(by, aggregation=aggregation)
        self.accepted = 0
        self.rejected = 0

    @property
    def read(self) -> int:
        """Records read so far."""
        return self.accepted + self.rejected

    def add(
        self, evaluation: Evaluation | Mapping[str, Any]
    ) -> ScoredEvaluation | list[FieldProblem]:
        """Score one evaluation and tally it when it scores; its problems otherwise."""
        result = self.scoring.score(evaluation)
        if isinstance(result, list):
            self.rejected += 1
        else:
            self.accepted += 1
            self.aggregates.add(result)
        return result

    def lines(
        self, lines: Iterable[str | bytes], source: str
    ) -> Iterator[dict[str, Any] | RecordError]:
        """Score JSON lines (see :meth:`Scoring.lines`), tallying each score record."""
        for result in self.scoring.lines(lines, source):
            if isinstance(result, RecordError):
                self.rejected += 1
            else:
                self.accepted += 1
                self.aggregates.add(result)
            yield result

    def document(self) -> dict[str, Any]:
        """The ``aggregates.json`` document: counts, forms and versions, then the tallies."""
        return aggregates_document(
            self.accepted, self.rejected, self.scoring.forms, self.aggregates
        )


def aggregates_document(
    accepted: int, rejected: int, forms: Sequence[Form], aggregates: Aggregates
) -> dict[str, Any]:
    """The ``aggregates.json`` document (``aggregates.schema.json``): counts, the forms and
    their versions, then the tallies with sections in form order."""
    section_ids = [section.id for form in forms for section in form.sections]
    return {
        "read": accepted + rejected,
        "accepted": accepted,
        "rejected": rejected,
        "forms": {form.id: form.version for form in forms},
        **aggregates.to_data(section_ids),
    }


def scoring_for(
    forms: Scoring | Registry | Sequence[Form],
    question_scorers: Mapping[str, QuestionScorer] | None = None,
) -> Scoring:
    """A :class:`Scoring` from forms (with plugins' ``question_scorers``), from a registry
    (every form its plugins provide), or the one given."""
    if isinstance(forms, Scoring):
        return forms
    from shopperkit.registry import Registry

    if isinstance(forms, Registry):
        known = [form for _, form in forms.all_forms().values()]
        return Scoring(known, question_scorers or forms.plugins.question_scorers())
    return Scoring(list(forms), question_scorers)


def score(
    evaluations: Iterable[Evaluation | Mapping[str, Any]],
    forms: Scoring | Registry | Sequence[Form],
    *,
    by: Sequence[str] = (),
    question_scorers: Mapping[str, QuestionScorer] | None = None,
    source: str = "evaluations",
    aggregation: str = "mean",
) -> Scored:
    """Score every evaluation (models or plain mappings) by the form it names.

    ``forms``: the forms, a registry (every installed form) or a :class:`Scoring`. Scores
    are tallied per group of ``by`` (see ``GROUP_KEYS``), each group scored by
    ``aggregation``: the ``mean`` of its scores or its ``pooled`` points. A rejected
    evaluation is kept with every problem, its ``file`` being ``source`` and its ``row`` its
    position.
    """
    scoring = scoring_for(forms, question_scorers)
    stream = ScoreStream(scoring, by, aggregation=aggregation)
    scored: list[ScoredEvaluation] = []
    rejected: list[RecordError] = []
    for row, evaluation in enumerate(evaluations, start=1):
        result = stream.add(evaluation)
        if isinstance(result, list):
            ident = getattr(evaluation, "id", None)
            if ident is None and isinstance(evaluation, Mapping):
                ident = evaluation.get("id")
            name = ident if isinstance(ident, str) else None
            rejected.append(RecordError(source, row, name, tuple(result)))
        else:
            scored.append(result)
    return Scored(tuple(scored), tuple(rejected), stream.aggregates, scoring.forms)
