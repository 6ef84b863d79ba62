"""Opening the store, its schema version and its transactions.

SQLite is the embedded default: one file, in WAL mode (readers never wait for the writer),
foreign keys on, and a busy timeout so a second writer waits instead of failing. PostgreSQL
is used by URL for a shared server. Writers are serialised: on SQLite a write transaction
begins with ``BEGIN IMMEDIATE``, which takes the database's write lock at once; on
PostgreSQL it first takes a transaction-level advisory lock. A writer therefore always
reads what every earlier writer committed before it decides anything.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session

from shopperkit.errors import InputError

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 60_000
"""How long a SQLite writer waits for another writer before giving up (``store_busy``)."""
WRITER_LOCK = 0x5348_4F50
"""The PostgreSQL advisory lock every write transaction of a store takes first."""
OFFICER_ENV = "SHOPPERKIT_OFFICER"
"""Who is recorded as having written, when not given: this variable, else the login name."""


CHUNK = 500
"""Ids asked for in one query."""


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    """``items`` in slices of :data:`CHUNK`, each small enough for one ``IN (...)``."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def officer() -> str:
    """Who is writing: ``$SHOPPERKIT_OFFICER``, else the login name."""
    name = os.environ.get(OFFICER_ENV)
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def _alembic(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_version() -> str:
    """The schema version this shopperkit writes (the newest migration)."""
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None, "the store ships its migrations"
    return head


def _sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout on every connection; transactions begun by us."""

    @event.listens_for(engine, "connect")
    def _connect(connection: Any, _record: Any) -> None:
        connection.isolation_level = None  # the driver begins nothing; "begin" below does
        cursor = connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        writing = connection.get_execution_options().get("writing", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


class Database:
    """A connection to the store at ``url`` (``sqlite:///path`` or ``postgresql://...``).

    ``who`` is recorded with every row written (default :func:`officer`).
    """

    def __init__(self, url: str, *, who: str | None = None) -> None:
        try:
            parsed = make_url(url)
        except exc.ArgumentError:
            raise InputError("store_url_invalid", {"url": url}) from None
        backend = parsed.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise InputError("store_url_invalid", {"url": url})
        if backend == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.url = parsed
        self.who = who or officer()
        # psycopg prepares a statement run five times; its generic plan for a list of ids
        # guesses without the values and may scan the whole table: plan every query anew.
        options = {"connect_args": {"prepare_threshold": None}} if backend == "postgresql" else {}
        try:
            self.engine = create_engine(parsed, **options)
        except (exc.ArgumentError, ImportError) as error:
            raise InputError("store_url_invalid", {"url": url, "reason": str(error)}) from None
        self.dialect = backend
        if backend == "sqlite":
            _sqlite(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def version(self) -> str | None:
        """The schema version the store holds (None when it has none yet)."""
        with self._connected() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def upgrade(self) -> str:
        """Bring the schema to :func:`head_version` (creating it in an empty store), in one
        transaction; returns the version."""
        with self._connected() as connection, connection.begin():
            if self.dialect == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
            command.upgrade(_alembic(connection), "head")
        return head_version()

    def ping(self) -> None:
        """Ask the store for nothing: raises ``store_unavailable`` when it cannot answer."""
        with self._connected() as connection:
            connection.exec_driver_sql("SELECT 1")

    def check_version(self) -> None:
        """Raise ``store_outdated`` or ``store_too_new`` unless the schema is this
        shopperkit's (:func:`head_version`)."""
        found = self.version()
        head = head_version()
        if found == head:
            return
        scripts = ScriptDirectory(str(MIGRATIONS))
        known = {script.revision for script in scripts.walk_revisions()}
        if found is not None and found not in known:
            raise InputError("store_too_new", {"found": found, "expected": head})
        raise InputError("store_outdated", {"found": found or "(none)", "expected": head})

    def backup(self) -> bytes:
        """A consistent copy of a SQLite store, as the bytes of a database file, taken
        online by SQLite's backup while others keep working. A PostgreSQL store is backed up
        with ``pg_dump`` (``backup_needs_pg_dump``)."""
        self._sqlite_only("backup")
        with self._connected() as connection:
            source = connection.connection.dbapi_connection
            assert isinstance(source, sqlite3.Connection)
            copy = sqlite3.connect(":memory:")
            try:
                source.backup(copy)
                return _without_wal(copy.serialize())
            finally:
                copy.close()

    def restore(self, backup: bytes, where: str) -> str:
        """Replace a SQLite store's content by a backup's (:meth:`backup`), once the backup
        is found to be a store of a schema this shopperkit knows; returns its version."""
        self._sqlite_only("restore")
        copy = sqlite3.connect(":memory:")
        try:
            try:
                copy.deserialize(_without_wal(backup))
                row = copy.execute("SELECT version_num FROM alembic_version").fetchone()
            except sqlite3.DatabaseError:
                raise InputError("backup_invalid", where=where) from None
            found = row[0] if row else None
            known = {
                script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()
            }
            if found not in known:
                raise InputError("backup_invalid", where=where)
            with self._connected() as connection:
                target = connection.connection.dbapi_connection
                assert isinstance(target, sqlite3.Connection)
                copy.backup(target)
            return str(found)
        finally:
            copy.close()

    def _sqlite_only(self, action: str) -> None:
        if self.dialect != "sqlite":
            raise InputError("backup_needs_pg_dump", {"action": action})

    @contextmanager
    def _connected(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except exc.OperationalError as error:
            raise _unavailable(error, self) from None

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction, serialised with every other writer of the store: committed
        when the block ends, rolled back (nothing written) when it raises."""
        try:
            engine = self.engine.execution_options(writing=True)
            with Session(engine) as session, session.begin():
                if self.dialect == "postgresql":
                    session.connection().exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({WRITER_LOCK})"
                    )
                yield session
        except exc.OperationalError as error:
            raise _unavailable(error, self) from None

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only view of the store as last committed."""
        try:
            with Session(self.engine) as session, session.begin():
                yield session
        except exc.OperationalError as error:
            raise _unavailable(error, self) from None


def _without_wal(database: bytes) -> bytes:
    """A SQLite database file's bytes marked as using a rollback journal, not WAL, so it
    opens anywhere, in memory too (bytes 18 and 19 of the header give the journal)."""
    if database[18:20] == b"\x02\x02":
        return database[:18] + b"\x01\x01" + database[20:]
    return database


def _unavailable(error: exc.OperationalError, database: Database) -> InputError:
    reason = str(error.orig) if error.orig is not None else str(error)
    if "locked" in reason or "busy" in reason:
        return InputError("store_busy", {"seconds": BUSY_TIMEOUT_MS // 1000})
    where = database.url.render_as_string(hide_password=True)
    return InputError("store_unavailable", {"reason": reason.splitlines()[0]}, where=where)
