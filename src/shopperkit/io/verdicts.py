"""Screening results as ``shopperkit screen`` writes them: a JSON list or JSON Lines."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shopperkit.io.convert import from_data
from shopperkit.io.files import read_json, read_jsonl
from shopperkit.model.verdicts import Verdict


def _verdicts(items: Iterable[tuple[str, Any]]) -> list[Verdict]:
    return [
        from_data(Verdict, data, where=where)
        for where, data in items
        if not (isinstance(data, dict) and data.get("status") == "error")
    ]


def read_verdicts(path: Path) -> list[Verdict]:
    """The verdicts of a screening result file (``.json`` list or ``.jsonl``), checked against
    ``screening-result.schema.json``; error records (bad input rows) are skipped."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return _verdicts((where, data) for where, _, data in read_jsonl(path, "screening-line"))
    data = read_json(path, "screening-result")
    return _verdicts((f"{path}: $[{index}]", item) for index, item in enumerate(data))
