"""What the service receives, kept in the store: submissions (each once per client-chosen id),
the API keys it accepts (hashed, with roles) and where each chat conversation stands."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import orjson
from attrs import frozen
from sqlalchemy import Table, delete, insert, select, update

from shopperkit.errors import InputError
from shopperkit.store.database import chunks, now
from shopperkit.store.tables import ApiKeyRow, ConversationRow, SubmissionRow

if TYPE_CHECKING:
    from shopperkit.store.database import Database

SUBMISSIONS = cast(Table, SubmissionRow.__table__)

ROLES = ("officer", "app")
"""Roles a key can have: ``officer`` reads what was received; ``app`` submits for an app
(its own rate limit instead of the anonymous one)."""

KEY_PREFIX = "sk_"


@frozen
class Submission:
    """One accepted submission to keep: its client-chosen id, what it is (``evaluation`` or
    ``application``), the record's id, form and channel, the submitter's language, the record
    as checked and the result it is answered with."""

    submission: str
    kind: str
    record: str
    form: str
    channel: str
    language: str
    data: Mapping[str, Any]
    result: Mapping[str, Any]


@frozen
class Kept:
    """What keeping a submission did: the result it is answered with (the first one kept for
    its id), whether it was new (``False``: a retry of one already kept) and, for a retry,
    whether it carried other data than the first (``conflict``: the id was reused)."""

    result: Mapping[str, Any]
    new: bool
    conflict: bool = False


@frozen
class ApiKey:
    """A key the service knows, without its secret."""

    name: str
    roles: tuple[str, ...]
    revoked: bool


def key_digest(secret: str) -> str:
    """The SHA-256 a key's secret is kept as (secrets are long and random, so a plain hash
    is enough: no one can guess one from its digest)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _json(data: Any) -> str:
    return orjson.dumps(data).decode("utf-8")


