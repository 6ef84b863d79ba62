"""A progress bar on standard error for the long commands: total, rate and time left, shown
only when standard error is a terminal (never in logs, pipes or files)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    ProgressColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.progress import Progress as Live

Unit = Literal["bytes", "steps"]
UPDATES = 400
"""Times a bar of known total is redrawn at most, so counting costs next to nothing."""


class Progress:
    """Work done so far, passed on to a bar when one is shown."""

    def __init__(self, live: Live | None = None, task: TaskID | None = None, every: float = 1):
        self._live, self._task, self._every = live, task, every
        self._pending = 0.0

    def advance(self, amount: float = 1) -> None:
        """Count ``amount`` more done (bytes or steps)."""
        self._pending += amount
        if self._pending >= self._every:
            self.flush()

    def stage(self, description: str, amount: float = 0) -> None:
        """Name what is being done now, after counting ``amount`` more done."""
        self.advance(amount)
        self.flush()
        if self._live is not None and self._task is not None:
            self._live.update(self._task, description=description)

    def flush(self) -> None:
        """Show what was counted."""
        if self._live is not None and self._task is not None and self._pending:
            self._live.advance(self._task, self._pending)
        self._pending = 0.0

    def lines(self, lines: Iterable[bytes]) -> Iterator[bytes]:
        """``lines`` as they are read, each counted by its bytes."""
        for line in lines:
            self.advance(len(line))
            yield line


def _columns(unit: Unit) -> list[ProgressColumn]:
    counted: list[ProgressColumn] = (
        [DownloadColumn(), TransferSpeedColumn()] if unit == "bytes" else [MofNCompleteColumn()]
    )
    return [
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        *counted,
        TextColumn("left"),
        TimeRemainingColumn(),
    ]


@contextmanager
def progress(description: str, total: float | None, unit: Unit = "steps") -> Iterator[Progress]:
    """A bar of ``total`` bytes or steps while the block runs, removed when it ends; counting
    only when standard error is not a terminal."""
    if not sys.stderr.isatty():
        yield Progress()
        return
    console = Console(file=sys.stderr)
    with Live(*_columns(unit), console=console, transient=True) as live:
        task = live.add_task(description, total=total)
        every = total / UPDATES if unit == "bytes" and total else 1
        counter = Progress(live, task, every)
        yield counter
        counter.flush()


def file_size(path: Path) -> int | None:
    """The size of ``path`` in bytes, the total of a bar over it (None when unknown, as for
    a pipe; the reader then says what is wrong with the file)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    return size if path.is_file() else None
