"""The WhatsApp webhook of the service: signed Cloud API deliveries in, the quick-rating
conversation (:mod:`shopperkit.intake.conversation`) run on them, its state in the store and
its evaluations received like any other (checked, rate-limited per sender, kept once).
"""

from __future__ import annotations

import asyncio
import hmac
import weakref
from collections.abc import Callable, Mapping
from functools import partial
from typing import Annotated, Any

import anyio.from_thread
import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.handlers import BaseRouteHandler
from litestar.params import QueryParameter

from shopperkit.insights.privacy import Pseudonymiser
from shopperkit.intake.conversation import Conversation, ConversationState, SubmitOutcome
from shopperkit.intake.whatsapp import Transport, parse_webhook_body, verify_signature
from shopperkit.problems import FieldProblem
from shopperkit.service.core import Service, ServiceError
from shopperkit.store import Store

GRAPH_URL = "https://graph.facebook.com/v21.0/{phone}/messages"
"""Where the Cloud API takes outbound messages for a phone number id."""


class StoredStates:
    """Conversation states kept in the store, each under a keyed pseudonym of its sender
    (the state itself holds the number to answer only while the conversation goes on)."""

    def __init__(self, store: Store, secret: bytes) -> None:
        self.store = store
        self._key = Pseudonymiser(secret)

    def load(self, sender: str) -> ConversationState | None:
        """The sender's conversation, if one is going on."""
        data = self.store.conversation(self._key(sender))
        return None if data is None else ConversationState.from_data(data)

    def save(self, state: ConversationState) -> None:
        """Keep where the conversation stands."""
        self.store.save_conversation(self._key(state.sender), state.to_data())

    def drop(self, sender: str) -> None:
        """Forget the sender's conversation."""
        self.store.drop_conversation(self._key(sender))


class GraphTransport:
    """Sends messages through the WhatsApp Cloud API for one business phone number."""

    def __init__(self, phone_number_id: str, token: str, timeout: float = 10.0) -> None:
        import httpx

        self.url = GRAPH_URL.format(phone=phone_number_id)
        self._client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=timeout)

    def send(self, message: Mapping[str, Any]) -> None:
        """Post ``message``; an error answer raises."""
        self._client.post(self.url, json=dict(message)).raise_for_status()


def _submit(service: Service, record: Mapping[str, Any]) -> SubmitOutcome:
    """Receive a finished conversation's evaluation as the API would (from a worker
    thread): accepted with its score, or refused with its problems."""
    try:
        outcome = anyio.from_thread.run(
            partial(
                service.receive,
                "evaluation",
                str(record["id"]),
                dict(record),
                str(record.get("language") or service.intake.languages.fallback),
                key=None,
                address="whatsapp",
                channel="whatsapp",
            )
        )
    except ServiceError as error:
        return SubmitOutcome(problems=(FieldProblem.of(error.code, "$", **error.params),))
    if outcome.status == 422:
        found = service.intake.scoring.score_data(dict(record))
        return SubmitOutcome(problems=tuple(found) if isinstance(found, list) else ())
    return SubmitOutcome(score=float(outcome.body["score"]["overall"]))


def chat_handlers(
    transport: Transport, form: str = "uae-quick"
) -> Callable[[Service], list[BaseRouteHandler]]:
    """The webhook's route handlers, sending through ``transport``, asking ``form`` (for
    :func:`~shopperkit.service.app.create_app`'s ``extra``); off (no routes) unless the
    settings give the app secret, the verify token and the pseudonym secret."""

    def handlers(service: Service) -> list[BaseRouteHandler]:
        settings = service.settings
        app_secret = (settings.whatsapp_app_secret or "").encode("utf-8")
        pseudonyms = (settings.pseudonym_secret or "").encode("utf-8")
        if not (app_secret and settings.whatsapp_verify_token and len(pseudonyms) >= 16):
            return []
        directory = service.intake.registry.directory(service.programme)
        if directory is None:
            return []
        conversation = Conversation(
            service.intake.forms[form],
            directory,
            StoredStates(service.store, pseudonyms),
            transport,
            partial(_submit, service),
            pseudonyms,
            programme=service.programme.id,
            catalogue=service.intake.messages,
        )

        turns: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

        @get("/whatsapp/webhook", tags=["whatsapp"], media_type="text/plain")
        async def subscribe(
            mode: Annotated[str, QueryParameter(name="hub.mode")] = "",
            token: Annotated[str, QueryParameter(name="hub.verify_token")] = "",
            challenge: Annotated[str, QueryParameter(name="hub.challenge")] = "",
        ) -> str:
            """The Cloud API's subscription check: the challenge back when the token is the
            service's."""
            expected = settings.whatsapp_verify_token or ""
            if mode != "subscribe" or not hmac.compare_digest(token, expected):
                raise ServiceError(403, "intake_webhook_token_invalid")
            return challenge

        @post("/whatsapp/webhook", tags=["whatsapp"], status_code=200)
        async def deliver(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
            """A signed delivery: each message continues its sender's conversation."""
            body = await request.body()
            signature = request.headers.get("x-hub-signature-256")
            if not verify_signature(body, signature, app_secret):
                raise ServiceError(401, "intake_webhook_signature_invalid")
            for inbound in parse_webhook_body(body):
                # One message of a sender at a time: each continues where the last left off.
                lock = turns.setdefault(inbound.sender, asyncio.Lock())
                async with lock:
                    await anyio.to_thread.run_sync(conversation.handle, inbound)
            return Response({"status": "ok"})

        return [subscribe, deliver]

    return handlers
