"""A programme workspace: a folder with a settings file (``shopperkit.toml``) naming the
programme and the store, by default a SQLite file beside it.

``shopperkit init DIR --programme P`` makes one; a command run inside it (or given
``--workspace DIR``) works on its store. ``$SHOPPERKIT_DB`` or ``--db URL`` points at another
store, such as a shared PostgreSQL server.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from attrs import frozen

from shopperkit.errors import InputError
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_write, json_bytes
from shopperkit.registry import Registry
from shopperkit.store.database import Database
from shopperkit.store.store import Store

SETTINGS = "shopperkit.toml"
"""The settings file that makes a folder a workspace."""
DEFAULT_DATABASE = "sqlite:///shopperkit.db"
"""The store of a new workspace: a SQLite file in it."""
DB_ENV = "SHOPPERKIT_DB"
"""A store address that overrides the workspace's."""


@frozen
class Workspace:
    """A workspace folder, the programme it runs and its store's address."""

    folder: Path
    programme: str
    database: str

    @property
    def url(self) -> str:
        """The store's address: a relative SQLite path is taken from the folder."""
        prefix = "sqlite:///"
        if self.database.startswith(prefix) and not self.database.startswith(prefix + "/"):
            relative = self.database.removeprefix(prefix)
            if relative and relative != ":memory:":
                return prefix + str((self.folder / relative).resolve())
        return self.database

    @classmethod
    def create(
        cls,
        folder: Path,
        programme: str,
        database: str | None = None,
        registry: Registry | None = None,
    ) -> Workspace:
        """Make ``folder`` a workspace for ``programme``: the settings file, the store at
        ``database`` (default a SQLite file in the folder) brought to the current schema,
        and the programme's version recorded. A folder that is one already is refused."""
        settings = folder / SETTINGS
        if settings.exists():
            raise InputError("workspace_exists", {"settings": SETTINGS}, where=str(folder))
        registry = registry or Registry()
        loaded = registry.programme(programme)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(
                "output_unwritable", {"reason": error.strerror or str(error)}, where=str(folder)
            ) from None
        workspace = cls(folder.resolve(), loaded.id, database or DEFAULT_DATABASE)
        Database(workspace.url).upgrade()
        store = Store(workspace.url)
        try:
            store.record_programme(loaded.id, json_bytes(to_data(loaded)).decode("utf-8"))
        finally:
            store.close()
        atomic_write(
            settings,
            f"# A shopperkit workspace: the programme it runs and where its store is.\n"
            f"programme = {json.dumps(programme)}\n"
            f"database = {json.dumps(workspace.database)}\n",
        )
        return workspace

    @classmethod
    def load(cls, folder: Path) -> Workspace:
        """The workspace whose settings are in ``folder``."""
        settings = folder / SETTINGS
        try:
            data = tomllib.loads(settings.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError("workspace_missing", where=str(folder)) from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise InputError(
                "file_unreadable", {"reason": str(error)}, where=str(settings)
            ) from None
        programme, database = data.get("programme"), data.get("database", DEFAULT_DATABASE)
        if not isinstance(programme, str) or not isinstance(database, str):
            raise InputError("workspace_settings_invalid", where=str(settings))
        return cls(folder.resolve(), programme, database)

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace | None:
        """The workspace ``start`` (default the current folder) or a folder above it is in."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / SETTINGS).is_file():
                return cls.load(folder)
        return None

    def store(self, *, who: str | None = None) -> Store:
        """The workspace's store: at ``$SHOPPERKIT_DB`` if set, else the settings' address."""
        return Store(os.environ.get(DB_ENV) or self.url, who=who)
