"""Paths named inside a policy file are relative to that file, not the working directory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from shopperkit.errors import InputError
from shopperkit.plugins import Plugins
from shopperkit.programmes import resolve_named_path
from shopperkit.testing.policy import PolicyRunner, load_policy_file

ROOT = Path(__file__).resolve().parent.parent
UAE_VISIT = ROOT / "plugins/shopperkit-uae/src/shopperkit_uae/forms/uae-visit.yaml"

APPLICANT_CASE = """\
programme: {programme}
cases:
  - name: a citizen of forty
    input:
      applicant:
        id: C-1
        birth_date: 1982-01-01
        nationality: Qatari
        residency: {{status: citizen}}
        applied_on: 2022-06-07
        declarations: [attend_training, report_changes, use_bureau_forms,
                       impartiality_confidentiality, propose_improvements]
    expected: {{status: ineligible, reasons: [age_above_cap]}}
"""


def programme_variant(folder: Path) -> Path:
    """A Qatar variant whose minimum age (41) rules out a citizen of forty."""
    path = folder / "older.json"
    minimum = {
        "value": 41,
        "unit": "years",
        "description": "Minimum age of this variant.",
        "reference": "test",
        "effective_from": "2022-06-06",
    }
    data = {
        "id": "qatar-older",
        "version": "1",
        "extends": "qatar-cgb",
        "parameters": {"minimum_age": minimum},
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("written", ["older.json", "./older.json", "programmes/../older.json"])
def test_a_programme_path_is_relative_to_the_policy_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins: Plugins, written: str
) -> None:
    folder = tmp_path / "policies"
    (folder / "programmes").mkdir(parents=True)
    programme_variant(folder)
    policy = folder / "older.policy.yaml"
    policy.write_text(
        APPLICANT_CASE.format(programme=written).replace("age_above_cap", "age_below_minimum"),
        encoding="utf-8",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (case,) = load_policy_file(policy)
    assert Path(case.programme).resolve() == (folder / "older.json").resolve()
    assert PolicyRunner(plugins).run(case) == []


def test_an_id_stays_an_id(tmp_path: Path) -> None:
    assert resolve_named_path("qatar-cgb", tmp_path / "x.policy.yaml") == "qatar-cgb"


def test_an_absolute_path_stays_as_written(tmp_path: Path) -> None:
    target = str(tmp_path / "programme.json")
    assert resolve_named_path(target, Path("/somewhere/else/x.policy.yaml")) == target


def test_a_missing_programme_file_names_the_resolved_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins: Plugins
) -> None:
    policy = tmp_path / "p" / "missing.policy.yaml"
    policy.parent.mkdir()
    policy.write_text(APPLICANT_CASE.format(programme="nowhere.json"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (case,) = load_policy_file(policy)
    with pytest.raises(InputError) as raised:
        PolicyRunner(plugins).run(case)
    assert raised.value.code == "file_not_found"
    assert raised.value.where == str(tmp_path / "p" / "nowhere.json")


def test_a_form_path_is_relative_to_the_policy_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    shutil.copy(UAE_VISIT, folder / "visit.yaml")
    policy = folder / "form.policy.yaml"
    policy.write_text(
        "programme: uae\nform: visit.yaml\ncases:\n"
        "  - name: anything\n    input: {evaluation: {}}\n    expected: {rejected: []}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    (case,) = load_policy_file(policy)
    assert case.form == str(folder / "visit.yaml")
    assert case.programme == "uae"
