"""The WhatsApp webhook of the service: signed deliveries, the conversation's state in the
store, and its evaluation kept once like any other, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count
from typing import Any

import pytest
from litestar.testing import TestClient

from shopperkit import Registry
from shopperkit.intake import RecordingTransport
from shopperkit.messages import render
from shopperkit.service import ServiceSettings, create_app
from shopperkit.service.chat import chat_handlers
from shopperkit.store import Database, Store
from tests.test_whatsapp import PHONE, body, sign, webhook

APP_SECRET = b"app-secret-for-tests"
PSEUDONYMS = "pseudonym-secret-for-tests"
TOKEN = "verify-me"


@pytest.fixture
def chat(db_url: str) -> Iterator[tuple[TestClient[Any], RecordingTransport, Store]]:
    Database(db_url).upgrade()
    store = Store(db_url)
    transport = RecordingTransport()
    settings = ServiceSettings(
        db_url,
        "uae",
        whatsapp_app_secret=APP_SECRET.decode(),
        whatsapp_verify_token=TOKEN,
        pseudonym_secret=PSEUDONYMS,
    )
    app = create_app(settings, store=store, registry=Registry(), extra=[chat_handlers(transport)])
    try:
        with TestClient(app) as client:
            yield client, transport, store
    finally:
        store.close()


ids = count(1)


def deliver(client: TestClient[Any], ident: str | None = None, **content: Any) -> int:
    kind = content.pop("kind", "text")
    ident = ident or f"wamid.s{next(ids)}"
    message = {"from": PHONE, "id": ident, "timestamp": "1764752400", "type": kind}
    payload = json.dumps(webhook({**message, **content})).encode()
    answer = client.post(
        "/whatsapp/webhook",
        content=payload,
        headers={"X-Hub-Signature-256": sign(payload, APP_SECRET)},
    )
    return answer.status_code


def reply(kind: str, ident: str) -> dict[str, Any]:
    key = "list_reply" if kind == "list" else "button_reply"
    return {"kind": "interactive", "interactive": {"type": key, key: {"id": ident, "title": "x"}}}


def test_the_subscription_check_answers_only_the_right_token(
    chat: tuple[TestClient[Any], RecordingTransport, Store],
) -> None:
    client, _, _ = chat
    params = {"hub.mode": "subscribe", "hub.verify_token": TOKEN, "hub.challenge": "12345"}
    assert client.get("/whatsapp/webhook", params=params).text == "12345"
    wrong = client.get("/whatsapp/webhook", params={**params, "hub.verify_token": "no"})
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (
        403,
        "intake_webhook_token_invalid",
    )


def test_an_unsigned_delivery_is_refused_and_changes_nothing(
    chat: tuple[TestClient[Any], RecordingTransport, Store],
) -> None:
    client, transport, _ = chat
    payload = json.dumps(
        webhook(
            {"from": PHONE, "id": "w", "timestamp": "1", "type": "text", "text": {"body": "hi"}}
        )
    ).encode()
    for header in ({}, {"X-Hub-Signature-256": sign(payload, b"another-secret")}):
        answer = client.post("/whatsapp/webhook", content=payload, headers=header)
        assert (answer.status_code, answer.json()["error"]["code"]) == (
            401,
            "intake_webhook_signature_invalid",
        )
    assert transport.sent == []


def test_a_whole_rating_over_the_webhook_is_kept_once_with_no_number(
    chat: tuple[TestClient[Any], RecordingTransport, Store],
) -> None:
    client, transport, store = chat
    assert deliver(client, text={"body": "hello"}) == 200
    assert deliver(client, **reply("list", "language:ar")) == 200
    assert deliver(client, **reply("list", "service:ctr-icp-dubai/svc-eid-renewal")) == 200
    assert deliver(client, **reply("button", "thumbs:up")) == 200
    assert deliver(client, **reply("list", "reason:done")) == 200
    # The conversation stands in the store, under a pseudonym, between deliveries.
    with store.database.reading() as session:
        from sqlalchemy import text

        keys = [row[0] for row in session.execute(text("SELECT sender FROM conversations"))]
    assert len(keys) == 1
    assert PHONE not in keys[0]
    assert deliver(client, "wamid.last", **reply("button", "comment:skip")) == 200
    thanks = body(transport.sent[-1])
    assert thanks == render("intake_thanks", {"score": 100}, "ar")
    kept = list(store.submissions("uae", "evaluation"))
    assert len(kept) == 1
    ((data, result),) = kept
    assert data["channel"] == "whatsapp"
    assert data["language"] == "ar"
    assert result["score"]["overall"] == 100.0
    assert PHONE not in json.dumps(data) + json.dumps(result)
    # A redelivered last message is not a second rating, nor a second answer.
    sent = len(transport.sent)
    assert deliver(client, "wamid.last", **reply("button", "comment:skip")) == 200
    assert len(list(store.submissions("uae", "evaluation"))) == 1
    assert len(transport.sent) == sent


def test_a_malformed_delivery_gets_a_coded_error(
    chat: tuple[TestClient[Any], RecordingTransport, Store],
) -> None:
    client, _, _ = chat
    payload = b'{"object": "whatsapp_business_account", "entry": 5}'
    answer = client.post(
        "/whatsapp/webhook",
        content=payload,
        headers={"X-Hub-Signature-256": sign(payload, APP_SECRET)},
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"].startswith("intake_webhook_")


def test_without_its_secrets_the_webhook_is_off(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'off.db'}"
    Database(url).upgrade()
    store = Store(url)
    try:
        app = create_app(
            ServiceSettings(url, "uae"), store=store, extra=[chat_handlers(RecordingTransport())]
        )
        with TestClient(app) as client:
            assert client.post("/whatsapp/webhook", content=b"{}").status_code == 404
    finally:
        store.close()
