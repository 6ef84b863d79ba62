"""Make ``docs/images/report.en.png``, the picture of a report in reading-a-report.md: the UAE
example evaluations scored, reported at the programme's own minimum group size as of 31
December 2026, in the UAE package's theme, shown by headless Chromium. Run from the
repository: ``.venv/bin/python docs/report_screenshot.py``."""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import screenshot  # noqa: E402

from shopperkit.insights import insights  # noqa: E402
from shopperkit.registry import Registry  # noqa: E402
from shopperkit.scoring import score  # noqa: E402


def main() -> None:
    """Write the picture."""
    registry = Registry()
    programme = registry.programme("uae")
    lines = (ROOT / "examples/uae/evaluations.jsonl").read_text(encoding="utf-8").splitlines()
    scored = score([json.loads(line) for line in lines if line.strip()], registry)
    found = insights(
        scored,
        registry.forms_named(s.form for s in scored.evaluations),
        programme=programme,
        secret=b"an-example-secret-for-the-docs",
        plugins=registry.plugins,
        directory=registry.directory(programme),
    )
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "report.en.html"
        page.write_text(found.report("en", date(2026, 12, 31)).html(), encoding="utf-8")
        screenshot(page, ROOT / "docs" / "images" / "report.en.png", (900, 1500))


if __name__ == "__main__":
    main()
