"""The WhatsApp quick rating: signed webhooks, hostile payloads, outbound limits, and whole
conversations in every language, checked against the catalogue, the form and the scorer."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shopperkit import Plugins, Registry
from shopperkit.errors import InputError
from shopperkit.i18n import LANGUAGES
from shopperkit.intake import (
    Choice,
    Conversation,
    ConversationState,
    Inbound,
    MemoryStates,
    RecordingTransport,
    Section,
    SubmitOutcome,
    button_message,
    list_message,
    page_of,
    parse_webhook,
    parse_webhook_body,
    text_message,
    truncate,
    verify_signature,
)
from shopperkit.intake.whatsapp import (
    BUTTON_TITLE_MAX,
    LIST_BUTTON_MAX,
    LIST_ROWS_MAX,
    MORE_PREFIX,
    ROW_DESCRIPTION_MAX,
    ROW_TITLE_MAX,
    width,
)
from shopperkit.io.schemas import check
from shopperkit.messages import render
from shopperkit.model import Directory, Form
from shopperkit.model.services import Entity, Service, ServiceCentre
from shopperkit.scoring import Scoring

SECRET = b"a secret of more than sixteen bytes"
PHONE = "971501234567"
START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@cache
def quick_form() -> Form:
    return Registry(Plugins()).form("uae-quick")


@cache
def uae_directory() -> Directory:
    found = Registry(Plugins()).directory("uae")
    assert found is not None
    return found


def t(code: str, language: str, **params: Any) -> str:
    return render(code, params, language)


# --- signatures -------------------------------------------------------------------------------


def sign(body: bytes, secret: bytes = SECRET) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def test_a_signed_body_is_accepted_and_anything_else_refused() -> None:
    body = b'{"object":"whatsapp_business_account","entry":[]}'
    assert verify_signature(body, sign(body), SECRET)
    assert not verify_signature(body + b" ", sign(body), SECRET)
    assert not verify_signature(body, sign(body, b"another secret of enough bytes"), SECRET)
    for header in (None, "", "sha256=", "sha1=" + sign(body)[7:], sign(body)[:-1], "sha256=zz"):
        assert not verify_signature(body, header, SECRET)
    assert not verify_signature(body, sign(body), b"")


@given(body=st.binary(max_size=200), secret=st.binary(min_size=1, max_size=64), header=st.text())
def test_only_the_right_signature_is_accepted(body: bytes, secret: bytes, header: str) -> None:
    assert verify_signature(body, sign(body, secret), secret)
    if verify_signature(body, header, secret):
        assert header.strip().lower() == sign(body, secret)


# --- reading webhooks -------------------------------------------------------------------------


def message(kind: str, ident: str = "wamid.1", **content: Any) -> dict[str, Any]:
    return {"from": PHONE, "id": ident, "timestamp": "1764752400", "type": kind, **content}


def webhook(*messages: Mapping[str, Any], statuses: bool = False) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "97180000000", "phone_number_id": "1234"},
        "contacts": [{"profile": {"name": "A. Person"}, "wa_id": PHONE}],
        "messages": list(messages),
    }
    if statuses:
        value = {**value, "statuses": [{"id": "wamid.0", "status": "read"}]}
        del value["messages"]
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def test_text_buttons_and_list_replies_are_read_and_other_kinds_marked() -> None:
    payload = webhook(
        message("text", "w1", text={"body": "Hello"}),
        message(
            "interactive",
            "w2",
            interactive={"type": "button_reply", "button_reply": {"id": "b", "title": "Yes"}},
        ),
        message(
            "interactive",
            "w3",
            interactive={
                "type": "list_reply",
                "list_reply": {"id": "r", "title": "Row", "description": "d"},
            },
        ),
        message("image", "w4", image={"id": "media", "mime_type": "image/jpeg"}),
        message("reaction", "w5", reaction={"message_id": "w1", "emoji": "👍"}),
    )
    found = parse_webhook_body(json.dumps(payload).encode())
    assert [(m.message_id, m.kind) for m in found] == [
        ("w1", "text"),
        ("w2", "button"),
        ("w3", "list"),
        ("w4", "unsupported"),
        ("w5", "unsupported"),
    ]
    assert found[0].text == "Hello"
    assert found[1].reply == Choice("b", "Yes")
    assert found[2].reply == Choice("r", "Row")
    assert {m.sender for m in found} == {PHONE}
    assert found[0].timestamp == datetime(2025, 12, 3, 9, 0, tzinfo=UTC)
    assert parse_webhook(webhook(statuses=True)) == []


@pytest.mark.parametrize(
    ("payload", "code", "where"),
    [
        ([], "intake_webhook_not_object", "$"),
        ({"object": "page", "entry": []}, "intake_webhook_not_whatsapp", "$.object"),
        ({"object": "whatsapp_business_account"}, "intake_webhook_not_array", "$.entry"),
        (
            webhook({"id": "x"}),
            "intake_webhook_field_missing",
            "$.entry[0].changes[0].value.messages[0]",
        ),
        (
            webhook(message("text", text={"body": 3})),
            "intake_webhook_not_text",
            "$.entry[0].changes[0].value.messages[0].text.body",
        ),
        (
            webhook(message("text", text={"body": "x" * 5000})),
            "intake_webhook_text_too_long",
            "$.entry[0].changes[0].value.messages[0].text.body",
        ),
        (
            webhook({**message("text", text={"body": "x"}), "timestamp": "99999999999999"}),
            "intake_webhook_timestamp_invalid",
            "$.entry[0].changes[0].value.messages[0].timestamp",
        ),
    ],
)
def test_a_malformed_payload_names_its_json_path(payload: Any, code: str, where: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_webhook(payload)
    assert (raised.value.code, raised.value.where) == (code, where)


def test_an_unreadable_huge_or_deep_body_is_an_input_error() -> None:
    for body, code in (
        (b"\xff\xfe", "intake_webhook_not_json"),
        (b"{", "intake_webhook_not_json"),
        (b"[" * 100_000 + b"]" * 100_000, "intake_webhook_not_json"),
        (b"[" * 50 + b"]" * 50, "intake_webhook_too_deep"),
        (b" " * 2_000_000, "intake_webhook_too_large"),
    ):
        with pytest.raises(InputError) as raised:
            parse_webhook_body(body)
        assert raised.value.code in (code, "intake_webhook_too_deep"), body[:10]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)


def mutate(value: Any, path: list[int], replacement: Any) -> Any:
    """``value`` with the node that ``path`` leads to replaced."""
    if not path:
        return replacement
    if isinstance(value, dict) and value:
        key = sorted(value)[path[0] % len(value)]
        return {**value, key: mutate(value[key], path[1:], replacement)}
    if isinstance(value, list) and value:
        index = path[0] % len(value)
        return [*value[:index], mutate(value[index], path[1:], replacement), *value[index + 1 :]]
    return replacement


def sample_payload() -> dict[str, Any]:
    return webhook(
        message("text", "w1", text={"body": "Hello"}),
        message(
            "interactive",
            "w2",
            interactive={"type": "list_reply", "list_reply": {"id": "r", "title": "Row"}},
        ),
    )


@settings(max_examples=300, deadline=None)
@given(path=st.lists(st.integers(min_value=0, max_value=20), max_size=9), replacement=json_values)
def test_a_hostile_payload_is_read_or_refused_with_an_input_error(
    path: list[int], replacement: Any
) -> None:
    payload = mutate(sample_payload(), path, replacement)
    try:
        found = parse_webhook(payload)
    except InputError as error:
        where = error.where
    else:
        where = "$"
        assert all(isinstance(item, Inbound) for item in found)
    assert where is not None
    assert where.startswith("$")


@settings(max_examples=100, deadline=None)
@given(payload=json_values | st.binary(max_size=100))
def test_any_body_is_read_or_refused_with_an_input_error(payload: Any) -> None:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with contextlib.suppress(InputError):
        parse_webhook_body(body)


# --- writing messages -------------------------------------------------------------------------

titles = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60
) | st.sampled_from(
    ["कर्मचारियों का रवैया", "👍🏽👨‍👩‍👧 fine", "Pouce baissé : mauvaise", "تعامل الموظفين"]
)


@settings(max_examples=400)
@example(title="00\u094d00", limit=4)
@example(title="कर्मचारियों का रवैया", limit=6)
@example(title="👨\u200d👩\u200d👧 family", limit=4)
@given(title=titles, limit=st.integers(min_value=1, max_value=30))
def test_truncation_stays_within_the_limit_and_never_splits_a_mark(title: str, limit: int) -> None:
    cut = truncate(title, limit)
    assert width(cut) <= limit
    if cut != title:
        kept = cut.removesuffix("…")
        assert title.startswith(kept) or not kept
        rest = title[len(kept) :]
        if kept and rest:
            assert unicodedata.category(rest[0]) not in ("Mn", "Mc", "Me")
            assert not kept.endswith("\u200d")
            assert unicodedata.combining(kept[-1]) != 9


@given(
    body=st.text(max_size=5000),
    buttons=st.lists(titles, min_size=1, max_size=3),
)
def test_buttons_respect_the_api_limits(body: str, buttons: list[str]) -> None:
    sent = button_message(PHONE, body, [Choice(f"b{i}", title) for i, title in enumerate(buttons)])
    assert sent["messaging_product"] == "whatsapp"
    assert sent["recipient_type"] == "individual"
    interactive = sent["interactive"]
    assert interactive["type"] == "button"
    assert width(interactive["body"]["text"]) <= 1024
    assert len(interactive["action"]["buttons"]) <= 3
    for button in interactive["action"]["buttons"]:
        assert button["type"] == "reply"
        assert 1 <= width(button["reply"]["title"]) <= BUTTON_TITLE_MAX


@given(
    choices=st.lists(st.tuples(titles, st.text(max_size=100)), min_size=1, max_size=40),
    button=titles,
    page=st.integers(min_value=0, max_value=10),
)
def test_lists_respect_the_api_limits_and_paginate(
    choices: list[tuple[str, str]], button: str, page: int
) -> None:
    rows = [Choice(f"c{i}", title, note) for i, (title, note) in enumerate(choices)]
    shown = page_of(rows, page, "More…")
    sent = list_message(PHONE, "Choose", button, [Section("", shown)])
    action = sent["interactive"]["action"]
    assert width(action["button"]) <= LIST_BUTTON_MAX
    rows_sent = [row for section in action["sections"] for row in section["rows"]]
    assert 1 <= len(rows_sent) <= LIST_ROWS_MAX
    for row in rows_sent:
        assert width(row["title"]) <= ROW_TITLE_MAX
        assert width(row.get("description", "")) <= ROW_DESCRIPTION_MAX
    # Following the "more" rows from the first page shows every choice exactly once.
    seen: list[str] = []
    current = 0
    for _ in range(len(rows) + 1):
        shown = page_of(rows, current, "More…")
        seen += [row.id for row in shown if not row.id.startswith(MORE_PREFIX)]
        more = [row.id for row in shown if row.id.startswith(MORE_PREFIX)]
        if not more or (current := int(more[0].removeprefix(MORE_PREFIX))) == 0:
            break
    assert seen == [row.id for row in rows]


def test_a_text_message_and_the_recording_transport() -> None:
    transport = RecordingTransport()
    transport.send(text_message(PHONE, "Hello"))
    assert transport.sent == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": PHONE,
            "type": "text",
            "text": {"preview_url": False, "body": "Hello"},
        }
    ]
    with pytest.raises(ValueError, match="1 to 3 buttons"):
        button_message(PHONE, "Too many", [Choice(str(i), str(i)) for i in range(4)])


# --- the conversation -------------------------------------------------------------------------


class Chat:
    """One sender talking to a conversation, with a clock the test moves."""

    def __init__(self, directory: Directory | None = None, sender: str = PHONE) -> None:
        self.now = START
        self.transport = RecordingTransport()
        self.states = MemoryStates()
        self.submitted: list[Mapping[str, Any]] = []
        self.scoring = Scoring([quick_form()])
        self.sender = sender
        self.count = 0
        self.conversation = Conversation(
            quick_form(),
            directory or uae_directory(),
            self.states,
            self.transport,
            self.submit,
            SECRET,
            lambda: self.now,
        )

    def submit(self, evaluation: Mapping[str, Any]) -> SubmitOutcome:
        self.submitted.append(evaluation)
        return SubmitOutcome.of(self.scoring.score(evaluation))

    def send(self, inbound: Inbound) -> list[Mapping[str, Any]]:
        before = len(self.transport.sent)
        self.conversation.handle(inbound)
        return self.transport.sent[before:]

    def inbound(self, kind: Any, text: str = "", reply: str | None = None) -> Inbound:
        self.count += 1
        choice = Choice(reply, "title") if reply else None
        return Inbound(self.sender, f"wamid.{self.count}", self.now, kind, text, choice)

    def text(self, text: str) -> list[Mapping[str, Any]]:
        return self.send(self.inbound("text", text))

    def pick(self, ident: str) -> list[Mapping[str, Any]]:
        return self.send(self.inbound("list", reply=ident))

    def tap(self, ident: str) -> list[Mapping[str, Any]]:
        return self.send(self.inbound("button", reply=ident))

    def state(self) -> ConversationState | None:
        return self.states.load(self.sender)


def body(sent: Mapping[str, Any]) -> str:
    if sent["type"] == "text":
        return str(sent["text"]["body"])
    return str(sent["interactive"]["body"]["text"])


def rows(sent: Mapping[str, Any]) -> list[dict[str, str]]:
    return [row for section in sent["interactive"]["action"]["sections"] for row in section["rows"]]


def buttons(sent: Mapping[str, Any]) -> list[dict[str, str]]:
    return [button["reply"] for button in sent["interactive"]["action"]["buttons"]]


def label(question: str, value: str, language: str) -> str:
    form = quick_form()
    option = next(o for o in form.questions()[question][1].options if o.value == value)
    return form.text(option.label, language)


def start(chat: Chat, language: str) -> None:
    chat.text("Hello")
    chat.pick(f"language:{language}")
    chat.pick("service:ctr-icp-dubai/svc-eid-renewal")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_whole_rating_in_every_language(language: str) -> None:
    chat = Chat()
    thumbs = "up" if LANGUAGES.index(language) % 2 else "down"
    [languages] = chat.text("مرحبا")
    assert {row["title"] for row in rows(languages)} == {
        t("intake_language_name", lang) for lang in LANGUAGES
    }
    assert t("intake_choose_language", "en") in body(languages)
    assert t("intake_choose_language", "ar") in body(languages)

    [services] = chat.pick(f"language:{language}")
    assert body(services) == t("intake_choose_service", language)
    assert services["interactive"]["action"]["button"] == t("intake_service_button", language)
    assert "service:ctr-mohre-ajman/svc-work-permit" in {row["id"] for row in rows(services)}

    [question] = chat.pick("service:ctr-mohre-ajman/svc-work-permit")
    assert [b["title"] for b in buttons(question)] == [
        truncate(label("thumbs", value, language), BUTTON_TITLE_MAX) for value in ("up", "down")
    ]

    [reasons] = chat.tap(f"thumbs:{thumbs}")
    assert t("intake_reasons_prompt", language, example="1 3") in body(reasons)
    assert rows(reasons)[-1] == {"id": "reason:done", "title": t("intake_done", language)}
    assert label("reasons", "parking", language) in body(reasons)

    added, again = chat.pick("reason:waiting_time")
    assert body(added) == t(
        "intake_reason_added", language, reason=label("reasons", "waiting_time", language)
    )
    assert "reason:waiting_time" not in {row["id"] for row in rows(again)}

    [comment] = chat.text("2, 7")
    assert t("intake_comment_prompt", language, limit=1000) in body(comment)
    assert buttons(comment) == [{"id": "comment:skip", "title": t("intake_skip", language)}]

    [thanks] = chat.text("  The queue was long.  ")
    score = 100 if thumbs == "up" else 0
    assert body(thanks) == t("intake_thanks", language, score=score)

    [evaluation] = chat.submitted
    check("evaluation", dict(evaluation), where="evaluation")
    assert evaluation["answers"] == {
        "thumbs": thumbs,
        "reasons": ["parking", "waiting_time", "staff_attitude"],
        "quick_comment": "The queue was long.",
    }
    assert (evaluation["entity"], evaluation["centre"], evaluation["service"]) == (
        "ent-mohre",
        "ctr-mohre-ajman",
        "svc-work-permit",
    )
    assert (evaluation["form"], evaluation["form_version"]) == ("uae-quick", "2020.1")
    assert (evaluation["programme"], evaluation["channel"]) == ("uae", "whatsapp")
    assert evaluation["language"] == language
    assert PHONE not in json.dumps(evaluation)
    scored = Scoring([quick_form()]).score(evaluation)
    assert not isinstance(scored, list)
    assert scored.overall == score
    state = chat.state()
    assert state is not None
    assert state.step == "done"


def test_skipping_the_comment_and_choosing_no_reason() -> None:
    chat = Chat()
    start(chat, "en")
    chat.tap("thumbs:up")
    chat.pick("reason:done")
    [thanks] = chat.tap("comment:skip")
    assert body(thanks) == t("intake_thanks", "en", score=100)
    assert chat.submitted[0]["answers"] == {"thumbs": "up"}


def test_a_rating_the_scorer_refuses_is_explained() -> None:
    chat = Chat()
    problem = Scoring([quick_form()]).score({"form": "uae-quick"})
    assert isinstance(problem, list)
    chat.conversation.submit = lambda evaluation: SubmitOutcome(problems=tuple(problem))
    start(chat, "fr")
    chat.tap("thumbs:up")
    chat.pick("reason:done")
    [refused] = chat.tap("comment:skip")
    reasons = "; ".join(p.text("fr") for p in problem)
    assert body(refused) == t("intake_refused", "fr", reasons=reasons)


def test_the_evaluation_id_is_stable_for_a_sender_and_message() -> None:
    first, second = Chat(), Chat()
    for chat in (first, second):
        start(chat, "ar")
        chat.tap("thumbs:down")
        chat.pick("reason:done")
        chat.tap("comment:skip")
    assert first.submitted[0]["id"] == second.submitted[0]["id"]
    other = Chat(sender="971509999999")
    start(other, "ar")
    other.tap("thumbs:down")
    other.pick("reason:done")
    other.tap("comment:skip")
    assert other.submitted[0]["id"] != first.submitted[0]["id"]
    assert other.submitted[0]["shopper"] != first.submitted[0]["shopper"]


def test_a_redelivered_message_is_ignored() -> None:
    chat = Chat()
    start(chat, "es")
    tapped = chat.inbound("button", reply="thumbs:up")
    assert chat.send(tapped)
    assert chat.send(tapped) == []
    chat.pick("reason:done")
    last = chat.inbound("button", reply="comment:skip")
    assert chat.send(last)
    assert chat.send(last) == []
    assert len(chat.submitted) == 1


def test_a_conversation_resumes_after_a_pause() -> None:
    chat = Chat()
    start(chat, "ru")
    chat.now += timedelta(hours=3)
    [asked] = chat.text("привет")
    assert body(asked) == t("intake_resume_prompt", "ru")
    assert [b["title"] for b in buttons(asked)] == [
        t("intake_continue", "ru"),
        t("intake_restart", "ru"),
    ]
    [thumbs] = chat.tap("resume:continue")
    assert body(thumbs) == quick_form().text(quick_form().questions()["thumbs"][1].text, "ru")
    chat.tap("thumbs:up")
    state = chat.state()
    assert state is not None
    assert state.step == "reasons"
    assert state.answers["service"] == "svc-eid-renewal"


def test_starting_again_after_a_pause_keeps_the_language() -> None:
    chat = Chat()
    start(chat, "zh")
    chat.now += timedelta(hours=2)
    chat.text("你好")
    [services] = chat.tap("resume:restart")
    assert body(services) == t("intake_choose_service", "zh")
    state = chat.state()
    assert state is not None
    assert state.answers == {}
    assert state.language == "zh"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_stop_word_in_any_language_abandons_the_rating(language: str) -> None:
    word = t("intake_stop_words", language).split(",")[-1].strip()
    chat = Chat()
    start(chat, "hi")
    [stopped] = chat.text(f" {word.upper()}! ")
    assert body(stopped) == t("intake_stopped", "hi")
    assert chat.state() is None
    assert chat.submitted == []
    assert chat.text(word) == []  # nothing under way, nothing to stop


def test_a_rating_left_too_long_is_abandoned_and_a_new_one_begins() -> None:
    chat = Chat()
    start(chat, "ur")
    chat.now += timedelta(hours=25)
    expired, languages = chat.text("سلام")
    assert body(expired) == t("intake_expired", "ur")
    assert t("intake_choose_language", "en") in body(languages)
    state = chat.state()
    assert state is not None
    assert state.step == "language"
    assert state.answers == {}


def test_invalid_answers_are_explained_and_asked_again() -> None:
    chat = Chat()
    chat.text("Hello")
    why, again = chat.pick("language:xx")
    assert t("intake_choice_unknown", "en") in body(why)
    assert t("intake_choice_unknown", "ar") in body(why)
    chat.pick("language:fr")

    why, again = chat.text("le premier")
    assert body(why) == t("intake_use_list", "fr")
    assert body(again) == t("intake_choose_service", "fr")
    why, again = chat.pick("service:nowhere/svc-eid-renewal")
    assert body(why) == t("intake_choice_unknown", "fr")
    chat.pick("service:ctr-icp-dubai/svc-eid-renewal")

    why, again = chat.text("bien")
    assert body(why) == t("intake_use_buttons", "fr")
    assert again["interactive"]["type"] == "button"
    why, _ = chat.tap(f"{MORE_PREFIX}{'9' * 5000}")
    assert body(why) == t("intake_choice_unknown", "fr")
    why, _ = chat.tap("thumbs:sideways")
    assert body(why) == t("intake_choice_unknown", "fr")
    chat.tap("thumbs:up")

    why, _ = chat.text("9")
    assert body(why) == t("intake_reason_numbers", "fr", count=7)
    why, _ = chat.text("9" * 5000)
    assert body(why) == t("intake_reason_numbers", "fr", count=7)
    why, _ = chat.text("aucun")
    assert body(why) == t("intake_reason_numbers", "fr", count=7)
    chat.text("\u0661 \u0663")  # Arabic-Indic digits count too

    why, _ = chat.text("x" * 1001)
    assert body(why) == t("intake_comment_too_long", "fr", limit=1000)
    why, _ = chat.text("   ")
    assert body(why) == t("intake_comment_empty", "fr")
    why, _ = chat.send(chat.inbound("unsupported"))
    assert body(why) == t("intake_use_buttons", "fr")
    assert chat.submitted == []
    chat.text("Très bien")
    assert chat.submitted[0]["answers"]["reasons"] == ["location", "reception"]


def test_a_long_service_list_is_paginated() -> None:
    entity = Entity("ent-x", {"en": "Entity"})
    services = tuple(
        Service(f"svc-{i}", "ent-x", {"en": f"Service {i}"}, channels=("whatsapp",))
        for i in range(25)
    )
    centre = ServiceCentre(
        "ctr-x", "ent-x", {"en": "Centre"}, services=tuple(s.id for s in services)
    )
    chat = Chat(Directory((entity,), services, (centre,)))
    chat.text("Hello")
    [first] = chat.pick("language:en")
    assert len(rows(first)) == LIST_ROWS_MAX
    assert rows(first)[-1] == {"id": f"{MORE_PREFIX}1", "title": t("intake_more", "en")}
    chat.pick(f"{MORE_PREFIX}1")
    [third] = chat.pick(f"{MORE_PREFIX}2")
    assert rows(third)[-2]["id"] == "service:ctr-x/svc-24"
    chat.pick("service:ctr-x/svc-24")
    state = chat.state()
    assert state is not None
    assert state.answers["service"] == "svc-24"


def test_the_state_round_trips_through_json() -> None:
    chat = Chat()
    start(chat, "ar")
    chat.tap("thumbs:down")
    chat.pick("reason:parking")
    state = chat.state()
    assert state is not None
    assert ConversationState.from_data(json.loads(json.dumps(state.to_data()))) == state
    broken: Any
    for broken in (
        {},
        {**state.to_data(), "step": "elsewhere"},
        {**state.to_data(), "updated_at": 3},
        [],
    ):
        with pytest.raises(InputError) as raised:
            ConversationState.from_data(broken)
        assert raised.value.code == "intake_state_invalid"


replies = st.sampled_from(
    [
        *(f"language:{lang}" for lang in LANGUAGES),
        "language:xx",
        "service:ctr-icp-dubai/svc-eid-renewal",
        "service:ctr-moi-rak/svc-vehicle-registration",
        "service:ctr-icp-dubai/svc-work-permit",
        "thumbs:up",
        "thumbs:down",
        "reason:parking",
        "reason:payment",
        "reason:done",
        "comment:skip",
        "resume:continue",
        "resume:restart",
        f"{MORE_PREFIX}1",
        "",
    ]
)
events = st.tuples(
    st.sampled_from(["text", "list", "button", "unsupported"]),
    st.text(max_size=40) | st.sampled_from(["1 3", "stop", "стоп", "٢", "English"]),
    replies,
    st.sampled_from([0, 1, 90, 60 * 30, 60 * 60 * 3, 60 * 60 * 30]),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(script=st.lists(events, max_size=25))
def test_any_sequence_of_messages_is_answered_within_the_limits(
    script: list[tuple[str, str, str, int, bool]],
) -> None:
    chat = Chat()
    for kind, text, reply, wait, again in script:
        chat.now += timedelta(seconds=wait)
        inbound = chat.inbound(kind, text, reply or None)
        chat.send(inbound)
        if again:
            assert chat.send(inbound) == []
    for sent in chat.transport.sent:
        assert sent["to"] == PHONE
        if sent["type"] == "text":
            assert width(sent["text"]["body"]) <= 4096
        elif sent["interactive"]["type"] == "button":
            assert 1 <= len(buttons(sent)) <= 3
            assert all(width(b["title"]) <= BUTTON_TITLE_MAX for b in buttons(sent))
        else:
            assert 1 <= len(rows(sent)) <= LIST_ROWS_MAX
            assert all(width(r["title"]) <= ROW_TITLE_MAX for r in rows(sent))
    for evaluation in chat.submitted:
        check("evaluation", dict(evaluation), where="evaluation")
        assert not isinstance(chat.scoring.score(evaluation), list)
