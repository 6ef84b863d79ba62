"""Item, section and overall scores of an evaluation, by the form's policy.

Scores are floats on 0 to 100 (above 100 only with bonus items and ``bonus_cap: false``),
kept unrounded; :func:`present` rounds half-up with ``Decimal`` for people. The rules are
explained with worked examples in ``docs/how-scores-are-computed.md``.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from attrs import frozen

from shopperkit.forms.compiled import (
    NOT_APPLICABLE,
    SCORED,
    CompiledForm,
    QuestionScorer,
    band_index,
)
from shopperkit.i18n.formatting import Digits, format_value
from shopperkit.messages import render
from shopperkit.model.forms import Form, GradeBand

_NOISE = Decimal("1e-9")


def present(value: float, precision: int) -> Decimal:
    """``value`` rounded half-up to ``precision`` decimals, as shown to people.

    Float noise below 1e-9 is removed first, so 82.35 computed as 82.34999999999999 still
    shows as 82.4.
    """
    clean = Decimal(repr(value)).quantize(_NOISE, ROUND_HALF_EVEN)
    return clean.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)


class Grader:
    """The overall bands of a form: on the rounded or the raw score, as the policy says."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.rounded = form.policy.bands_on == "rounded"
        self.unit = 10.0**-form.policy.precision
        self.bounds = sorted(
            bound for band in form.bands for bound in (band.upto, band.start) if bound is not None
        )

    def grade(self, overall: float) -> GradeBand | None:
        """The band of an overall score, or None (no bands, or a score in none)."""
        form = self.form
        if not form.bands:
            return None
        value = overall
        if self.rounded and self._near_a_bound(overall):
            # Rounding moves a score by at most half a unit of the last shown decimal: away
            # from every bound, the raw score lands in the same band as the rounded one.
            value = float(present(overall, form.policy.precision))
        index = band_index(form.bands, value, form.policy.bounds)
        return None if index is None else form.bands[index]

    def _near_a_bound(self, value: float) -> bool:
        bounds, at = self.bounds, bisect(self.bounds, value)
        return any(
            abs(value - bounds[i]) <= self.unit for i in (at - 1, at) if 0 <= i < len(bounds)
        )


def grade(form: Form, overall: float) -> GradeBand | None:
    """The overall band of a score (see :class:`Grader`)."""
    return Grader(form).grade(overall)


@frozen
class Outcome:
    """The scores of one evaluation (None: not scored, or a section that dropped out)."""

    overall: float
    sections: Mapping[str, float | None]
    items: Mapping[str, float | None]
    handoffs: Mapping[str, float]
    failed_critical: tuple[str, ...]
    band: GradeBand | None
    points: Mapping[str, Any]
    """``{"overall": {"earned", "possible"}, "sections": {id: {...} or None}}``: what each
    score divides by (``possible``) and its share of that (``earned`` = score * possible /
    100), so scores can be pooled across evaluations (see ``points_of``)."""


def points_of(score: float, possible: float) -> dict[str, float]:
    """Earned and possible points of a score on 0 to 100 over ``possible``."""
    return {"earned": score * possible / 100.0, "possible": possible}


@frozen
class ItemLine:
    """One question on a score card: its score and what it adds to its section's score."""

    question: str
    state: str
    points: float | None
    max_points: float
    score: float | None
    weight: float
    bonus: bool
    critical_failed: bool
    contribution: float


@frozen
class SectionLine:
    """One section on a score card: its score and what it adds to the overall score."""

    section: str
    score: float | None
    weight: float
    base: float
    zeroed: bool
    contribution: float
    items: tuple[ItemLine, ...]
    handoff: str | None = None
    """For a hand-off section: its key in the score record (``"<from>><to>"`` with a journey)."""


@frozen
class ScoreCard:
    """Every contribution behind an overall score, so a reader can redo the sum.

    ``base`` is what a section's or the form's contributions are divided by: the counted
    weights (``weighted_mean``) or the counted maximum points (``points_ratio``).
    """

    evaluation: str
    form: str
    policy: Mapping[str, Any]
    overall: float
    shown: str
    zeroed: bool
    failed_critical: tuple[str, ...]
    band: str | None
    sections: tuple[SectionLine, ...]


_STATE_NAMES = ("scored", "na", "hidden", "unanswered", "text")


