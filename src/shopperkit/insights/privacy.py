"""Keeping shoppers confidential in everything the bureau publishes.

- :class:`Pseudonymiser`: a shopper id becomes a keyed pseudonym (HMAC-SHA-256 with the
  programme's secret), stable for one secret and unlinkable without it.
- :func:`publishable`: a group with fewer than ``k`` evaluations or fewer than ``k`` distinct
  shoppers is withheld from published aggregates.
- :func:`redact` and :class:`Redactor`: names (after a title, and those of known people such
  as a centre's staff), shopper ids, pseudonyms, phone numbers and e-mail addresses are removed
  from free text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

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
    if isinstance(shoppers, int):
        distinct = shoppers
    else:
        distinct = len(shoppers if isinstance(shoppers, set | frozenset) else set(shoppers))
    return evaluations >= k and distinct >= k


@frozen
class Redaction:
    """Redacted text and how many of each kind of detail were removed."""

    text: str
    names: int = 0
    phones: int = 0
    emails: int = 0
    shoppers: int = 0


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


_PSEUDONYM = re.compile(rf"(?<!\w){re.escape(PSEUDONYM_PREFIX)}[0-9a-f]{{8,64}}(?!\w)", re.I)


def _alternation(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, as a trie: its cost grows with the
    length of the longest word, not with how many words there are."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


def _whole_words(words: Iterable[str]) -> re.Pattern[str] | None:
    """Any of ``words`` (case ignored) where it is not part of a longer word."""
    kept = {word.lower() for word in words if word.strip()}
    if not kept:
        return None
    return re.compile(rf"(?<!\w)(?:{_alternation(sorted(kept))})(?!\w)", re.IGNORECASE)


class Redactor:
    """Redacts free text, knowing the names of people (such as a centre's staff) and the
    ids of shoppers to remove wherever they appear; built once, used on many texts."""

    def __init__(self, known_names: Iterable[str] = (), shopper_ids: Iterable[str] = ()) -> None:
        self._names = _whole_words(known_names)
        self._shoppers = _whole_words(shopper_ids)

    def __call__(self, text: str) -> Redaction:
        """``text`` with e-mail addresses, shopper ids and pseudonyms, phone numbers and names
        replaced by ``[email]``, ``[shopper]``, ``[phone]`` and ``[name]``."""
        text, emails = _EMAIL.subn("[email]", text)
        text, shoppers = _PSEUDONYM.subn("[shopper]", text)
        if self._shoppers is not None:
            text, found = self._shoppers.subn("[shopper]", text)
            shoppers += found
        text, phones = _PHONE.subn("[phone]", text)
        text, names = _TITLED_NAME.subn("[name]", text)
        if self._names is not None:
            text, found = self._names.subn("[name]", text)
            names += found
        return Redaction(text=text, names=names, phones=phones, emails=emails, shoppers=shoppers)


def redact(
    text: str, known_names: Iterable[str] = (), shopper_ids: Iterable[str] = ()
) -> Redaction:
    """``text`` with e-mail addresses, phone numbers, names, shopper ids and pseudonyms
    replaced by placeholders.

    Names are found after a title (Mr, Dr, السيد, الموظفة, ...) and wherever one of
    ``known_names`` (say, the centre's staff list) appears; shopper ids wherever one of
    ``shopper_ids`` appears, and pseudonyms (``S-`` and hexadecimal digits) anywhere. Use a
    :class:`Redactor` to redact many texts with the same names and ids.
    """
    return Redactor(known_names, shopper_ids)(text)
