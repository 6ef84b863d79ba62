"""The store's tables (SQLAlchemy 2, typed). Their history is in ``migrations/``.

Records whose shape is the library's own model keep that model's JSON (``data``, written
by the one cattrs converter) beside the columns queries need, so what goes in comes out
exactly. Lifecycle events and status changes are append-only: rows are added, never
changed, each with who recorded it and when.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

Id = String(512)
"""Ids are data of any length a file allows, up to 512 characters."""
Serial = BigInteger().with_variant(Integer(), "sqlite")
"""An increasing row number: SQLite's rowid, PostgreSQL's bigint identity."""


class Base(DeclarativeBase):
    """Every table of the store."""


class ProgrammeVersion(Base):
    """A programme file as used: its id, the SHA-256 of its text, and the text."""

    __tablename__ = "programme_versions"

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    programme: Mapped[str] = mapped_column(Id)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventRow(Base):
    """One lifecycle event, in log order (``seq``)."""

    __tablename__ = "events"
    __table_args__ = (Index("events_by_person", "person", "seq"),)

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(Id, unique=True)
    person: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(64))
    at: Mapped[date] = mapped_column(Date)
    data: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StatusRow(Base):
    """One change of a recommendation's status, in order (``seq``)."""

    __tablename__ = "status_changes"
    __table_args__ = (Index("status_by_recommendation", "recommendation", "seq"),)

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    recommendation: Mapped[str] = mapped_column(Id)
    status: Mapped[str] = mapped_column(String(64))
    on: Mapped[date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(Id)
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class FollowupRow(Base):
    """One verdict of a recommendation's follow-up, in order (``seq``), with its evidence
    (``data``: the :class:`~shopperkit.insights.followup.Verdict`); since 0004 also the
    follow-up it judged (``item``: the :class:`~shopperkit.insights.followup.Followup`), its
    finders (a JSON list of shopper ids) and the last day of the scores it saw (``until``),
    each null in rows kept before."""

    __tablename__ = "followup_verdicts"
    __table_args__ = (Index("followups_by_recommendation", "recommendation", "seq"),)

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    recommendation: Mapped[str] = mapped_column(Id)
    verdict: Mapped[str] = mapped_column(String(64))
    on: Mapped[date] = mapped_column(Date)
    data: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    item: Mapped[str | None] = mapped_column(Text, nullable=True)
    finders: Mapped[str | None] = mapped_column(Text, nullable=True)
    until: Mapped[date | None] = mapped_column(Date, nullable=True)


class DrawRow(Base):
    """A cohort draw: its name, the waitlist in order and the replacements made."""

    __tablename__ = "draws"

    name: Mapped[str] = mapped_column(Id, primary_key=True)
    waitlist: Mapped[list[str]] = mapped_column(JSON)
    replacements: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DrawFile(Base):
    """One published file of a draw, byte for byte, with its SHA-256."""

    __tablename__ = "draw_files"

    draw: Mapped[str] = mapped_column(
        Id, ForeignKey("draws.name", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class VisitRow(Base):
    """A visit planned by ``assign`` or made, for spacing, lockout and load across periods;
    ``followup`` names the recommendation whose follow-up it serves (since 0004)."""

    __tablename__ = "visits"
    __table_args__ = (
        Index("visits_by_shopper", "shopper", "day"),
        Index("visits_by_centre", "centre", "day"),
        Index("visits_by_followup", "followup", "day"),
    )

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    shopper: Mapped[str] = mapped_column(Id)
    centre: Mapped[str] = mapped_column(Id)
    day: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16))
    data: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    followup: Mapped[str | None] = mapped_column(Id, nullable=True)


class Document(Base):
    """A file brought in by ``import``, byte for byte, with its SHA-256: exported as it came."""

    __tablename__ = "documents"

    name: Mapped[str] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RecordRow(Base):
    """One record of an imported document (an applicant, verdict, interview score, outcome,
    evaluation, rejected evaluation, score or pool candidate), as the library's JSON, in the
    document's order; ``key`` is its id where it has one, for queries."""

    __tablename__ = "records"
    __table_args__ = (Index("records_by_key", "kind", "key"),)

    document: Mapped[str] = mapped_column(
        Id, ForeignKey("documents.name", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    key: Mapped[str | None] = mapped_column(Id, nullable=True)
    data: Mapped[str] = mapped_column(Text)


class SubmissionRow(Base):
    """An evaluation or an application received by the service, kept once per client-chosen
    ``submission`` id (a retry finds the row and gets the same ``result``).

    ``data`` is the record as checked (JSON), ``result`` what it was answered with: the
    score record of an evaluation, the verdict of an application.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("programme", "kind", "submission", name="submissions_once"),
        Index("submissions_by_form", "programme", "kind", "form", "seq"),
    )

    seq: Mapped[int] = mapped_column(Serial, primary_key=True, autoincrement=True)
    programme: Mapped[str] = mapped_column(Id)
    kind: Mapped[str] = mapped_column(String(16))
    submission: Mapped[str] = mapped_column(Id)
    record: Mapped[str] = mapped_column(Id)
    form: Mapped[str] = mapped_column(Id)
    channel: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    data: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiKeyRow(Base):
    """A key the service accepts: its name, the SHA-256 of its secret (never the secret),
    its roles, and when it was revoked."""

    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(Id, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    roles: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(Id)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ConversationRow(Base):
    """Where one chat conversation stands, by the sender's pseudonym (never a number)."""

    __tablename__ = "conversations"

    sender: Mapped[str] = mapped_column(Id, primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