class Scorer:
    """A form compiled for scoring; :meth:`outcome` is the hot path."""

    def __init__(self, form: Form, scorers: Mapping[str, QuestionScorer] | None = None) -> None:
        self.form = form
        self.compiled = CompiledForm(form, scorers)
        policy = form.policy
        questions = [q for s in form.sections for q in s.questions]
        self.weights = [float(q.weight) for q in questions]
        self.max_points = [q.max_points for q in questions]
        self.scored = [q.scored for q in questions]
        self.scales = [100.0 / m if m > 0 else 0.0 for m in self.max_points]
        self.bonus = [q.bonus for q in questions]
        self.limits = [
            (q.fail_below if q.fail_below is not None else 0.0) if q.critical else None
            for q in questions
        ]
        self.inclusive_fail = [q.fail_below is None for q in questions]
        self.na_score = {"exclude": None, "zero": 0.0, "full": 100.0}[policy.na]
        self.ratio = policy.aggregation == "points_ratio"
        self.cap = policy.bonus_cap
        self.section_ids = [s.id for s in form.sections]
        self.section_weights = [float(s.weight) for s in form.sections]
        self.handoffs = [s.handoff for s in form.sections]

    def handoff_names(self, record: dict[str, Any]) -> dict[str, str]:
        """Hand-off section id -> its key in a score record (see ``CompiledForm.handoff_keys``)."""
        keys = self.compiled.handoff_keys(record) or ()
        return dict(zip(self.compiled.handoff_ids, keys, strict=False))

    def named_handoffs(
        self, handoffs: Mapping[str, float], record: dict[str, Any]
    ) -> dict[str, float]:
        """Hand-off scores by section id, keyed as the score record keys them."""
        names = self.handoff_names(record)
        return {names[section]: score for section, score in handoffs.items()}

    def _sums(
        self, states: list[int], points: list[float]
    ) -> tuple[list[float | None], list[float], list[float], list[float], list[bool], list[int]]:
        """Per item its score; per section numerator, bonus, base, critical failure."""
        count = len(self.section_ids)
        num, extra, base = [0.0] * count, [0.0] * count, [0.0] * count
        failed_in = [False] * count
        failed: list[int] = []
        scores: list[float | None] = []
        na_score, ratio = self.na_score, self.ratio
        for i, state in enumerate(states):
            if state == SCORED:
                score = points[i] * self.scales[i]
                got = points[i]
            elif state == NOT_APPLICABLE and na_score is not None and self.scored[i]:
                score = na_score
                got = self.max_points[i] * na_score / 100.0
            else:
                scores.append(None)
                continue
            scores.append(score)
            s, weight = self.compiled.steps[i].section, self.weights[i]
            if self.bonus[i]:
                extra[s] += weight * (got if ratio else score)
            else:
                num[s] += weight * (got if ratio else score)
                base[s] += weight * (self.max_points[i] if ratio else 1.0)
            limit = self.limits[i]
            if (
                limit is not None
                and state == SCORED
                and (score < limit or (self.inclusive_fail[i] and score <= limit))
            ):
                failed.append(i)
                failed_in[s] = True
        return scores, num, extra, base, failed_in, failed

    def _section_scores(
        self, num: list[float], extra: list[float], base: list[float], failed_in: list[bool]
    ) -> list[float | None]:
        zero_section = self.form.policy.critical == "zero_section"
        sections: list[float | None] = []
        for s in range(len(num)):
            if base[s] == 0.0:
                sections.append(None)
                continue
            score = (num[s] + extra[s]) / base[s] * (100.0 if self.ratio else 1.0)
            if self.cap and score > 100.0:
                score = 100.0
            if failed_in[s] and zero_section:
                score = 0.0
            sections.append(score)
        return sections

    def _overall(self, sections: list[float | None], base: list[float]) -> float | None:
        return self._overall_and_total(sections, base)[0]

    def _overall_and_total(
        self, sections: list[float | None], base: list[float]
    ) -> tuple[float | None, float]:
        weights = base if self.ratio else self.section_weights
        total = weighted = 0.0
        for score, weight in zip(sections, weights, strict=True):
            if score is not None:
                total += weight
                weighted += weight * score
        return (weighted / total if total > 0.0 else None), total

    def outcome(self, states: list[int], points: list[float]) -> Outcome | None:
        """Scores from each question's state and points; None when nothing counts."""
        scores, num, extra, base, failed_in, failed = self._sums(states, points)
        sections = self._section_scores(num, extra, base, failed_in)
        overall, total = self._overall_and_total(sections, base)
        if overall is None:
            return None
        if failed and self.form.policy.critical == "zero_overall":
            overall = 0.0
        ids = self.compiled.ids
        summed: dict[str, Any] = {
            "overall": points_of(overall, total),
            "sections": {
                sid: None if score is None else points_of(score, possible)
                for sid, score, possible in zip(self.section_ids, sections, base, strict=True)
            },
        }
        return Outcome(
            overall=overall,
            sections=dict(zip(self.section_ids, sections, strict=True)),
            items=dict(zip(ids, scores, strict=True)),
            handoffs={
                sid: score
                for sid, score, handoff in zip(
                    self.section_ids, sections, self.handoffs, strict=True
                )
                if handoff and score is not None
            },
            failed_critical=tuple(ids[i] for i in failed),
            band=grade(self.form, overall),
            points=summed,
        )

    def card(
        self,
        evaluation: str,
        states: list[int],
        points: list[float],
        handoffs: Mapping[str, str] | None = None,
    ) -> ScoreCard | None:
        """The score card: each item's and section's contribution (None when nothing counts).

        ``handoffs``: hand-off section id -> the hand-off it scores (``"<from>><to>"``).
        """
        scores, num, extra, base, failed_in, failed = self._sums(states, points)
        sections = self._section_scores(num, extra, base, failed_in)
        overall = self._overall(sections, base)
        if overall is None:
            return None
        policy = self.form.policy
        zeroed = bool(failed) and policy.critical == "zero_overall"
        overall_weights = base if self.ratio else self.section_weights
        overall_base = sum(
            w for w, score in zip(overall_weights, sections, strict=True) if score is not None
        )
        lines = []
        for s, section in enumerate(self.form.sections):
            items = []
            for i, step in enumerate(self.compiled.steps):
                if step.section != s:
                    continue
                score = scores[i]
                got = None if score is None else score * self.max_points[i] / 100.0
                share = 0.0
                if score is not None and base[s] > 0.0:
                    value = got if self.ratio else score
                    assert value is not None
                    share = self.weights[i] * value / base[s] * (100.0 if self.ratio else 1.0)
                items.append(
                    ItemLine(
                        question=step.id,
                        state=_STATE_NAMES[states[i]],
                        points=got,
                        max_points=self.max_points[i],
                        score=score,
                        weight=self.weights[i],
                        bonus=self.bonus[i],
                        critical_failed=i in failed,
                        contribution=share,
                    )
                )
            score = sections[s]
            weight = overall_weights[s]
            lines.append(
                SectionLine(
                    section=section.id,
                    score=score,
                    weight=self.section_weights[s],
                    base=base[s],
                    zeroed=failed_in[s] and policy.critical == "zero_section",
                    contribution=0.0 if score is None else weight * score / overall_base,
                    items=tuple(items),
                    handoff=(handoffs or {}).get(section.id) if section.handoff else None,
                )
            )
        final = 0.0 if zeroed else overall
        band = grade(self.form, final)
        return ScoreCard(
            evaluation=evaluation,
            form=self.form.id,
            policy={
                "na": policy.na,
                "aggregation": policy.aggregation,
                "critical": policy.critical,
                "bonus_cap": policy.bonus_cap,
            },
            overall=final,
            shown=str(present(final, policy.precision)),
            zeroed=zeroed,
            failed_critical=tuple(self.compiled.ids[i] for i in failed),
            band=None if band is None else band.grade,
            sections=tuple(lines),
        )


