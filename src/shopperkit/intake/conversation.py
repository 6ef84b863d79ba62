"""The quick-rating conversation over WhatsApp, as a state machine.

A user chooses a language, the service and centre, thumbs up or down, the reasons, and may
leave a comment; the conversation then builds an evaluation of the quick form and hands it to
a ``submit`` callback, telling the user the outcome. Its state is a
:class:`ConversationState` kept by a :class:`ConversationStates` store between messages.
Everything it says comes from the ``intake`` message catalogue, in the user's language.
See ``docs/whatsapp.md``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from attrs import evolve, field, frozen

from shopperkit.errors import InputError
from shopperkit.i18n.catalogues import LANGUAGES
from shopperkit.insights.privacy import Pseudonymiser
from shopperkit.intake.whatsapp import (
    BUTTONS_MAX,
    MORE_PREFIX,
    Choice,
    Inbound,
    Section,
    Transport,
    button_message,
    list_message,
    page_of,
    text_message,
    width,
)
from shopperkit.messages import Catalogue, render
from shopperkit.model.forms import Form, Question
from shopperkit.model.services import Directory, Localised
from shopperkit.problems import FieldProblem

if TYPE_CHECKING:
    from shopperkit.model.evaluations import ScoredEvaluation

STEPS = ("language", "service", "thumbs", "reasons", "comment", "resume", "done")
"""Where a conversation can be: each asks one question; ``resume`` asks whether to go on
after a pause, ``done`` follows a submitted rating."""

HANDLED_MAX = 50
"""How many of the latest message ids a state remembers, to ignore redelivered webhooks."""


@frozen
class ConversationState:
    """Where one sender's conversation stands.

    ``answers`` holds what is answered so far (``centre``, ``service``, ``thumbs``,
    ``reasons``, ``comment``); ``page`` is the page of the list being shown; ``paused`` the
    step a ``resume`` question interrupted; ``handled`` the latest message ids handled.
    """

    sender: str
    step: str
    updated_at: datetime
    language: str | None = None
    answers: Mapping[str, Any] = field(factory=dict)
    page: int = 0
    paused: str | None = None
    started_at: datetime | None = None
    handled: tuple[str, ...] = ()

    def to_data(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO 8601 strings)."""
        return {
            "sender": self.sender,
            "step": self.step,
            "updated_at": self.updated_at.isoformat(),
            "language": self.language,
            "answers": dict(self.answers),
            "page": self.page,
            "paused": self.paused,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "handled": list(self.handled),
        }

    @classmethod
    def from_data(cls, data: Any) -> ConversationState:
        """The state :meth:`to_data` gave; anything else is an :class:`InputError`."""
        try:
            started = data["started_at"]
            state = cls(
                sender=_str(data["sender"]),
                step=_str(data["step"]),
                updated_at=_when(data["updated_at"]),
                language=None if data["language"] is None else _str(data["language"]),
                answers=dict(data["answers"]),
                page=int(data["page"]),
                paused=None if data["paused"] is None else _str(data["paused"]),
                started_at=None if started is None else _when(started),
                handled=tuple(_str(ident) for ident in _list(data["handled"])),
            )
        except (KeyError, TypeError, ValueError):
            raise InputError("intake_state_invalid", where="$") from None
        if state.step not in STEPS or (state.paused is not None and state.paused not in STEPS):
            raise InputError("intake_state_invalid", where="$.step")
        return state


def _str(value: Any) -> str:
    if type(value) is not str:
        raise TypeError(value)
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError(value)
    return value


def _when(value: Any) -> datetime:
    found = datetime.fromisoformat(_str(value))
    if found.tzinfo is None:
        raise ValueError(value)
    return found


class ConversationStates(Protocol):
    """Where conversation states are kept, one per sender."""

    def load(self, sender: str) -> ConversationState | None:
        """The sender's state, or None when there is none."""

    def save(self, state: ConversationState) -> None:
        """Keep ``state``, replacing the sender's previous one."""

    def drop(self, sender: str) -> None:
        """Forget the sender's state (nothing happens when there is none)."""


