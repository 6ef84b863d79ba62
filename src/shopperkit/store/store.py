"""The store's operations: each one transaction, calling the library's stage code.

The library decides (the lifecycle's transitions, the recommendation statuses, a draw's
replacement); the store keeps what was decided, so every change is checked against what
every earlier writer committed and is written whole or not at all.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, MutableSet, Sequence
from datetime import date
from pathlib import Path
from typing import Any, cast

import orjson
from sqlalchemy import Date, DateTime, Table, delete, func, insert, select
from sqlalchemy.orm import Session

from shopperkit.assignment.model import Booked, Period, Visit
from shopperkit.errors import InputError
from shopperkit.insights.followup import (
    Followup,
    FollowupPolicy,
    FollowupState,
    FollowupTarget,
    KeptVerdict,
    Verdict,
    followup_states,
    kept_targets,
    planned_counts,
)
from shopperkit.insights.recommendations import OPEN, StatusChange, current_status
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.draws import draw_texts, read_draw, result_texts
from shopperkit.io.files import json_bytes
from shopperkit.lifecycle import Event, Ledger, Lifecycle, PersonRecord, Replace, apply
from shopperkit.lifecycle.responsibilities import no_replacement
from shopperkit.model.services import Directory
from shopperkit.selection.drawing import Draw, Waitlist
from shopperkit.store.database import Database, chunks, now
from shopperkit.store.intake import IntakeRecords
from shopperkit.store.tables import (
    Document,
    DrawFile,
    DrawRow,
    EventRow,
    FollowupRow,
    ProgrammeVersion,
    RecordRow,
    StatusRow,
    VisitRow,
)

RECORDS = cast(Table, RecordRow.__table__)
VISITS = cast(Table, VisitRow.__table__)
Keyed = Sequence[tuple[str | None, Any]]
"""A document's records in order, each with its key (see :mod:`shopperkit.io.records`)."""


def _event(row: Any) -> Event:
    return Event(row.id, row.person, row.kind, row.at, orjson.loads(row.data))


def _data_text(data: Any, where: str) -> str:
    try:
        return json_bytes(data).decode("utf-8")
    except TypeError as error:
        raise InputError("schema_violation", {"reason": str(error)}, where=where) from None


def sha256(content: bytes) -> str:
    """The SHA-256 of ``content`` in hexadecimal."""
    return hashlib.sha256(content).hexdigest()


class _StoredRecords(MutableMapping[str, PersonRecord]):
    """People's records, folded from their stored events the first time each is asked for."""

    def __init__(self, session: Session, lifecycle: Lifecycle) -> None:
        self.session = session
        self.lifecycle = lifecycle
        self.known: dict[str, PersonRecord | None] = {}

    def load(self, people: Iterable[str]) -> None:
        """Fold the stored events of every one of ``people`` not loaded yet, a query for
        each :data:`CHUNK` of them."""
        missing = sorted({person for person in people if person not in self.known})
        for chunk in chunks(missing):
            query = select(EventRow).where(EventRow.person.in_(chunk)).order_by(EventRow.seq)
            folded = self.lifecycle.fold([_event(row) for row in self.session.scalars(query)])
            for person in chunk:
                self.known[person] = folded.get(person)

    def __getitem__(self, person: str) -> PersonRecord:
        if person not in self.known:
            self.load([person])
        found = self.known[person]
        if found is None:
            raise KeyError(person)
        return found

    def __setitem__(self, person: str, record: PersonRecord) -> None:
        self.known[person] = record

    def __delitem__(self, person: str) -> None:
        self.known[person] = None

    def __iter__(self) -> Iterator[str]:
        return (person for person, record in self.known.items() if record is not None)

    def __len__(self) -> int:
        return sum(record is not None for record in self.known.values())


