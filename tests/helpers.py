"""Small builders shared by tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from attrs import evolve

from shopperkit.model.people import Applicant, Residency
from shopperkit.model.programme import Parameter, Programme, RuleUse

QATAR_DECLARATIONS = frozenset(
    {
        "attend_training",
        "report_changes",
        "use_bureau_forms",
        "impartiality_confidentiality",
        "propose_improvements",
    }
)


def applicant(**changes: Any) -> Applicant:
    """A resident of five years, aged 30, who applied in the window: eligible for qatar-cgb."""
    base = Applicant(
        id="A1",
        birth_date=date(1992, 3, 14),
        nationality="Indian",
        residency=Residency("resident", date(2017, 1, 1)),
        gender="female",
        profession="teacher",
        employer="private-sector",
        declarations=QATAR_DECLARATIONS,
        applied_on=date(2022, 6, 20),
    )
    return evolve(base, **changes)


def with_parameter(
    programme: Programme, name: str, value: Any, unit: str | None = None
) -> Programme:
    """The programme with one parameter added or replaced."""
    parameter = Parameter(value, f"test value for {name}", "test", date(2022, 1, 1), unit)
    return evolve(programme, parameters={**programme.parameters, name: parameter})


def with_rule(programme: Programme, rule: str, **params: str) -> Programme:
    """The programme with one more rule."""
    return evolve(programme, rules=(*programme.rules, RuleUse(rule, params)))


SMALL_POOL = [(f"P{n}", "citizen" if n % 2 == 0 else "resident") for n in range(8)]
"""Eight people, half citizens: a small pool to draw 3 seats from, 2 of them citizens."""


def small_draw_inputs(folder: Path) -> list[str]:
    """``select`` arguments drawing 3 seats (exactly 2 citizens) from :data:`SMALL_POOL`
    with seed 7, the pool and quotas files written into ``folder``; add ``--out DIR``."""
    pool = folder / "pool.csv"
    pool.write_text("id,residency\n" + "".join(f"{p},{r}\n" for p, r in SMALL_POOL))
    quotas = folder / "quotas.csv"
    quotas.write_text("feature,value,min,max\nresidency,citizen,2,2\nresidency,resident,0,2\n")
    return ["select", str(pool), "--quotas", str(quotas), "--seats", "3", "--seed", "7"]


def lifecycle_lines(cohort: list[str], event: Callable[..., str]) -> list[str]:
    """Event lines taking every person of :data:`SMALL_POOL` to the draw: applied, screened,
    interviewed, then selected (those in ``cohort``) or waitlisted."""
    lines = []
    for person, _ in SMALL_POOL:
        lines += [
            event(f"{person}-1", person, "applied", "2022-06-10"),
            event(f"{person}-2", person, "screened", "2022-07-10"),
            event(f"{person}-3", person, "interviewed", "2022-07-20"),
            event(
                f"{person}-4",
                person,
                "selected" if person in cohort else "waitlisted",
                "2022-08-01",
            ),
        ]
    return lines


def published_texts(folder: Path) -> dict[str, str]:
    """The text of every file a report wrote under ``folder``, by relative path: text files as
    they are, a workbook as the XML of its sheets and strings (PDFs are left out: their text is
    the HTML page's)."""
    import zipfile

    texts: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if not path.is_file() or path.suffix == ".pdf":
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts[name] = "".join(
                    book.read(part).decode("utf-8")
                    for part in book.namelist()
                    if part.endswith(".xml")
                )
        else:
            texts[name] = path.read_text(encoding="utf-8")
    return texts