@frozen
class MemoryStates:
    """Conversation states kept in memory, by sender."""

    states: dict[str, ConversationState] = field(factory=dict)

    def load(self, sender: str) -> ConversationState | None:
        """The sender's state, or None."""
        return self.states.get(sender)

    def save(self, state: ConversationState) -> None:
        """Keep ``state``."""
        self.states[state.sender] = state

    def drop(self, sender: str) -> None:
        """Forget the sender's state."""
        self.states.pop(sender, None)


@frozen
class SubmitOutcome:
    """What became of a submitted evaluation: accepted with its ``score`` (0 to 100), or
    refused with its ``problems``."""

    score: float | None = None
    problems: tuple[FieldProblem, ...] = ()

    @property
    def accepted(self) -> bool:
        """Whether the evaluation was accepted."""
        return not self.problems

    @classmethod
    def of(cls, result: ScoredEvaluation | Sequence[FieldProblem]) -> SubmitOutcome:
        """The outcome of :meth:`shopperkit.scoring.Scoring.score`'s answer."""
        if isinstance(result, Sequence):
            return cls(problems=tuple(result))
        return cls(score=result.overall)


Submit = Callable[[Mapping[str, Any]], SubmitOutcome]
"""Takes an evaluation (``evaluation.schema.json``) and says what became of it."""


def _now() -> datetime:
    return datetime.now(UTC)


def _name(name: Localised, language: str) -> str:
    return name.get(language) or name.get("en") or next(iter(name.values()), "")


def _question(form: Form, kind: str) -> Question:
    for _, question in form.questions().values():
        if question.type == kind:
            return question
    raise InputError("intake_form_unsuitable", {"form": form.id, "kind": kind})


# Spaces and sentence punctuation (NFKC has made full-width marks ASCII): Arabic question
# mark and comma, Urdu full stop, Devanagari danda, ideographic full stop.
_PUNCTUATION = re.compile("[\\s.!?,;:\u061f\u060c\u06d4\u0964\u3002]+")


def _normal(text: str) -> str:
    return _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


