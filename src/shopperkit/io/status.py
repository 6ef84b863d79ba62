"""The recommendation status log: one status change per line (``recommendation-status``)."""

from __future__ import annotations

from pathlib import Path

from shopperkit.insights.recommendations import StatusChange, current_status
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import (
    atomic_binary,
    json_line,
    locked,
    open_bytes,
    output_set,
    read_jsonl,
)


def read_status_log(log: Path | str) -> list[StatusChange]:
    """Every status change recorded in ``log``, in order (none when it does not exist yet);
    a bad line names file, line and JSON path."""
    log = Path(log)
    if not log.exists():
        return []
    return [
        from_data(StatusChange, data, where=where)
        for where, _, data in read_jsonl(log, "recommendation-status")
    ]


def append_status(log: Path | str, change: StatusChange) -> None:
    """Record a status change at the end of ``log`` (JSONL), after checking it is allowed
    by the log as it is, while no other writer may change it (:func:`locked`); the log is
    replaced whole, a last line without its newline given one."""
    log = Path(log)
    with locked(log):
        current_status([*read_status_log(log), change])
        old = open_bytes(log) if log.exists() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        with output_set(own=True), atomic_binary(log) as stream:
            stream.write(old + json_line(to_data(change)))