class IntakeRecords:
    """The intake half of :class:`~shopperkit.store.Store` (mixed in; uses its ``database``)."""

    database: Database

    # Submissions

    def keep_submissions(self, programme: str, items: Sequence[Submission]) -> list[Kept]:
        """Keep each submission once, in one transaction: a submission id already kept (or
        repeated in ``items``) is not kept again and answers with the first result."""
        kept: list[Kept] = []
        with self.database.writing() as session:
            by_kind: dict[str, set[str]] = {}
            for item in items:
                by_kind.setdefault(item.kind, set()).add(item.submission)
            known: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
            for kind, ids in by_kind.items():
                for chunk in chunks(sorted(ids)):
                    rows = session.execute(
                        select(
                            SubmissionRow.submission, SubmissionRow.result, SubmissionRow.data
                        ).where(
                            SubmissionRow.programme == programme,
                            SubmissionRow.kind == kind,
                            SubmissionRow.submission.in_(chunk),
                        )
                    )
                    for submission, stored, first in rows:
                        known[kind, submission] = (orjson.loads(stored), first)
            at, who = now(), self.database.who
            new_rows: list[dict[str, Any]] = []
            for item in items:
                key = (item.kind, item.submission)
                data = _json(item.data)
                if key in known:
                    result, first = known[key]
                    kept.append(Kept(result, new=False, conflict=first != data))
                    continue
                known[key] = (item.result, data)
                kept.append(Kept(item.result, new=True))
                new_rows.append(
                    {
                        "programme": programme,
                        "kind": item.kind,
                        "submission": item.submission,
                        "record": item.record,
                        "form": item.form,
                        "channel": item.channel,
                        "language": item.language,
                        "data": data,
                        "result": _json(item.result),
                        "recorded_by": who,
                        "recorded_at": at,
                    }
                )
            if new_rows:  # one many-row insert, below the ORM's bookkeeping
                session.connection().execute(insert(SUBMISSIONS), new_rows)
        return kept

    def submission(self, programme: str, kind: str, submission: str) -> Mapping[str, Any] | None:
        """The result a kept submission was answered with (None when none is kept)."""
        with self.database.reading() as session:
            result = session.scalar(
                select(SubmissionRow.result).where(
                    SubmissionRow.programme == programme,
                    SubmissionRow.kind == kind,
                    SubmissionRow.submission == submission,
                )
            )
        return None if result is None else orjson.loads(result)

    def submissions(
        self, programme: str, kind: str, form: str | None = None
    ) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        """Every kept submission of ``kind`` (of ``form`` when given), in the order kept: the
        record and its result."""
        query = select(SubmissionRow.data, SubmissionRow.result).where(
            SubmissionRow.programme == programme, SubmissionRow.kind == kind
        )
        if form is not None:
            query = query.where(SubmissionRow.form == form)
        with self.database.reading() as session:
            for data, result in session.execute(query.order_by(SubmissionRow.seq)):
                yield orjson.loads(data), orjson.loads(result)

    # API keys

    def create_key(self, name: str, roles: Sequence[str]) -> str:
        """A new key named ``name`` with ``roles``; returns its secret, which is shown only
        now (the store keeps its digest)."""
        unknown = [role for role in roles if role not in ROLES]
        if unknown or not roles:
            raise InputError("key_role_unknown", {"role": ", ".join(unknown), "known": ROLES})
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        with self.database.writing() as session:
            if session.get(ApiKeyRow, name) is not None:
                raise InputError("key_exists", {"name": name})
            session.add(
                ApiKeyRow(
                    name=name,
                    digest=key_digest(secret),
                    roles=_json(sorted(set(roles))),
                    recorded_by=self.database.who,
                    recorded_at=now(),
                )
            )
        return secret

    def key(self, secret: str) -> ApiKey | None:
        """The key whose secret this is, unless unknown or revoked."""
        digest = key_digest(secret)
        with self.database.reading() as session:
            row = session.execute(
                select(ApiKeyRow.name, ApiKeyRow.digest, ApiKeyRow.roles).where(
                    ApiKeyRow.digest == digest, ApiKeyRow.revoked_at.is_(None)
                )
            ).first()
        if row is None or not hmac.compare_digest(row.digest, digest):
            return None
        return ApiKey(row.name, tuple(orjson.loads(row.roles)), revoked=False)

    def api_keys(self) -> list[ApiKey]:
        """Every key, revoked ones too, by name."""
        with self.database.reading() as session:
            rows = session.execute(select(ApiKeyRow).order_by(ApiKeyRow.name)).scalars()
            return [
                ApiKey(row.name, tuple(orjson.loads(row.roles)), row.revoked_at is not None)
                for row in rows
            ]

    def revoke_key(self, name: str) -> None:
        """Stop accepting the key ``name`` (kept, marked revoked)."""
        with self.database.writing() as session:
            changed = session.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.name == name, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=now())
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                raise InputError("key_unknown", {"name": name})

    # Conversations

    def conversation(self, sender: str) -> Mapping[str, Any] | None:
        """Where the conversation with ``sender`` (a pseudonym) stands, if it is going on."""
        with self.database.reading() as session:
            state = session.scalar(
                select(ConversationRow.state).where(ConversationRow.sender == sender)
            )
        return None if state is None else orjson.loads(state)

    def save_conversation(self, sender: str, state: Mapping[str, Any]) -> None:
        """Keep where the conversation with ``sender`` stands (replacing what was kept)."""
        with self.database.writing() as session:
            row = session.get(ConversationRow, sender)
            if row is None:
                session.add(ConversationRow(sender=sender, state=_json(state), updated_at=now()))
            else:
                row.state, row.updated_at = _json(state), now()

    def drop_conversation(self, sender: str) -> None:
        """Forget the conversation with ``sender``."""
        with self.database.writing() as session:
            session.execute(delete(ConversationRow).where(ConversationRow.sender == sender))
