"""The recommendation status log: one status change per line (``recommendation-status``)."""

from __future__ import annotations

from pathlib import Path

from shopperkit.insights.recommendations import StatusChange, current_status
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import json_line, read_jsonl


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
    """Record a status change at the end of ``log`` (JSONL), after checking it is allowed."""
    log = Path(log)
    current_status([*read_status_log(log), change])
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as stream:
        stream.write(json_line(to_data(change)).decode("utf-8"))
