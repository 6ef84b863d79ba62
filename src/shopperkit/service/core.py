"""The service's state and the steps every entry point shares: who is asking (keys and
roles), how often (rate limits), reading a bounded JSON body, and receiving a submission."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import orjson
from attrs import frozen
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import SlidingWindowCounterRateLimiter

from shopperkit.errors import InputError
from shopperkit.registry import Registry
from shopperkit.scoring import Aggregates
from shopperkit.scoring.tallies import group_value
from shopperkit.service.intake import Intake, Problem
from shopperkit.service.settings import ServiceSettings
from shopperkit.service.writer import BatchWriter
from shopperkit.store import Store
from shopperkit.store.intake import ApiKey

AGGREGATES_TTL = 10.0
"""Seconds published aggregates are reused before being counted again."""


class ServiceError(InputError):
    """A request the service refuses, with the HTTP status that says why."""

    def __init__(
        self, status: int, code: str, params: Mapping[str, Any] | None = None, **kw: Any
    ) -> None:
        self.status = status
        super().__init__(code, params, **kw)


@frozen
class Outcome:
    """What a submission is answered with: the HTTP status and the body."""

    status: int
    body: Mapping[str, Any]
    replayed: bool = False


def json_depth_ok(data: Any, limit: int) -> bool:
    """Whether ``data`` nests arrays and objects at most ``limit`` deep (counted without
    recursion, so any depth is safe to check)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            items: Any = value.values()
        elif isinstance(value, list):
            items = value
        else:
            continue
        if depth > limit:
            return False
        stack.extend((item, depth + 1) for item in items)
    return True


