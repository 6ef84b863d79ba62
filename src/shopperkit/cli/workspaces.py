"""What the commands that keep state share: finding the workspace and opening its store."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from shopperkit.errors import InputError

if TYPE_CHECKING:
    from shopperkit.store import Database, Store, Workspace


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """``--workspace DIR`` and ``--db URL``."""
    parser.add_argument(
        "--workspace",
        type=Path,
        help="the workspace folder (default: the one the current folder is in)",
    )
    parser.add_argument(
        "--db", help="the store's address, overriding the workspace's (or $SHOPPERKIT_DB)"
    )


def find_workspace(args: argparse.Namespace) -> Workspace | None:
    """The workspace named by ``--workspace``, else the one the current folder is in."""
    from shopperkit.store import Workspace

    folder: Path | None = getattr(args, "workspace", None)
    return Workspace.load(folder) if folder is not None else Workspace.find()


def _located(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """The address of the store to work on (``--db``, else ``$SHOPPERKIT_DB``, else the
    workspace's; None without any) and the workspace's programme (None without one)."""
    from shopperkit.store import DB_ENV

    workspace = find_workspace(args)
    url: str | None = getattr(args, "db", None) or os.environ.get(DB_ENV)
    if workspace is not None:
        return url or workspace.url, workspace.programme
    return url, None


def store_url(args: argparse.Namespace) -> tuple[str, str | None]:
    """The address of the store to work on and the workspace's programme (None without a
    workspace): ``--db``, else ``$SHOPPERKIT_DB``, else the workspace's store."""
    url, programme = _located(args)
    if not url:
        raise InputError("workspace_missing", where=str(Path.cwd()))
    return url, programme


def open_store(args: argparse.Namespace) -> tuple[Store, str | None]:
    """The store to work on (:func:`store_url`), its schema checked, and the workspace's
    programme."""
    from shopperkit.store import Store

    url, programme = store_url(args)
    return Store(url), programme


def workspace_store(args: argparse.Namespace) -> Store | None:
    """The store of the workspace the command runs in (``--workspace``, ``--db`` or the
    current folder's), or None outside one: for commands that write files and, in a
    workspace, keep what they wrote."""
    from shopperkit.store import Store

    url, _ = _located(args)
    return Store(url) if url else None


def keep_files(store: Store, files: Sequence[tuple[str, Path]]) -> str:
    """Keep each ``(kind, path)`` file, as it is now, in the store, with its records, in one
    transaction, each named ``<file name>@<UTC time>``, then close the store; returns the
    time. A file in a format for people (a table) is not kept."""
    from shopperkit.io.files import open_bytes
    from shopperkit.io.records import READERS, document_records
    from shopperkit.store.database import now

    stamp = now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    try:
        store.import_documents(
            [
                (f"{path.name}@{stamp}", kind, open_bytes(path), document_records(path))
                for kind, path in files
                if path.suffix.lower() in READERS
            ]
        )
    finally:
        store.close()
    return stamp


@contextmanager
def database_of(args: argparse.Namespace) -> Iterator[Database]:
    """The store's database (:func:`store_url`), its schema not checked: for ``upgrade``,
    ``backup`` and ``restore``; closed after the block."""
    from shopperkit.store import Database

    url, _ = store_url(args)
    database = Database(url)
    try:
        yield database
    finally:
        database.close()


def programme_of(args: argparse.Namespace, programme: str | None) -> str:
    """``--programme``, else the workspace's programme."""
    chosen: str | None = getattr(args, "programme", None) or programme
    if not chosen:
        raise InputError("argument_missing", {"option": "--programme", "given": "no workspace"})
    return chosen
