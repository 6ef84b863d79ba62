"""The WhatsApp Cloud API at the edge: signed webhooks in, typed messages, JSON messages out.

- :func:`verify_signature` checks the ``X-Hub-Signature-256`` header of a webhook request.
- :func:`parse_webhook` (a parsed payload) and :func:`parse_webhook_body` (the raw body) give
  the :class:`Inbound` messages of a webhook; anything malformed is an
  :class:`~shopperkit.errors.InputError` naming the JSON path, never another exception.
- :func:`text_message`, :func:`button_message` and :func:`list_message` build the Cloud API's
  outbound JSON within its limits; :func:`truncate` shortens a title without splitting a
  character from its marks.
- :class:`Transport` sends one message; :class:`RecordingTransport` keeps them in a list.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from attrs import field, frozen

from shopperkit.errors import InputError

SIGNATURE_PREFIX = "sha256="
BODY_MAX_BYTES = 1_000_000
"""The largest webhook body read; the Cloud API sends far smaller ones."""
DEPTH_MAX = 32
"""The deepest nesting of a webhook payload read."""
INBOUND_TEXT_MAX = 4096
TIMESTAMP_MAX = 253_402_300_799
"""The last second of the year 9999, the latest timestamp read."""
"""The longest text, id or title an inbound message may carry."""

TEXT_BODY_MAX = 4096
BUTTON_BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
LIST_BODY_MAX = 4096
LIST_BUTTON_MAX = 20
LIST_ROWS_MAX = 10
SECTION_TITLE_MAX = 24
ROW_ID_MAX = 200
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72

Kind = Literal["text", "button", "list", "unsupported"]


@frozen
class Choice:
    """A reply button or a list row: the ``id`` sent back when chosen, and what is shown."""

    id: str
    title: str
    description: str = ""


@frozen
class Inbound:
    """One message a user sent: text (``text``), a tapped button or a chosen list row
    (``reply``), or a kind this does not read (``unsupported``, say an image)."""

    sender: str
    message_id: str
    timestamp: datetime
    kind: Kind
    text: str = ""
    reply: Choice | None = None


# --- the signature -------------------------------------------------------------------------


def verify_signature(body: bytes, header: str | None, app_secret: bytes) -> bool:
    """Whether ``header`` (``sha256=<hex>``) is the HMAC-SHA256 of ``body`` with the app's
    secret; a missing or malformed header is refused. Compared in constant time."""
    if not header or not app_secret or not header.startswith(SIGNATURE_PREFIX):
        return False
    given = header[len(SIGNATURE_PREFIX) :].strip().lower()
    if len(given) != 64 or any(char not in "0123456789abcdef" for char in given):
        return False
    expected = hmac.new(app_secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given)


# --- reading webhooks ----------------------------------------------------------------------


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if type(value) is not dict:
        raise InputError("intake_webhook_not_object", where=where)
    return value


def _array(value: Any, where: str) -> list[Any]:
    if type(value) is not list:
        raise InputError("intake_webhook_not_array", where=where)
    return value


def _text(record: Mapping[str, Any], key: str, where: str) -> str:
    if key not in record:
        raise InputError("intake_webhook_field_missing", {"field": key}, where=where)
    value = record[key]
    if type(value) is not str:
        raise InputError("intake_webhook_not_text", where=f"{where}.{key}")
    if len(value) > INBOUND_TEXT_MAX:
        raise InputError(
            "intake_webhook_text_too_long", {"limit": INBOUND_TEXT_MAX}, where=f"{where}.{key}"
        )
    return value


def _depth(value: Any, limit: int) -> bool:
    """Whether ``value`` nests no deeper than ``limit`` (checked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if level > limit:
            return False
        if type(item) is dict:
            stack.extend((child, level + 1) for child in item.values())
        elif type(item) is list:
            stack.extend((child, level + 1) for child in item)
    return True


def parse_webhook_body(body: bytes) -> list[Inbound]:
    """The messages of a raw webhook body (check its signature first)."""
    if len(body) > BODY_MAX_BYTES:
        raise InputError("intake_webhook_too_large", {"limit": BODY_MAX_BYTES}, where="$")
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InputError("intake_webhook_not_json", where="$") from None
    return parse_webhook(payload)


def parse_webhook(payload: object) -> list[Inbound]:
    """The messages of a parsed webhook payload, in order; status updates are skipped."""
    if not _depth(payload, DEPTH_MAX):
        raise InputError("intake_webhook_too_deep", {"limit": DEPTH_MAX}, where="$")
    root = _object(payload, "$")
    if root.get("object") != "whatsapp_business_account":
        raise InputError("intake_webhook_not_whatsapp", where="$.object")
    found: list[Inbound] = []
    for e, entry in enumerate(_array(root.get("entry"), "$.entry")):
        entry_at = f"$.entry[{e}]"
        changes = _array(_object(entry, entry_at).get("changes", []), f"{entry_at}.changes")
        for c, change in enumerate(changes):
            change_at = f"{entry_at}.changes[{c}]"
            value = _object(_object(change, change_at).get("value"), f"{change_at}.value")
            messages = _array(value.get("messages", []), f"{change_at}.value.messages")
            for m, message in enumerate(messages):
                found.append(_message(message, f"{change_at}.value.messages[{m}]"))
    return found


def _timestamp(record: Mapping[str, Any], where: str) -> datetime:
    text = _text(record, "timestamp", where)
    if not (text.isascii() and text.isdigit() and int(text) <= TIMESTAMP_MAX):
        raise InputError("intake_webhook_timestamp_invalid", where=f"{where}.timestamp")
    return datetime.fromtimestamp(int(text), UTC)


def _reply(record: Mapping[str, Any], where: str) -> Choice:
    return Choice(_text(record, "id", where), _text(record, "title", where))


def _message(value: Any, where: str) -> Inbound:
    record = _object(value, where)
    sender = _text(record, "from", where)
    ident = _text(record, "id", where)
    timestamp = _timestamp(record, where)
    kind = _text(record, "type", where)
    if kind == "text":
        body = _text(_object(record.get("text"), f"{where}.text"), "body", f"{where}.text")
        return Inbound(sender, ident, timestamp, "text", text=body)
    if kind == "interactive":
        at = f"{where}.interactive"
        interactive = _object(record.get("interactive"), at)
        chosen = _text(interactive, "type", at)
        if chosen in ("button_reply", "list_reply"):
            reply = _reply(_object(interactive.get(chosen), f"{at}.{chosen}"), f"{at}.{chosen}")
            return Inbound(
                sender,
                ident,
                timestamp,
                "button" if chosen == "button_reply" else "list",
                reply=reply,
            )
    return Inbound(sender, ident, timestamp, "unsupported")


# --- writing messages ----------------------------------------------------------------------


def width(text: str) -> int:
    """The length of ``text`` as the Cloud API may count it (UTF-16 code units), never less
    than its number of characters."""
    return len(text.encode("utf-16-le")) // 2


_JOINERS = {"\u200c", "\u200d"}


def _attached(char: str) -> bool:
    """Whether ``char`` belongs to the character before it (a mark, joiner, variation
    selector or skin-tone modifier)."""
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")
        or char in _JOINERS
        or "\ufe00" <= char <= "\ufe0f"
        or "\U0001f3fb" <= char <= "\U0001f3ff"
    )


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` within ``limit`` (:func:`width`), cut where no mark or joiner is split from
    its character and ending with ``ellipsis`` when shortened."""
    if width(text) <= limit:
        return text
    room = limit - width(ellipsis)
    if room <= 0:
        return ellipsis[:limit]
    end = used = 0
    while end < len(text) and used + width(text[end]) <= room:
        used += width(text[end])
        end += 1
    # Back off while the cut would leave a mark without its letter, or end on a joiner or a
    # virama (which joins the next consonant).
    while end > 0 and (
        _attached(text[end])
        or text[end - 1] in _JOINERS
        or unicodedata.combining(text[end - 1]) == 9
    ):
        end -= 1
    return text[:end].rstrip() + ellipsis


def _envelope(to: str, kind: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": kind}


def text_message(to: str, body: str) -> dict[str, Any]:
    """A text message to ``to``."""
    return {
        **_envelope(to, "text"),
        "text": {"preview_url": False, "body": truncate(body, TEXT_BODY_MAX)},
    }


def button_message(to: str, body: str, buttons: Sequence[Choice]) -> dict[str, Any]:
    """An interactive message with one to three reply buttons."""
    if not 1 <= len(buttons) <= BUTTONS_MAX:
        raise ValueError(f"a message has 1 to {BUTTONS_MAX} buttons, not {len(buttons)}")
    replies = [
        {
            "type": "reply",
            "reply": {
                "id": button.id[:BUTTON_ID_MAX],
                "title": truncate(button.title, BUTTON_TITLE_MAX),
            },
        }
        for button in buttons
    ]
    interactive = {
        "type": "button",
        "body": {"text": truncate(body, BUTTON_BODY_MAX)},
        "action": {"buttons": replies},
    }
    return {**_envelope(to, "interactive"), "interactive": interactive}


@frozen
class Section:
    """A titled group of rows in a list message."""

    title: str
    rows: tuple[Choice, ...]


def list_message(to: str, body: str, button: str, sections: Sequence[Section]) -> dict[str, Any]:
    """An interactive list message: ``button`` opens it; at most ten rows in all."""
    total = sum(len(section.rows) for section in sections)
    if not 1 <= total <= LIST_ROWS_MAX:
        raise ValueError(f"a list has 1 to {LIST_ROWS_MAX} rows, not {total}")
    shown = [
        {
            "title": truncate(section.title, SECTION_TITLE_MAX),
            "rows": [_row(row) for row in section.rows],
        }
        for section in sections
        if section.rows
    ]
    interactive = {
        "type": "list",
        "body": {"text": truncate(body, LIST_BODY_MAX)},
        "action": {"button": truncate(button, LIST_BUTTON_MAX), "sections": shown},
    }
    return {**_envelope(to, "interactive"), "interactive": interactive}


def _row(row: Choice) -> dict[str, str]:
    shown = {"id": row.id[:ROW_ID_MAX], "title": truncate(row.title, ROW_TITLE_MAX)}
    if row.description:
        shown["description"] = truncate(row.description, ROW_DESCRIPTION_MAX)
    return shown


MORE_PREFIX = "more:"
"""The id of the row leading to the next page of a long list is this and the page number."""


def page_of(choices: Sequence[Choice], page: int, more: str) -> tuple[Choice, ...]:
    """Page ``page`` (from 0) of ``choices`` as list rows: all of them when they fit in one
    list, else nine a page and a last row titled ``more`` leading to the next page (the
    last page leads back to the first)."""
    if len(choices) <= LIST_ROWS_MAX:
        return tuple(choices)
    size = LIST_ROWS_MAX - 1
    pages = -(-len(choices) // size)
    page %= pages
    rows = tuple(choices[page * size : (page + 1) * size])
    return (*rows, Choice(f"{MORE_PREFIX}{(page + 1) % pages}", more))


# --- sending -------------------------------------------------------------------------------


class Transport(Protocol):
    """Sends one outbound message (the Cloud API JSON) to WhatsApp."""

    def send(self, message: Mapping[str, Any]) -> None:
        """Send ``message``; raise when it cannot be sent."""


@frozen
class RecordingTransport:
    """A transport that keeps every message in ``sent``, in order (for tests, or for a
    deployment that sends them later)."""

    sent: list[Mapping[str, Any]] = field(factory=list)

    def send(self, message: Mapping[str, Any]) -> None:
        """Keep ``message``."""
        self.sent.append(message)


__all__ = [
    "BUTTONS_MAX",
    "BUTTON_TITLE_MAX",
    "LIST_BUTTON_MAX",
    "LIST_ROWS_MAX",
    "MORE_PREFIX",
    "ROW_DESCRIPTION_MAX",
    "ROW_TITLE_MAX",
    "Choice",
    "Inbound",
    "RecordingTransport",
    "Section",
    "Transport",
    "button_message",
    "list_message",
    "page_of",
    "parse_webhook",
    "parse_webhook_body",
    "text_message",
    "truncate",
    "verify_signature",
    "width",
]
