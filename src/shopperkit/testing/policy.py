"""Policy cases as data: an input, the programme, and what the programme must decide.

A policy file (``*.policy.yaml`` or ``*.policy.json``, ``schemas/policy.schema.json``) holds
cases, each with ``name``, ``programme``, ``as_of``, ``input`` and ``expected``. The pytest
plugin collects them; :meth:`PolicyRunner.run` checks one and returns every mismatch, each reading
``expected X, got Y``. Input kinds are registered in :data:`CASE_KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from attrs import frozen

from shopperkit.eligibility.screening import Screener
from shopperkit.forms import find_form
from shopperkit.io.convert import from_data
from shopperkit.io.documents import read_document
from shopperkit.io.schemas import check
from shopperkit.model.forms import Form
from shopperkit.model.people import Applicant
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from shopperkit.programmes import find_programme
from shopperkit.scoring import Scoring

POLICY_SUFFIXES = (".policy.yaml", ".policy.yml", ".policy.json")


@frozen
class PolicyCase:
    """One case of a policy file."""

    file: str
    name: str
    programme: str
    as_of: date | None
    input: Mapping[str, Any]
    expected: Mapping[str, Any]
    form: str | None = None

    @property
    def kind(self) -> str:
        """What the case checks: the single key of its ``input`` (``applicant``, ...)."""
        return next(iter(self.input))


def is_policy_file(path: Path) -> bool:
    """Whether ``path`` is named like a policy file."""
    return path.name.endswith(POLICY_SUFFIXES)


def load_policy_file(path: Path) -> list[PolicyCase]:
    """Every case of a policy file, checked against the policy schema.

    A case without its own ``programme`` or ``as_of`` takes the file's.
    """
    data = read_document(path)
    check("policy", data, where=str(path))
    cases = []
    for case in data["cases"]:
        as_of = case.get("as_of", data.get("as_of"))
        cases.append(
            PolicyCase(
                file=str(path),
                name=case["name"],
                programme=case.get("programme", data.get("programme", "")),
                as_of=date.fromisoformat(as_of) if as_of else None,
                input=case["input"],
                expected=case["expected"],
                form=case.get("form", data.get("form")),
            )
        )
    return cases


def mismatch(what: str, expected: Any, got: Any) -> str:
    """One difference, worded the same way everywhere."""
    return f"{what}: expected {expected!r}, got {got!r}"


class PolicyRunner:
    """Runs policy cases with one set of plugins, building each programme and screener once."""

    def __init__(self, plugins: Plugins) -> None:
        self.plugins = plugins
        self._programmes: dict[str, Programme] = {}
        self._screeners: dict[tuple[str, date | None], Screener] = {}
        self._forms: dict[str, Form] = {}

    def programme(self, name: str) -> Programme:
        """The programme called ``name`` (an id, or the path of a programme file)."""
        if name not in self._programmes:
            self._programmes[name] = find_programme(self.plugins, name)
        return self._programmes[name]

    def screener(self, name: str, as_of: date | None) -> Screener:
        """The screener of programme ``name`` at ``as_of`` (default: its reference date)."""
        key = (name, as_of)
        if key not in self._screeners:
            self._screeners[key] = Screener(self.programme(name), self.plugins, as_of=as_of)
        return self._screeners[key]

    def form(self, name: str) -> Form:
        """The form called ``name`` (an id, or the path of a form file)."""
        if name not in self._forms:
            self._forms[name] = find_form(self.plugins, name)
        return self._forms[name]

    def run(self, case: PolicyCase) -> list[str]:
        """Check one case; an empty list means the programme decides as expected."""
        return CASE_KINDS[case.kind](self, case)


CaseKind = Callable[[PolicyRunner, PolicyCase], list[str]]
"""Checks one case; returns every mismatch."""


def _applicant_case(runner: PolicyRunner, case: PolicyCase) -> list[str]:
    applicant = from_data(Applicant, case.input["applicant"], where=case.file)
    verdict = runner.screener(case.programme, case.as_of).screen(applicant)
    found = []
    if "status" in case.expected and case.expected["status"] != verdict.status.value:
        found.append(mismatch("status", case.expected["status"], verdict.status.value))
    if "reasons" in case.expected:
        want = sorted(case.expected["reasons"])
        got = sorted(reason.code for reason in verdict.reasons)
        if want != got:
            found.append(mismatch("reasons", want, got))
    return found


def _close(what: str, expected: float | None, got: float | None, margin: float) -> list[str]:
    if expected is None or got is None:
        return [] if expected is got else [mismatch(what, expected, got)]
    return [] if abs(expected - got) <= margin else [mismatch(what, expected, got)]


def _evaluation_case(runner: PolicyRunner, case: PolicyCase) -> list[str]:
    record = case.input["evaluation"]
    name = case.form or (record.get("form") if isinstance(record, dict) else None)
    if not name:
        return [mismatch("form", "a form id or file", None)]
    result = Scoring([runner.form(name)]).score(dict(record))
    want = case.expected
    if isinstance(result, list):
        got = sorted({problem.code for problem in result})
        if "rejected" in want and sorted(want["rejected"]) == got:
            return []
        return [mismatch("rejected", sorted(want.get("rejected", [])), got)]
    found = []
    if "rejected" in want:
        found.append(mismatch("rejected", sorted(want["rejected"]), []))
    margin = float(want.get("margin", 0.01))
    if "overall" in want:
        found += _close("overall", want["overall"], result["overall"], margin)
    for section, expected in want.get("sections", {}).items():
        found += _close(f"sections.{section}", expected, result["sections"].get(section), margin)
    if "failed_critical" in want and sorted(want["failed_critical"]) != sorted(
        result["failed_critical"]
    ):
        found.append(
            mismatch("failed_critical", sorted(want["failed_critical"]), result["failed_critical"])
        )
    if "band" in want and want["band"] != result["band"]:
        found.append(mismatch("band", want["band"], result["band"]))
    return found


CASE_KINDS: dict[str, CaseKind] = {"applicant": _applicant_case, "evaluation": _evaluation_case}
"""Input kind (the key of a case's ``input``) -> the function that checks it."""