class Conversation:
    """The quick-rating conversation: :meth:`handle` takes each message a user sends.

    ``form`` is the quick form (a ``choice``, a ``multi_choice`` and a ``text`` question);
    ``directory`` gives the services and centres rated over WhatsApp; ``secret`` (at least
    16 bytes) keys the pseudonym that replaces the sender's number and the evaluation's id;
    ``clock`` gives the time (aware). After ``ask_after`` without a message the user is
    asked whether to continue; after ``drop_after`` the conversation is abandoned.
    """

    def __init__(
        self,
        form: Form,
        directory: Directory,
        states: ConversationStates,
        transport: Transport,
        submit: Submit,
        secret: bytes,
        clock: Callable[[], datetime] = _now,
        *,
        programme: str = "uae",
        ask_after: timedelta = timedelta(hours=1),
        drop_after: timedelta = timedelta(hours=24),
        comment_max: int = 1000,
        catalogue: Catalogue | None = None,
    ) -> None:
        self.form = form
        self.directory = directory
        self.states = states
        self.transport = transport
        self.submit = submit
        self.clock = clock
        self.programme = programme
        self.ask_after = ask_after
        self.drop_after = drop_after
        self.comment_max = comment_max
        self.catalogue = catalogue
        self._secret = secret
        self._pseudonym = Pseudonymiser(secret)
        self.thumbs = _question(form, "choice")
        self.reasons = _question(form, "multi_choice")
        self.comment = _question(form, "text")
        self.languages = tuple(lang for lang in LANGUAGES if lang in form.languages)
        self._stop_words = {
            _normal(word): language
            for language in self.languages
            for word in self._t("intake_stop_words", language).split(",")
            if _normal(word)
        }

    # --- the entry point -------------------------------------------------------------------

    def handle(self, inbound: Inbound) -> None:
        """Answer one message: continue the sender's conversation, start one, or ignore a
        message already handled."""
        now = self.clock()
        state = self.states.load(inbound.sender)
        if state is not None and inbound.message_id in state.handled:
            return
        if state is not None and state.step != "done" and now - state.updated_at > self.drop_after:
            self.states.drop(inbound.sender)
            self._text(inbound.sender, self._t("intake_expired", state.language or "en"))
            state = None
        stopped = self._stop_language(inbound)
        if stopped is not None:
            # With no rating under way there is nothing to stop (a redelivered stop included).
            if state is not None and state.step != "done":
                self.states.drop(inbound.sender)
                self._text(inbound.sender, self._t("intake_stopped", state.language or stopped))
            return
        if state is None or state.step == "done":
            handled = state.handled if state else ()
            state = ConversationState(
                inbound.sender, "language", now, started_at=now, handled=handled
            )
            self._prompt(state)
        elif now - state.updated_at > self.ask_after and state.step != "resume":
            state = evolve(state, step="resume", paused=state.step)
            self._prompt(state)
        else:
            state = self._answer(state, inbound, now)
        handled = (*state.handled, inbound.message_id)[-HANDLED_MAX:]
        self.states.save(evolve(state, updated_at=now, handled=handled))

    def _stop_language(self, inbound: Inbound) -> str | None:
        if inbound.kind != "text":
            return None
        return self._stop_words.get(_normal(inbound.text))

    def _answer(
        self, state: ConversationState, inbound: Inbound, now: datetime
    ) -> ConversationState:
        steps = {
            "language": self._on_language,
            "service": self._on_service,
            "thumbs": self._on_thumbs,
            "reasons": self._on_reasons,
            "comment": self._on_comment,
            "resume": self._on_resume,
        }
        return steps[state.step](state, inbound, now)

    # --- saying things ---------------------------------------------------------------------

    def _t(self, code: str, language: str, **params: Any) -> str:
        return render(code, params, language, self.catalogue)

    def _text(self, to: str, body: str) -> None:
        self.transport.send(text_message(to, body))

    def _reask(self, state: ConversationState, code: str, **params: Any) -> ConversationState:
        """Explain why an answer is not taken, then ask again."""
        if state.language is None:
            self._text(
                state.sender, "\n".join(self._t(code, lang, **params) for lang in ("en", "ar"))
            )
        else:
            self._text(state.sender, self._t(code, state.language, **params))
        self._prompt(state)
        return state

    def _prompt(self, state: ConversationState) -> None:
        """Ask the question of ``state``'s step."""
        to, language = state.sender, state.language or "en"
        if state.step == "language":
            rows = [
                Choice(f"language:{lang}", self._t("intake_language_name", lang))
                for lang in self.languages
            ]
            body = "\n".join(self._t("intake_choose_language", lang) for lang in ("en", "ar"))
            button = " / ".join(self._t("intake_language_button", lang) for lang in ("en", "ar"))
            self._list(to, body, button, rows, state.page, language)
        elif state.step == "service":
            self._list(
                to,
                self._t("intake_choose_service", language),
                self._t("intake_service_button", language),
                self._services(language),
                state.page,
                language,
            )
        elif state.step == "thumbs":
            options = [
                Choice(f"thumbs:{option.value}", self.form.text(option.label, language))
                for option in self.thumbs.options
            ]
            body = self.form.text(self.thumbs.text, language)
            if len(options) <= BUTTONS_MAX:
                self.transport.send(button_message(to, body, options))
            else:
                self._list(
                    to,
                    body,
                    self._t("intake_options_button", language),
                    options,
                    state.page,
                    language,
                )
        elif state.step == "reasons":
            self._prompt_reasons(state, language)
        elif state.step == "comment":
            body = "\n".join(
                (
                    self.form.text(self.comment.text, language),
                    self._t("intake_comment_prompt", language, limit=self.comment_max),
                )
            )
            skip = Choice("comment:skip", self._t("intake_skip", language))
            self.transport.send(button_message(to, body, [skip]))
        elif state.step == "resume":
            buttons = [
                Choice("resume:continue", self._t("intake_continue", language)),
                Choice("resume:restart", self._t("intake_restart", language)),
            ]
            self.transport.send(
                button_message(to, self._t("intake_resume_prompt", language), buttons)
            )

    def _list(
        self, to: str, body: str, button: str, rows: Sequence[Choice], page: int, language: str
    ) -> None:
        shown = page_of(rows, page, self._t("intake_more", language))
        self.transport.send(list_message(to, body, button, [Section("", shown)]))

    def _prompt_reasons(self, state: ConversationState, language: str) -> None:
        chosen = list(state.answers.get("reasons", []))
        lines = [self.form.text(self.reasons.text, language)]
        for number, option in enumerate(self.reasons.options, start=1):
            mark = " ✓" if option.value in chosen else ""
            lines.append(f"{number}. {self.form.text(option.label, language)}{mark}")
        lines.append(self._t("intake_reasons_prompt", language, example="1 3"))
        rows = [
            Choice(f"reason:{option.value}", self.form.text(option.label, language))
            for option in self.reasons.options
            if option.value not in chosen
        ]
        rows.append(Choice("reason:done", self._t("intake_done", language)))
        self._list(
            state.sender,
            "\n".join(lines),
            self._t("intake_reasons_button", language),
            rows,
            state.page,
            language,
        )

    def _services(self, language: str) -> list[Choice]:
        services = {service.id: service for service in self.directory.services}
        return [
            Choice(
                f"service:{centre.id}/{service_id}",
                _name(services[service_id].name, language),
                _name(centre.name, language),
            )
            for centre in self.directory.centres
            for service_id in centre.services
            if service_id in services and "whatsapp" in services[service_id].channels
        ]

    # --- taking answers --------------------------------------------------------------------

    def _choice(
        self, state: ConversationState, inbound: Inbound, prefix: str
    ) -> str | ConversationState:
        """The chosen id's value after ``prefix``; or, for anything else, the state after
        re-asking (a page turn included)."""
        if inbound.kind in ("list", "button") and inbound.reply is not None:
            ident = inbound.reply.id
            page = ident.removeprefix(MORE_PREFIX)
            if page != ident and page.isascii() and page.isdigit() and len(page) < 6:
                moved = evolve(state, page=int(page))
                self._prompt(moved)
                return moved
            if ident.startswith(prefix):
                return ident[len(prefix) :]
            return self._reask(state, "intake_choice_unknown")
        buttons = state.step == "thumbs" and len(self.thumbs.options) <= BUTTONS_MAX
        if buttons or state.step in ("comment", "resume"):
            return self._reask(state, "intake_use_buttons")
        return self._reask(state, "intake_use_list")

    def _on_language(
        self, state: ConversationState, inbound: Inbound, now: datetime
    ) -> ConversationState:
        if inbound.kind == "text":
            typed = _normal(inbound.text)
            for language in self.languages:
                if typed in (language, _normal(self._t("intake_language_name", language))):
                    return self._next(evolve(state, language=language), "service")
        chosen = self._choice(state, inbound, "language:")
        if not isinstance(chosen, str):
            return chosen
        if chosen not in self.languages:
            return self._reask(state, "intake_choice_unknown")
        return self._next(evolve(state, language=chosen), "service")

    def _on_service(
        self, state: ConversationState, inbound: Inbound, now: datetime
    ) -> ConversationState:
        chosen = self._choice(state, inbound, "service:")
        if not isinstance(chosen, str):
            return chosen
        known = {choice.id.removeprefix("service:") for choice in self._services("en")}
        if chosen not in known:
            return self._reask(state, "intake_choice_unknown")
        centre, service = chosen.split("/", 1)
        return self._next(self._with(state, centre=centre, service=service), "thumbs")

    def _on_thumbs(
        self, state: ConversationState, inbound: Inbound, now: datetime
    ) -> ConversationState:
        chosen = self._choice(state, inbound, "thumbs:")
        if not isinstance(chosen, str):
            return chosen
        if chosen not in {option.value for option in self.thumbs.options}:
            return self._reask(state, "intake_choice_unknown")
        return self._next(self._with(state, thumbs=chosen), "reasons")

    def _on_reasons(
        self, state: ConversationState, inbound: Inbound, now: datetime
    ) -> ConversationState:
        values = [option.value for option in self.reasons.options]
        chosen = list(state.answers.get("reasons", []))
        if inbound.kind == "text":
            # Any decimal digits (Arabic-Indic too); a number of four digits or more is out
            # of range however many options there are.
            numbers = [int(n) if len(n) < 4 else 0 for n in re.findall(r"\d+", inbound.text)]
            if not numbers or any(not 1 <= number <= len(values) for number in numbers):
                return self._reask(state, "intake_reason_numbers", count=len(values))
            picked = {values[number - 1] for number in numbers} | set(chosen)
            return self._next(
                self._with(state, reasons=[v for v in values if v in picked]), "comment"
            )
        pick = self._choice(state, inbound, "reason:")
        if not isinstance(pick, str):
            return pick
        if pick == "done":
            return self._next(state, "comment")
        if pick not in values or pick in chosen:
            return self._reask(state, "intake_choice_unknown")
        picked = {pick, *chosen}
        state = self._with(state, reasons=[value for value in values if value in picked])
        if len(picked) == len(values):
            return self._next(state, "comment")
        language = state.language or "en"
        label = next(option.label for option in self.reasons.options if option.value == pick)
        reason = self.form.text(label, language)
        self._text(state.sender, self._t("intake_reason_added", language, reason=reason))
        state = evolve(state, page=0)
        self._prompt(state)
        return state

    def _on_comment(
        self, state: ConversationState, inbound: Inbound, now: datetime
    ) -> ConversationState:
        if inbound.kind == "text":
            text = inbound.text.strip()
            if not text:
                return self._reask(state, "intake_comment_empty")
            if width(text) > self.comment_max:
                return self._reask(state, "intake_comment_too_long", limit=self.comment_max)
            return self._finish(self._with(state, comment=text), inbound, now)
        chosen = self._choice(state, inbound, "comment:")
        if not isinstance(chosen, str):
            return chosen
        if chosen != "skip":
            return self._reask(state, "intake_choice_unknown")
        return self._finish(state, inbound, now)

    def _on_resume(
        self, state: ConversationState, inbound: Inbound, now: datetime
    ) -> ConversationState:
        chosen = self._choice(state, inbound, "resume:")
        if not isinstance(chosen, str):
            return chosen
        if chosen == "continue" and state.paused is not None:
            return self._next(evolve(state, paused=None), state.paused)
        if chosen == "restart":
            fresh = ConversationState(
                state.sender,
                "service",
                now,
                state.language,
                started_at=now,
                handled=state.handled,
            )
            self._prompt(fresh)
            return fresh
        return self._reask(state, "intake_choice_unknown")

    def _with(self, state: ConversationState, **answers: Any) -> ConversationState:
        return evolve(state, answers={**state.answers, **answers})

    def _next(self, state: ConversationState, step: str) -> ConversationState:
        moved = evolve(state, step=step, page=0)
        self._prompt(moved)
        return moved

    # --- submitting ------------------------------------------------------------------------

    def evaluation(
        self, state: ConversationState, message_id: str, now: datetime
    ) -> dict[str, Any]:
        """The evaluation ``state`` answers (``evaluation.schema.json``), its id derived from
        the sender and the last message's id, the sender replaced by a keyed pseudonym."""
        answers: dict[str, Any] = {self.thumbs.id: state.answers["thumbs"]}
        if state.answers.get("reasons"):
            answers[self.reasons.id] = list(state.answers["reasons"])
        if state.answers.get("comment"):
            answers[self.comment.id] = state.answers["comment"]
        entity = next(
            centre.entity
            for centre in self.directory.centres
            if centre.id == state.answers["centre"]
        )
        key = f"{state.sender}\x00{message_id}".encode()
        ident = hmac.new(self._secret, b"evaluation\x00" + key, hashlib.sha256).hexdigest()
        return {
            "id": f"wa-{ident[:24]}",
            "form": self.form.id,
            "form_version": self.form.version,
            "programme": self.programme,
            "shopper": self._pseudonym(state.sender),
            "entity": entity,
            "centre": state.answers["centre"],
            "service": state.answers["service"],
            "channel": "whatsapp",
            "visited_at": (state.started_at or now).isoformat(),
            "submitted_at": now.isoformat(),
            "language": state.language or "en",
            "answers": answers,
            "comment": "",
        }

    def _finish(
        self, state: ConversationState, inbound: Inbound, now: datetime
    ) -> ConversationState:
        language = state.language or "en"
        outcome = self.submit(self.evaluation(state, inbound.message_id, now))
        if outcome.accepted:
            score = round(outcome.score) if outcome.score is not None else 0
            self._text(state.sender, self._t("intake_thanks", language, score=score))
        else:
            reasons = "; ".join(problem.text(language) for problem in outcome.problems)
            self._text(state.sender, self._t("intake_refused", language, reasons=reasons))
        return evolve(state, step="done", answers={}, page=0, paused=None)


__all__ = [
    "STEPS",
    "Conversation",
    "ConversationState",
    "ConversationStates",
    "MemoryStates",
    "Submit",
    "SubmitOutcome",
]