class _StoredIds(MutableSet[str]):
    """Event ids: those in the store (asked for once per chunk) and those added since."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.present: set[str] = set()
        self.asked: set[str] = set()

    def load(self, ids: Iterable[str]) -> None:
        """Learn which of ``ids`` the store holds, a query for each :data:`CHUNK`."""
        missing = sorted({event_id for event_id in ids if event_id not in self.asked})
        for chunk in chunks(missing):
            self.present.update(
                self.session.scalars(select(EventRow.id).where(EventRow.id.in_(chunk)))
            )
            self.asked.update(chunk)

    def __contains__(self, event_id: object) -> bool:
        if not isinstance(event_id, str):
            return False
        if event_id not in self.asked:
            self.load([event_id])
        return event_id in self.present

    def add(self, event_id: str) -> None:
        self.asked.add(event_id)
        self.present.add(event_id)

    def discard(self, event_id: str) -> None:
        self.present.discard(event_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self.present)

    def __len__(self) -> int:
        return len(self.present)


class Store(IntakeRecords):
    """The programme's system of record at ``url`` (see :class:`Database`); what the service
    receives is kept through the methods of :class:`~shopperkit.store.intake.IntakeRecords`."""

    def __init__(self, url: str, *, who: str | None = None, check: bool = True) -> None:
        self.database = Database(url, who=who)
        if check:
            self.database.check_version()

    @property
    def who(self) -> str:
        """Who is recorded as writing."""
        return self.database.who

    def close(self) -> None:
        """Close the store's connections."""
        self.database.close()

    # Programmes

    def record_programme(self, programme: str, text: str) -> str:
        """Keep the programme file's text as used; returns its SHA-256 (kept once)."""
        digest = sha256(text.encode("utf-8"))
        with self.database.writing() as session:
            known = session.scalar(
                select(ProgrammeVersion.seq).where(ProgrammeVersion.sha256 == digest)
            )
            if known is None:
                session.add(
                    ProgrammeVersion(
                        programme=programme,
                        sha256=digest,
                        text=text,
                        recorded_by=self.who,
                        recorded_at=now(),
                    )
                )
        return digest

    def programme_versions(self) -> list[tuple[str, str]]:
        """Every programme version kept, oldest first, as ``(programme, sha256)``."""
        with self.database.reading() as session:
            query = select(ProgrammeVersion.programme, ProgrammeVersion.sha256).order_by(
                ProgrammeVersion.seq
            )
            return [(row.programme, row.sha256) for row in session.execute(query)]

    # Lifecycle events

    def record_events(
        self,
        lifecycle: Lifecycle,
        events: Iterable[Event],
        replace: Replace | None = None,
        *,
        draw: str | None = None,
    ) -> list[Event]:
        """Record ``events`` in order with the events they cause (see
        :meth:`~shopperkit.lifecycle.Lifecycle.record`), checked against every person's
        state as committed; returns what was added. Replacements come from ``replace``, or
        from the stored draw named ``draw`` (which is then updated in the same
        transaction). One event refused and nothing is written, the draw included.
        """
        new = list(events)
        with self.database.writing() as session:
            records = _StoredRecords(session, lifecycle)
            ids = _StoredIds(session)
            records.load(event.person for event in new)
            ids.load(event.id for event in new)
            replacements = _DrawReplacements(session, draw) if draw else None
            ledger = Ledger(lifecycle, records=records, ids=ids)
            for event in new:
                ledger.record(event, replacements or replace or no_replacement)
            self._insert_events(session, ledger.added)
            if replacements is not None:
                replacements.save()
            return ledger.added

    def import_events(self, lifecycle: Lifecycle, events: Sequence[Event]) -> int:
        """Add a whole log as it is (caused events included), after checking that it
        continues every person's stored history; returns how many were added."""
        with self.database.writing() as session:
            ids = _StoredIds(session)
            ids.load(event.id for event in events)
            seen: set[str] = set()
            for event in events:
                if event.id in ids or event.id in seen:
                    raise InputError(
                        "duplicate_id",
                        {"id": event.id, "first": "the store"},
                        where=f"event {event.id}",
                    )
                seen.add(event.id)
            records = _StoredRecords(session, lifecycle)
            records.load(event.person for event in events)
            for event in events:
                before = records.get(event.person) or PersonRecord(event.person)
                records[event.person] = apply(before, event, lifecycle.duties)
            self._insert_events(session, events)
        return len(events)

    def _insert_events(self, session: Session, events: Sequence[Event]) -> None:
        if not events:
            return
        connection = session.connection()
        day, stamp = Date().bind_processor(connection.dialect), now()
        stamped = DateTime(timezone=True).bind_processor(connection.dialect)
        recorded_at = stamped(stamp) if stamped else stamp
        rows = [
            (
                event.id,
                event.person,
                event.kind,
                day(event.at) if day else event.at,
                _data_text(event.data, f"event {event.id}"),
                self.who,
                recorded_at,
            )
            for event in events
        ]
        # The driver's own many-row insert, values converted once as the column types say:
        # the statement layers above look at each row again.
        mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
        columns = "id, person, kind, at, data, recorded_by, recorded_at"
        connection.exec_driver_sql(
            f"INSERT INTO events ({columns}) VALUES ({', '.join([mark] * 7)})", rows
        )

    def events(self) -> list[Event]:
        """The whole lifecycle log, in order."""
        with self.database.reading() as session:
            return [_event(row) for row in session.scalars(select(EventRow).order_by(EventRow.seq))]

    def history(self, person: str) -> list[Event]:
        """One person's events, in order (an index lookup, however long the log)."""
        with self.database.reading() as session:
            query = select(EventRow).where(EventRow.person == person).order_by(EventRow.seq)
            return [_event(row) for row in session.scalars(query)]

    def count_events(self) -> int:
        """How many events the log holds."""
        with self.database.reading() as session:
            return session.scalar(select(func.count()).select_from(EventRow)) or 0

    # Recommendation statuses

    def set_status(self, change: StatusChange) -> None:
        """Record a change of a recommendation's status, checked against its committed
        history (a second ``done`` is refused with ``status_transition_refused``)."""
        with self.database.writing() as session:
            query = select(StatusRow).where(StatusRow.recommendation == change.recommendation)
            before = [_status(row) for row in session.scalars(query.order_by(StatusRow.seq))]
            current_status([*before, change])
            self._insert_statuses(session, [change])

    def import_statuses(self, changes: Sequence[StatusChange]) -> int:
        """Add a status log as it is, after checking it continues the stored one."""
        with self.database.writing() as session:
            stored = [
                _status(row) for row in session.scalars(select(StatusRow).order_by(StatusRow.seq))
            ]
            current_status([*stored, *changes])
            self._insert_statuses(session, changes)
        return len(changes)

    def _insert_statuses(self, session: Session, changes: Sequence[StatusChange]) -> None:
        stamp = now()
        if changes:
            session.execute(
                insert(StatusRow),
                [
                    {
                        "recommendation": c.recommendation,
                        "status": c.status,
                        "on": c.on,
                        "by": c.by,
                        "note": c.note,
                        "recorded_by": self.who,
                        "recorded_at": stamp,
                    }
                    for c in changes
                ],
            )

    def status_changes(self) -> list[StatusChange]:
        """Every recorded status change, in order."""
        with self.database.reading() as session:
            return [
                _status(row) for row in session.scalars(select(StatusRow).order_by(StatusRow.seq))
            ]

    # Follow-ups

    def record_verdicts(
        self,
        verdicts: Sequence[Verdict],
        on: date,
        items: Sequence[Followup] = (),
        finders: Mapping[str, Sequence[str]] | None = None,
        until: date | None = None,
    ) -> int:
        """Keep follow-up verdicts, reached ``on``, with their evidence in each
        recommendation's history; with each, the follow-up it judged (among ``items``), its
        ``finders`` (by recommendation: the shoppers whose visits made the finding) and the
        last day of the scores it saw (``until``), which ``assign`` schedules the repeat
        visits from (:meth:`followup_targets`; a verdict kept without its follow-up gives
        no targets, one without finders keeps no shopper off). A recommendation the status
        log does not show accepted or done is refused (``followup_not_taken_up``), and then
        nothing is kept."""
        judged = {item.recommendation: item for item in items}
        found = finders or {}
        with self.database.writing() as session:
            stored = [
                _status(row) for row in session.scalars(select(StatusRow).order_by(StatusRow.seq))
            ]
            status = current_status(stored)
            for verdict in verdicts:
                if status.get(verdict.recommendation, OPEN) == OPEN:
                    raise InputError("followup_not_taken_up", {"id": verdict.recommendation})
            stamp = now()
            rows = []
            for v in verdicts:
                item = judged.get(v.recommendation)
                who = found.get(v.recommendation)
                rows.append(
                    {
                        "recommendation": v.recommendation,
                        "verdict": v.verdict,
                        "on": on,
                        "data": json_bytes(to_data(v)).decode("utf-8"),
                        "recorded_by": self.who,
                        "recorded_at": stamp,
                        "item": None if item is None else json_bytes(to_data(item)).decode(),
                        "finders": None if who is None else json_bytes(sorted(who)).decode(),
                        "until": until,
                    }
                )
            if rows:
                session.execute(insert(FollowupRow), rows)
        return len(verdicts)

    def kept_verdicts(self, recommendation: str | None = None) -> list[KeptVerdict]:
        """Every kept verdict (with ``recommendation``, only its own) with the day it was
        reached and, where kept with it, its follow-up, finders and last day of scores, in
        the order kept."""
        with self.database.reading() as session:
            query = select(FollowupRow)
            if recommendation is not None:
                query = query.where(FollowupRow.recommendation == recommendation)
            return [
                KeptVerdict(
                    on=row.on,
                    verdict=from_data(Verdict, orjson.loads(row.data)),
                    item=None if row.item is None else from_data(Followup, orjson.loads(row.item)),
                    finders=tuple(orjson.loads(row.finders)) if row.finders else (),
                    until=row.until,
                )
                for row in session.scalars(query.order_by(FollowupRow.seq))
            ]

    def followup_history(self, recommendation: str | None = None) -> list[tuple[date, Verdict]]:
        """Every kept verdict (with ``recommendation``, only its own) and the day it was
        reached, in the order kept."""
        return [(kept.on, kept.verdict) for kept in self.kept_verdicts(recommendation)]

    def followup_visits(self) -> list[tuple[str, date]]:
        """The recommendation and day of every visit planned for a follow-up, by day."""
        with self.database.reading() as session:
            query = (
                select(VisitRow.followup, VisitRow.day)
                .where(VisitRow.followup.is_not(None), VisitRow.state == "planned")
                .order_by(VisitRow.day, VisitRow.seq)
            )
            return [(str(row.followup), row.day) for row in session.execute(query)]

    def followup_targets(
        self, directory: Directory, period: Period, policy: FollowupPolicy | None = None
    ) -> list[FollowupTarget]:
        """The coverage targets for the repeat visits the kept follow-ups still need in
        ``period``, less those already planned (see
        :func:`~shopperkit.insights.followup.kept_targets`); pass them to ``assign`` with
        :func:`~shopperkit.insights.followup.with_followups`, and the schedule's visits to
        :meth:`add_visits` with the follow-ups they serve."""
        kept = self.kept_verdicts()
        return kept_targets(kept, self.followup_visits(), directory, period, policy)

    def followup_states(self) -> list[FollowupState]:
        """Where each recommendation taken up stands (see
        :func:`~shopperkit.insights.followup.followup_states`), counting the repeat visits
        planned for it that its latest verdict has not counted yet."""
        kept = self.kept_verdicts()
        planned = planned_counts(kept, self.followup_visits())
        pairs = [(found.on, found.verdict) for found in kept]
        return followup_states(self.status_changes(), pairs, planned)

    # Draws

    def save_draw(self, name: str, drawn: Draw, *, replace: bool = False) -> None:
        """Keep every published file of ``drawn`` under ``name``, byte for byte with its
        SHA-256; a name already kept is refused (``draw_exists``) unless ``replace``."""
        texts = draw_texts(drawn)
        with self.database.writing() as session:
            if session.get(DrawRow, name) is not None:
                if not replace:
                    raise InputError("draw_exists", {"name": name})
                session.execute(delete(DrawFile).where(DrawFile.draw == name))
                session.execute(delete(DrawRow).where(DrawRow.name == name))
            _put_draw(
                session, name, drawn, {k: v.encode("utf-8") for k, v in texts.items()}, self.who
            )

    def import_draw(self, name: str, folder: Path) -> Draw:
        """Keep the draw published in ``folder`` under ``name``, its files byte for byte."""
        drawn = read_draw(folder)
        files = {
            path.name: path.read_bytes()
            for path in sorted(folder.iterdir())
            if path.is_file() and not path.name.startswith(".")
        }
        with self.database.writing() as session:
            if session.get(DrawRow, name) is not None:
                raise InputError("draw_exists", {"name": name})
            _put_draw(session, name, drawn, files, self.who)
        return drawn

    def replace_member(self, name: str, withdrawn: str, reason: str | None = None) -> Draw:
        """Give the seat of ``withdrawn`` in the stored draw ``name`` to the first on its
        waitlist who keeps every quota, in one transaction; returns the draw as it is now."""
        with self.database.writing() as session:
            replacements = _DrawReplacements(session, name)
            replacements.take(withdrawn, reason)
            replacements.save()
            return replacements.drawn

    def draw_files(self, name: str) -> dict[str, bytes]:
        """The published files of the draw ``name``, by file name."""
        with self.database.reading() as session:
            return _draw_files(session, name)

    def draws(self) -> list[str]:
        """The names of the draws kept."""
        with self.database.reading() as session:
            return list(session.scalars(select(DrawRow.name).order_by(DrawRow.name)))

    # Visits

    def add_visits(
        self,
        visits: Iterable[Visit | Booked],
        state: str = "planned",
        serves: Mapping[int, str] | None = None,
    ) -> int:
        """Keep visits, in one transaction: ``planned`` (a schedule's :class:`Visit`) or
        ``made`` (a :class:`Booked`: who went where, on which day). ``serves`` names the
        recommendation whose follow-up a schedule's target serves, by target number (see
        :func:`~shopperkit.insights.followup.with_followups`): its visits are kept as such."""
        stamp = now()
        serving = serves or {}
        rows = [
            {
                "shopper": visit.shopper,
                "centre": visit.centre,
                "day": visit.day,
                "state": state,
                "data": _data_text(to_data(visit), f"visit of {visit.shopper}"),
                "recorded_by": self.who,
                "recorded_at": stamp,
                "followup": serving.get(visit.target) if isinstance(visit, Visit) else None,
            }
            for visit in visits
        ]
        with self.database.writing() as session:
            if rows:
                session.connection().execute(insert(VISITS), rows)
        return len(rows)

    def visits(self, since: date, until: date, state: str | None = None) -> list[Booked]:
        """Who went or goes where, on which day, from ``since`` to ``until`` (inclusive), by
        day: every visit kept, or those in ``state`` (``planned`` or ``made``)."""
        with self.database.reading() as session:
            query = select(VisitRow.shopper, VisitRow.centre, VisitRow.day).where(
                VisitRow.day >= since, VisitRow.day <= until
            )
            if state is not None:
                query = query.where(VisitRow.state == state)
            rows = session.execute(query.order_by(VisitRow.day, VisitRow.seq))
            return [Booked(row.shopper, row.centre, row.day) for row in rows]

    # Documents

    def import_document(self, name: str, kind: str, content: bytes, records: Keyed) -> None:
        """Keep a file as it came (``name``, of ``kind``) and its records, each with its key;
        a name already kept is refused (``document_exists``)."""
        self.import_documents([(name, kind, content, records)])

    def import_documents(self, documents: Sequence[tuple[str, str, bytes, Keyed]]) -> None:
        """Keep several files (see :meth:`import_document`) in one transaction."""
        stamp = now()
        with self.database.writing() as session:
            for name, kind, content, records in documents:
                if session.get(Document, name) is not None:
                    raise InputError("document_exists", {"name": name})
                session.add(
                    Document(
                        name=name,
                        kind=kind,
                        sha256=sha256(content),
                        content=content,
                        recorded_by=self.who,
                        recorded_at=stamp,
                    )
                )
                session.flush()
                rows = [
                    {
                        "document": name,
                        "position": position,
                        "kind": kind,
                        "key": key,
                        "data": _data_text(data, f"{name}: record {position + 1}"),
                    }
                    for position, (key, data) in enumerate(records)
                ]
                if rows:
                    session.connection().execute(insert(RECORDS), rows)

    def document(self, name: str) -> tuple[str, bytes]:
        """The kind and bytes of the kept document ``name``."""
        with self.database.reading() as session:
            found = session.get(Document, name)
            if found is None:
                raise InputError("document_unknown", {"name": name})
            return found.kind, found.content

    def documents(self) -> list[tuple[str, str, str]]:
        """Every kept document as ``(name, kind, sha256)``."""
        with self.database.reading() as session:
            return [
                (d.name, d.kind, d.sha256)
                for d in session.scalars(select(Document).order_by(Document.name))
            ]

    def records(self, kind: str, key: str | None = None) -> list[Any]:
        """The data of every kept record of ``kind`` (with ``key``, only those), in order."""
        with self.database.reading() as session:
            query = select(RecordRow.data).where(RecordRow.kind == kind)
            if key is not None:
                query = query.where(RecordRow.key == key)
            query = query.order_by(RecordRow.document, RecordRow.position)
            return [orjson.loads(text) for text in session.scalars(query)]


