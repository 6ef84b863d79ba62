"""The command runs end to end on the built-in programme."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopperkit.cli import main


def test_demo_writes_a_pool(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--size", "300", "--out", str(tmp_path)]) == 0
    pool = (tmp_path / "pool.csv").read_text().splitlines()
    assert pool[0] == "id,residency,nationality,age_group,profession"
    assert len(pool) > 1
    assert "Stage 1" in capsys.readouterr().out