_STATE_CODES = {
    "na": "score_card_na",
    "hidden": "score_card_hidden",
    "unanswered": "score_card_unanswered",
    "text": "score_card_text",
}


def _shown_precision(card: ScoreCard) -> int:
    """The precision a card was shown at (from its shown overall score)."""
    _, dot, decimals = card.shown.partition(".")
    return len(decimals) if dot else 0


def render_card(
    card: ScoreCard, language: str = "en", *, form: Form | None = None, digits: Digits = "latin"
) -> str:
    """The score card as text for people, in ``language`` (else English), its numbers
    written as the language writes them with the programme's ``digits``.

    With ``form``, sections and questions show their labels in ``language`` (else the form's
    fallback); without it, their ids. Each line shows a score and what it adds; the added
    amounts of a section's items sum to the section's score (before a cap or a critical
    zero), the sections' to the overall.
    """
    precision = form.policy.precision if form is not None else _shown_precision(card)
    questions = form.questions() if form is not None else {}
    titles = {s.id: form.text(s.title, language) for s in form.sections} if form else {}

    def word(code: str, **params: object) -> str:
        return render(code, params, language, digits=digits)

    def adds(score: float, contribution: float, marks: str) -> str:
        """ "<score><marks>, adds <contribution>" in ``language``."""
        text = word("score_card_adds", score="\0", contribution=present(contribution, precision))
        shown = format_value(present(score, precision), language, digits)
        return text.replace("\0", shown + marks, 1)

    named = f"{card.form} {form.version}" if form is not None else card.form
    try:
        overall: Decimal | str = Decimal(card.shown)
    except ArithmeticError:
        overall = card.shown
    heading = word("score_card_heading", evaluation=card.evaluation, form=named, score=overall)
    band = word("score_card_band", band=card.band) if card.band is not None else ""
    lines = [heading + band]
    if card.zeroed:
        lines.append(
            "  " + word("score_card_overall_zeroed", questions=", ".join(card.failed_critical))
        )
    for line in card.sections:
        title = titles.get(line.section, line.section)
        if line.handoff is not None and line.handoff != line.section:
            title += f" ({line.handoff.replace('>', ' -> ')})"
        if line.score is None:
            lines.append(f"{title}: {word('score_card_section_dropped')}")
        else:
            zeroed = word("score_card_section_zeroed") if line.zeroed else ""
            lines.append(f"{title}: {adds(line.score, line.contribution, zeroed)}")
        for item in line.items:
            label = (
                form.text(questions[item.question][1].text, language)
                if form is not None
                else item.question
            )
            marks = word("score_card_bonus") if item.bonus else ""
            marks += word("score_card_critical_failed") if item.critical_failed else ""
            if item.score is None:
                state = _STATE_CODES.get(item.state)
                said = word(state) if state is not None else item.state
                lines.append(f"  {label}: {said}{marks}")
            else:
                lines.append(f"  {label}: {adds(item.score, item.contribution, marks)}")
    return "\n".join(lines) + "\n"