def _status(row: Any) -> StatusChange:
    return StatusChange(row.recommendation, row.status, row.on, row.by, row.note)


def _draw_files(session: Session, name: str) -> dict[str, bytes]:
    if session.get(DrawRow, name) is None:
        raise InputError("draw_unknown", {"name": name})
    query = select(DrawFile).where(DrawFile.draw == name).order_by(DrawFile.name)
    return {row.name: row.content for row in session.scalars(query)}


def _put_draw(
    session: Session, name: str, drawn: Draw, files: Mapping[str, bytes], who: str
) -> None:
    result = drawn.result
    session.add(
        DrawRow(
            name=name,
            waitlist=list(result.waitlist) if result else [],
            replacements=to_data(list(result.replacements)) if result else [],
            recorded_by=who,
            recorded_at=now(),
        )
    )
    session.flush()
    for file_name, content in files.items():
        session.add(DrawFile(draw=name, name=file_name, sha256=sha256(content), content=content))


class _DrawReplacements(Waitlist):
    """Replacements from the waitlist of a stored draw (see
    :class:`~shopperkit.selection.Waitlist`); :meth:`save` writes the changed files in the
    store's transaction."""

    def __init__(self, session: Session, name: str) -> None:
        files = _draw_files(session, name)
        with tempfile.TemporaryDirectory(prefix="shopperkit-draw-") as folder:
            for file_name, content in files.items():
                Path(folder, file_name).write_bytes(content)
            super().__init__(read_draw(Path(folder)))
        self.session = session
        self.name = name

    def save(self) -> None:
        """Rewrite the draw's changed files and its replacements."""
        if not self.made:
            return
        texts = result_texts(self.drawn, Path(self.name))
        for file_name, text in texts.items():
            content = text.encode("utf-8")
            row = self.session.get(DrawFile, (self.name, file_name))
            if row is None:
                self.session.add(
                    DrawFile(
                        draw=self.name, name=file_name, sha256=sha256(content), content=content
                    )
                )
            else:
                row.content, row.sha256 = content, sha256(content)
        draw = self.session.get(DrawRow, self.name)
        assert draw is not None, "read above"
        assert self.drawn.result is not None, "replace() revealed it"
        draw.replacements = to_data(list(self.drawn.result.replacements))
        draw.waitlist = list(self.drawn.result.waitlist)


__all__ = ["Store", "sha256"]
