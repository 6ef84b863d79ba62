"""What the service does with what arrives, apart from HTTP: check an evaluation against its
form and score it, screen an application, and say the outcome in the submitter's language.

:class:`Intake` is built once per programme and used by the API, the web form and the chat
conversation alike; keeping what it accepts is the store's (see :mod:`shopperkit.service.writer`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from shopperkit.errors import InputError, ShopperkitError
from shopperkit.forms.localise import localised
from shopperkit.i18n.languages import Languages
from shopperkit.io.convert import to_data
from shopperkit.messages import Templates, render
from shopperkit.model.forms import Form
from shopperkit.model.programme import RECRUITED, Programme
from shopperkit.problems import FieldProblem
from shopperkit.registry import Registry
from shopperkit.scoring import Scoring
from shopperkit.scoring.engine import ScoreCard, render_card
from shopperkit.store.intake import Submission

IDENTITY_FIELDS = ("shopper",)
"""Fields of a score record that identify a person: never in a response."""


@frozen
class Problem:
    """One reason a submission was refused: its code, where (a JSON path) and its message in
    the submitter's language."""

    code: str
    where: str
    message: str


@frozen
class Checked:
    """An accepted submission, ready to keep, or the problems that refuse it."""

    submission: Submission | None
    problems: tuple[Problem, ...] = ()


class Intake:
    """Checks, scores and screens what arrives for ``programme``."""

    def __init__(self, registry: Registry, programme: Programme | str) -> None:
        self.registry = registry
        self.programme = registry.programme(programme)
        self.languages = Languages.of(self.programme)
        self.forms: dict[str, Form] = {f.id: f for f in registry.forms(self.programme)}
        self.scoring = Scoring(tuple(self.forms.values()), registry.plugins.question_scorers())
        self.messages: Mapping[str, Templates] = registry.plugins.messages()
        self._screener: Any = None

    def language(self, asked: str | None, accept: str | None = None) -> str:
        """The language to answer in: ``asked`` (which must be one the programme declares:
        ``programme_language_undeclared`` otherwise), else the first declared language in an
        ``Accept-Language`` header, else the programme's fallback."""
        if asked:
            return self.languages.check(asked)
        for part in (accept or "").split(","):
            tag = part.split(";")[0].strip().lower()
            for candidate in (tag, tag.split("-")[0]):
                if candidate in self.languages.declared:
                    return candidate
        return self.languages.fallback

    def say(self, code: str, params: Mapping[str, Any], language: str) -> str:
        """The message for ``code`` in ``language`` with the programme's digits."""
        return render(
            code,
            params,
            language,
            self.messages,
            digits=self.languages.digits,
            fallback=self.languages.fallback,
        )

    def form(self, form_id: str, language: str) -> dict[str, Any]:
        """The form ``form_id`` of the programme, localised (``form_unknown`` if it has none
        by that id)."""
        form = self.forms.get(form_id)
        if form is None:
            raise InputError("form_unknown", {"name": form_id, "known": sorted(self.forms)})
        return localised(form, language)

    def _problems(self, problems: list[FieldProblem], language: str) -> tuple[Problem, ...]:
        return tuple(
            Problem(p.code, p.where, self.say(p.code, p.params, language)) for p in problems
        )

    def check_evaluation(
        self,
        submission: str,
        record: Any,
        language: str,
        channel: str | None = None,
        *,
        card: bool = False,
        text: bool = False,
    ) -> Checked:
        """Check ``record`` against its form and score it; accepted, it is a
        :class:`Submission` whose result is the score record without identities (overall,
        section and item scores, band, failed critical items); with ``card``, also every
        item's contribution (:class:`~shopperkit.scoring.engine.ScoreCard`); with ``text``,
        the card as text in ``language``."""
        if type(record) is dict and channel is not None:
            record = {**record, "channel": channel}
        scored = self.scoring.score_data(record)
        if isinstance(scored, list):
            return Checked(None, self._problems(scored, language))
        score = {key: value for key, value in scored.items() if key not in IDENTITY_FIELDS}
        result: dict[str, Any] = {
            "submission": submission,
            "status": "accepted",
            "score": score,
            "card": None,
            "text": None,
        }
        if card or text:
            made = self.scoring.card(record)
            assert isinstance(made, ScoreCard), "scored above"
            result["card"] = to_data(made)
            if text:
                form = self.forms[made.form]
                digits = self.languages.digits
                result["text"] = render_card(made, language, form=form, digits=digits)
        return Checked(
            Submission(
                submission=submission,
                kind="evaluation",
                record=str(record["id"]),
                form=str(scored["form"]),
                channel=str(record.get("channel", "")),
                language=language,
                data=record,
                result=result,
            )
        )

    def check_application(self, submission: str, record: Any, language: str) -> Checked:
        """Screen an application (``applicant.schema.json``); accepted, the result is the
        verdict with every reason in ``language``. A programme that does not recruit refuses
        applications (``programme_not_recruited``)."""
        if self.programme.participation != RECRUITED:
            raise InputError(
                "programme_not_recruited",
                {"programme": self.programme.id, "participation": self.programme.participation},
            )
        from shopperkit.eligibility.screening import Screener, applicant_of

        if self._screener is None:
            self._screener = Screener(self.programme, self.registry.plugins)
        try:
            applicant = applicant_of(record)
        except ShopperkitError as error:
            return Checked(
                None, (Problem(error.code, error.where or "$", self._said(error, language)),)
            )
        verdict = self._screener.screen(applicant)
        result = {
            "submission": submission,
            "status": verdict.status.value,
            "as_of": verdict.as_of.isoformat(),
            "reasons": [
                {
                    "code": reason.code,
                    "outcome": reason.outcome.value,
                    "message": reason.message.get(language)
                    or reason.message.get(self.languages.fallback, ""),
                }
                for reason in verdict.reasons
            ],
        }
        return Checked(
            Submission(
                submission=submission,
                kind="application",
                record=applicant.id,
                form="",
                channel="web",
                language=language,
                data=record,
                result=result,
            )
        )

    def _said(self, error: ShopperkitError, language: str) -> str:
        return self.say(error.code, error.params, language)