class Service:
    """Everything the endpoints share for one programme: its :class:`Intake`, the store,
    the batch writer and the rate limiters."""

    def __init__(
        self, settings: ServiceSettings, store: Store, registry: Registry | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self.intake = Intake(registry or Registry(), settings.programme)
        self.programme = self.intake.programme
        self.writer = BatchWriter(store, self.programme.id, settings.batch)
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())
        self.limits = {
            "anonymous": parse(settings.anonymous_limit),
            "key": parse(settings.key_limit),
            "sender": parse(settings.sender_limit),
        }
        self._keys: dict[str, tuple[float, ApiKey | None]] = {}
        self._aggregates: dict[tuple[str, ...], tuple[float, dict[str, Any]]] = {}

    # Who is asking

    def key(self, secret: str | None) -> ApiKey | None:
        """The key of an ``X-API-Key`` header (None without one); an unknown or revoked key
        is ``key_invalid`` (401). Lookups are remembered for a few seconds."""
        if not secret:
            return None
        seen = self._keys.get(secret)
        if seen is None or seen[0] < time.monotonic():
            found = self.store.key(secret)
            if len(self._keys) > 10_000:
                self._keys.clear()
            seen = self._keys[secret] = (time.monotonic() + 5.0, found)
        if seen[1] is None:
            raise ServiceError(401, "key_invalid")
        return seen[1]

    def require(self, secret: str | None, role: str) -> ApiKey:
        """The key, which must have ``role`` (``key_required`` 401, ``key_role_missing``
        403)."""
        key = self.key(secret)
        if key is None:
            raise ServiceError(401, "key_required", {"role": role})
        if role not in key.roles:
            raise ServiceError(403, "key_role_missing", {"role": role})
        return key

    def limit(self, key: ApiKey | None, address: str, sender: str | None) -> None:
        """Count one submission against its limits: the key's (or, without one, the client
        address's) and the sender's; over either is ``rate_limited`` (429)."""
        if key is not None:
            if not self.limiter.hit(self.limits["key"], "key", key.name):
                raise ServiceError(429, "rate_limited", {"limit": self.settings.key_limit})
        elif not self.limiter.hit(self.limits["anonymous"], "address", address):
            raise ServiceError(429, "rate_limited", {"limit": self.settings.anonymous_limit})
        if sender is not None and not self.limiter.hit(self.limits["sender"], "sender", sender):
            raise ServiceError(429, "rate_limited", {"limit": self.settings.sender_limit})

    # Bodies

    def parse_body(self, body: bytes) -> Any:
        """A request body as JSON, within the size and depth bounds."""
        if len(body) > self.settings.max_body:
            raise ServiceError(413, "request_too_large", {"limit": self.settings.max_body})
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise ServiceError(400, "json_invalid", {"reason": str(error)}) from None
        if not json_depth_ok(data, self.settings.max_depth):
            raise ServiceError(400, "json_too_deep", {"limit": self.settings.max_depth})
        return data

    # Submissions

    async def receive(
        self,
        kind: str,
        submission: str | None,
        record: Any,
        language: str,
        *,
        key: ApiKey | None,
        address: str,
        channel: str | None = None,
        card: bool = False,
        text: bool = False,
    ) -> Outcome:
        """Check, limit and keep one submission (``evaluation`` or ``application``) under
        the client's ``submission`` id: 201 with the result when new, 200 with the first
        result for a retry, 422 with every problem when refused. With ``card`` an accepted
        evaluation's answer has its score card, with ``text`` the card as text too."""
        if not submission or len(submission) > 512:
            raise ServiceError(400, "submission_id_missing", {"limit": 512})
        sender = _sender(record, kind)
        self.limit(key, address, sender)
        if kind == "evaluation":
            checked = self.intake.check_evaluation(submission, record, language, channel, text=text)
        else:
            checked = self.intake.check_application(submission, record, language)
        if checked.submission is None:
            return Outcome(422, refused(submission, checked.problems))
        kept = await self.writer.keep(checked.submission)
        if kept.conflict:
            raise ServiceError(422, "submission_conflict", {"submission": submission})
        return Outcome(201 if kept.new else 200, kept.result, replayed=not kept.new)

    def aggregates(self, by: tuple[str, ...]) -> dict[str, Any]:
        """Published aggregates of the accepted evaluations grouped ``by``: a group with
        fewer than ``min_group`` evaluations or shoppers is withheld (counted in
        ``withheld``); no shopper appears. Groups are scored by the programme's
        ``aggregation``, as ``shopperkit score`` does: with ``pooled`` each summary also has
        the summed ``earned`` and ``possible`` points and the ``pooled`` score."""
        now = time.monotonic()
        cached = self._aggregates.get(by)
        if cached is not None and cached[0] > now:
            return cached[1]
        aggregation = self.programme.text("aggregation", "mean")
        tallies = Aggregates(by, shoppers=True, aggregation=aggregation)
        for data, result in self.store.submissions(self.programme.id, "evaluation"):
            score = result.get("score", {})
            group = tuple(group_value({**data, **score}, key) for key in by)
            scores = {**score.get("sections", {}), "overall": score.get("overall")}
            points = score.get("points")
            named = None if points is None else {**points["sections"], "overall": points["overall"]}
            tallies.add_scores(group, scores, str(data.get("shopper", "")), named)
        minimum = self.settings.min_group
        kept, withheld = [], 0
        for group in sorted(tallies.groups):
            named = tallies.groups[group]
            overall = named.get("overall")
            if overall is None or overall.count < minimum or len(overall.shoppers or ()) < minimum:
                withheld += 1
                continue
            kept.append(
                {
                    "key": dict(zip(by, group, strict=True)),
                    "overall": overall.summary(aggregation),
                    "sections": {
                        name: tally.summary(aggregation)
                        for name, tally in sorted(named.items())
                        if name != "overall" and tally.count >= minimum
                    },
                }
            )
        document = {
            "programme": self.programme.id,
            "by": list(by),
            "min_group": minimum,
            "aggregation": aggregation,
            "groups": kept,
            "withheld": withheld,
        }
        self._aggregates[by] = (now + AGGREGATES_TTL, document)
        return document


def refused(submission: str | None, problems: tuple[Problem, ...]) -> dict[str, Any]:
    """The body of a refused submission: every problem with its code, JSON path and
    message."""
    return {
        "submission": submission,
        "status": "refused",
        "problems": [{"code": p.code, "where": p.where, "message": p.message} for p in problems],
    }


def _sender(record: Any, kind: str) -> str | None:
    if not isinstance(record, dict):
        return None
    value = record.get("shopper" if kind == "evaluation" else "id")
    return value if isinstance(value, str) else None
