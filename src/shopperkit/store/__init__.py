"""The system of record: a programme's state in SQLite (the default, one file) or
PostgreSQL (shared), every change one transaction.

Install with ``pip install 'shopperkit[store]'``. The library's stage calls stay pure; the
store calls them and keeps what they decided::

    store = Store("sqlite:///programme.db")
    store.record_events(lifecycle, events)

Names are imported on first use, so the message catalogue here loads without SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shopperkit.lazy import lazy_exports

if TYPE_CHECKING:
    from shopperkit.store.database import Database, head_version, officer
    from shopperkit.store.store import Store, sha256
    from shopperkit.store.workspace import DB_ENV, SETTINGS, Workspace

_HOMES = {
    "Database": "database",
    "head_version": "database",
    "officer": "database",
    "Store": "store",
    "sha256": "store",
    "Workspace": "workspace",
    "DB_ENV": "workspace",
    "SETTINGS": "workspace",
}

__all__ = [
    "DB_ENV",
    "SETTINGS",
    "Database",
    "Store",
    "Workspace",
    "head_version",
    "officer",
    "sha256",
]

__getattr__ = lazy_exports(__name__, _HOMES, globals())


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included."""
    return sorted([*globals(), *__all__])
