"""Taking evaluations from people directly: the WhatsApp quick-rating conversation.

:mod:`shopperkit.intake.whatsapp` reads signed Cloud API webhooks and writes outbound
messages; :mod:`shopperkit.intake.conversation` asks the quick form's questions one message
at a time and submits the evaluation. See ``docs/whatsapp.md``.
"""

from shopperkit.intake.conversation import (
    Conversation,
    ConversationState,
    ConversationStates,
    MemoryStates,
    Submit,
    SubmitOutcome,
)
from shopperkit.intake.whatsapp import (
    Choice,
    Inbound,
    RecordingTransport,
    Section,
    Transport,
    button_message,
    list_message,
    page_of,
    parse_webhook,
    parse_webhook_body,
    text_message,
    truncate,
    verify_signature,
)

__all__ = [
    "Choice",
    "Conversation",
    "ConversationState",
    "ConversationStates",
    "Inbound",
    "MemoryStates",
    "RecordingTransport",
    "Section",
    "Submit",
    "SubmitOutcome",
    "Transport",
    "button_message",
    "list_message",
    "page_of",
    "parse_webhook",
    "parse_webhook_body",
    "text_message",
    "truncate",
    "verify_signature",
]
