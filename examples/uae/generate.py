"""Write ``examples/uae/evaluations.jsonl``: the hand-written visits (``uae-2026-0001`` to
``uae-2026-0036``, two of them bad on purpose) followed by visits generated with
``shopperkit_uae.generate_evaluations``, enough for a report at the programme's own minimum
group size. In the generated visits, customers of the Ras Al Khaimah centre of the Ministry
of Interior wait 40 to 90 minutes and are not told how long, so the report has a finding to
show. The same file comes out every time; run from the repository:
``.venv/bin/python examples/uae/generate.py``.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from shopperkit_uae import form_document, generate_evaluations

FILE = Path(__file__).resolve().parent / "evaluations.jsonl"
HANDWRITTEN = re.compile(r"uae-2026-0\d{3}")
"""The ids of the hand-written visits, kept as they are."""
COUNT = 600
SEED = 2026
FIRST_ID = 1001
"""Generated visits are ``uae-2026-1001`` onwards."""
SLOW_CENTRE = "ctr-moi-rak"


def lines(current: str) -> list[str]:
    """The file's lines: the hand-written ones of ``current``, then the generated ones."""
    kept = [line for line in current.splitlines() if HANDWRITTEN.fullmatch(json.loads(line)["id"])]
    rng = random.Random(f"uae-example-{SEED}")
    made = generate_evaluations(form_document("uae-visit"), COUNT, SEED)
    for number, record in enumerate(made, start=FIRST_ID):
        record["id"] = f"uae-2026-{number:04d}"
        answers = record["answers"]
        if record["centre"] == SLOW_CENTRE:
            answers["waiting_minutes"] = rng.randrange(40, 91)
            if answers.get("waiting_informed") == "yes":
                answers["waiting_informed"] = "no"
        kept.append(json.dumps(record, ensure_ascii=False))
    return kept


def main() -> None:
    """Rewrite the file."""
    written = lines(FILE.read_text(encoding="utf-8"))
    FILE.write_text("\n".join(written) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
