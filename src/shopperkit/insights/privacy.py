"""Keeping shoppers confidential in everything the bureau publishes.

- :class:`Pseudonymiser`: a shopper id becomes a keyed pseudonym (HMAC-SHA-256 with the
  programme's secret), stable for one secret and unlinkable without it.
- :func:`publishable`: a group with fewer than ``k`` evaluations or fewer than ``k`` distinct
  shoppers is withheld from published aggregates.
- :func:`redact`: names, phone numbers and e-mail addresses are removed from free text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

from attrs import frozen

PSEUDONYM_PREFIX = "S-"


class Pseudonymiser:
    """Keyed pseudonyms for shopper ids: the same id and secret always give the same one."""

    def __init__(self, secret: bytes, *, length: int = 16) -> None:
        if len(secret) < 16:
            raise ValueError("the pseudonym secret must be at least 16 bytes")
        self._secret = secret
        self._length = length
        self._made: dict[str, str] = {}

    def __call__(self, shopper_id: str) -> str:
        """The pseudonym of ``shopper_id``."""
        made = self._made.get(shopper_id)
        if made is None:
            digest = hmac.new(self._secret, shopper_id.encode("utf-8"), hashlib.sha256)
            made = self._made[shopper_id] = PSEUDONYM_PREFIX + digest.hexdigest()[: self._length]
        return made


def publishable(evaluations: int, shoppers: Iterable[str] | int, k: int) -> bool:
    """Whether a group may be published: at least ``k`` evaluations and ``k`` distinct shoppers."""
    distinct = shoppers if isinstance(shoppers, int) else len(set(shoppers))
    return evaluations >= k and distinct >= k


@frozen
class Redaction:
    """Redacted text and how many of each kind of detail were removed."""

    text: str
    names: int = 0
    phones: int = 0
    emails: int = 0


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven or more digits, optionally with a leading +, spaces, dots, dashes or brackets between
# them; Arabic-Indic and Eastern Arabic-Indic digits count as digits.
_DIGIT = r"[0-9\u0660-\u0669\u06f0-\u06f9]"
_PHONE = re.compile(rf"(?<![\w])\+?{_DIGIT}(?:[\s().-]*{_DIGIT}){{6,}}(?![\w])")
_TITLED_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Eng|Sheikh|Sheikha)\.?\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?"
    r"|(?:السيد|السيدة|الأستاذ|الأستاذة|الموظف|الموظفة|الدكتور|الدكتورة|المهندس|المهندسة)"
    r"\s+[\u0621-\u064a]+"
)


def redact(text: str, known_names: Iterable[str] = ()) -> Redaction:
    """``text`` with e-mail addresses, phone numbers and names replaced by placeholders.

    Names are found after a title (Mr, Dr, السيد, الموظفة, ...) and wherever one of
    ``known_names`` (say, the centre's staff list) appears.
    """
    text, emails = _EMAIL.subn("[email]", text)
    text, phones = _PHONE.subn("[phone]", text)
    text, names = _TITLED_NAME.subn("[name]", text)
    for name in sorted({n for n in known_names if n.strip()}, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        text, found = pattern.subn("[name]", text)
        names += found
    return Redaction(text=text, names=names, phones=phones, emails=emails)
