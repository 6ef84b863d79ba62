"""The long commands show a progress bar on a terminal, and nothing but their summary line
when standard error is not one."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EVALUATIONS = ROOT / "examples/uae/evaluations.jsonl"
SECRET = {"SHOPPERKIT_PSEUDONYM_SECRET": "a-test-secret-of-enough-length"}


def _run(args: list[str], *, terminal: bool) -> str:
    """Run ``shopperkit args``; what it wrote on standard error (a terminal or a pipe)."""
    command = [sys.executable, "-m", "shopperkit", *args]
    environment = {**os.environ, **SECRET, "COLUMNS": "120", "TERM": "xterm"}
    if not terminal:
        done = subprocess.run(command, env=environment, capture_output=True, check=True)
        return done.stderr.decode("utf-8")
    main, other = pty.openpty()
    with subprocess.Popen(command, env=environment, stderr=other, stdout=subprocess.DEVNULL) as run:
        os.close(other)
        seen = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the command closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    os.close(main)
    assert run.returncode == 0
    return seen.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scores")
    _run(["score", "--programme", "uae", str(EVALUATIONS), "--out", str(out)], terminal=False)
    return out


def test_score_shows_a_bar_by_bytes_on_a_terminal(tmp_path: Path) -> None:
    args = ["score", "--programme", "uae", str(EVALUATIONS), "--out", str(tmp_path)]
    shown = _run(args, terminal=True)
    assert "scoring" in shown
    assert "left" in shown
    assert "/s" in shown
    assert "shopperkit: scored" in shown


def test_report_shows_a_bar_on_a_terminal_only(scores: Path, tmp_path: Path) -> None:
    args = ["report", "--programme", "uae", str(scores), "--out", str(tmp_path), "--k", "2"]
    shown = _run(args, terminal=True)
    assert "reading scores" in shown
    assert "left" in shown
    quiet = _run([*args[:-4], "--out", str(tmp_path / "again"), "--k", "2"], terminal=False)
    assert quiet.splitlines() == [line for line in quiet.splitlines() if "shopperkit:" in line]
    assert "reading scores" not in quiet
    assert "\x1b" not in quiet


def test_demo_shows_its_stages_on_a_terminal(tmp_path: Path) -> None:
    args = ["demo", "--programme", "uae", "--evaluations", "60", "--out", str(tmp_path)]
    shown = _run(args, terminal=True)
    assert "inviting visitors" in shown
    assert "0/4" in shown
    assert "\x1b" not in _run([*args[:-1], str(tmp_path / "again")], terminal=False)


def test_form_submissions_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    export = tmp_path / "odk.csv"
    header = "KEY,visit-shopper,visit-entity,visit-centre,visit-service,visit-visited_at,"
    header += "reception-greeted,service-staff_courtesy\n"
    row = "k{},sh,e,c,s,2026-03-01T09:05:00+04:00,yes,4\n"
    export.write_text(header + "".join(row.format(n) for n in range(50)), encoding="utf-8")
    form = str(ROOT / "examples/forms/example-visit.yaml")
    args = ["form", "submissions", str(export), "--form", form, "-o", str(tmp_path / "e.jsonl")]
    shown = _run(args, terminal=True)
    assert "reading submissions" in shown
    assert "shopperkit: read 50 submission(s)" in shown
