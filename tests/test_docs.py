"""The docs stay true: worked examples run, every hook is documented with its signature."""

from __future__ import annotations

import inspect
import re
import sys
import types
from pathlib import Path

import pytest

from shopperkit import hookspecs
from shopperkit.plugins import Plugins
from shopperkit.testing.policy import PolicyRunner, load_policy_file

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def blocks(path: Path, language: str = "python") -> list[str]:
    """The fenced blocks of ``language`` in a Markdown file, in order."""
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def run_blocks(path: Path, capsys: pytest.CaptureFixture[str]) -> types.ModuleType:
    """Run the blocks of ``path`` in one fresh module; printing must equal the ``# `` lines."""
    module = types.ModuleType(f"doc_{path.stem.replace('-', '_')}")
    sys.modules[module.__name__] = module
    try:
        for block in blocks(path):
            exec(compile(block, str(path), "exec"), module.__dict__)
            printed = capsys.readouterr().out.splitlines()
            expected = [line[2:] for line in block.splitlines() if line.startswith("# ")]
            assert printed == expected
    finally:
        del sys.modules[module.__name__]
    return module


def test_rule_plugin_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(blocks(DOCS / "write-a-rule-plugin.md")) >= 5
    run_blocks(DOCS / "write-a-rule-plugin.md", capsys)


def hook_signature(function: object) -> str:
    signature = inspect.signature(function)  # type: ignore[arg-type]
    params = ", ".join(
        f"{name}: {param.annotation}" for name, param in signature.parameters.items()
    )
    return f"{function.__name__}({params}) -> {signature.return_annotation}"  # type: ignore[attr-defined]


HOOKS = [
    value
    for name, value in vars(hookspecs).items()
    if name.startswith("shopperkit_") and callable(value)
]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda hook: hook.__name__)
def test_every_hook_is_documented_with_its_signature(hook: object) -> None:
    assert inspect.getdoc(hook)
    reference = (DOCS / "plugins.md").read_text(encoding="utf-8")
    assert f"`{hook_signature(hook)}`" in reference


def test_policy_guide_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The guide's extending programme, policy cases and properties all hold, and the
    policy file finds the programme next to it from any working directory."""
    guide = DOCS / "test-your-policy.md"
    folder = tmp_path / "policy"
    folder.mkdir()
    (folder / "qatar-cgb-max-age.json").write_text(blocks(guide, "json")[0], encoding="utf-8")
    cases_file = folder / "max-age.policy.yaml"
    cases_file.write_text(blocks(guide, "yaml")[0], encoding="utf-8")
    monkeypatch.chdir(folder)
    module = run_blocks(guide, capsys)
    based_on = module.programme.based_on
    assert (based_on.programme, based_on.added_rules) == ("qatar-cgb", ("maximum_age",))
    monkeypatch.chdir(tmp_path)
    runner = PolicyRunner(module.plugins)
    cases = load_policy_file(cases_file)
    assert len(cases) == 4
    assert {case.name: runner.run(case) for case in cases} == {case.name: [] for case in cases}


def test_recommendation_rule_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    run_blocks(DOCS / "write-a-recommendation-rule.md", capsys)


def test_close_the_loop_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    run_blocks(DOCS / "close-the-loop.md", capsys)


def test_quickstart_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    run_blocks(DOCS / "quickstart.md", capsys)


def test_dated_parameters_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The UAE's 2026 change of the age of majority screens as the page says."""
    assert len(blocks(DOCS / "dated-parameters.md")) >= 3
    run_blocks(DOCS / "dated-parameters.md", capsys)


def test_programme_forms_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    run_blocks(DOCS / "uae-and-qatar-forms.md", capsys)


def test_whatsapp_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    run_blocks(DOCS / "whatsapp.md", capsys)


def test_define_a_form_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(blocks(DOCS / "define-a-form.md")) >= 4
    run_blocks(DOCS / "define-a-form.md", capsys)


def test_how_scores_are_computed_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(blocks(DOCS / "how-scores-are-computed.md")) >= 9
    run_blocks(DOCS / "how-scores-are-computed.md", capsys)


def test_policy_guide_case_kinds_hold(tmp_path: Path) -> None:
    """The guide's evaluation and selection cases pass as written."""
    examples = blocks(DOCS / "test-your-policy.md", "yaml")[1:]
    assert len(examples) == 2
    runner = PolicyRunner(Plugins())
    for number, text in enumerate(examples):
        path = tmp_path / f"example-{number}.policy.yaml"
        path.write_text(text, encoding="utf-8")
        cases = load_policy_file(path)
        assert {case.name: runner.run(case) for case in cases} == {case.name: [] for case in cases}


def test_use_from_python_runs_both_flows_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The page's Qatar-style and UAE-style flows print what it says, writing no file."""
    monkeypatch.chdir(tmp_path)
    assert len(blocks(DOCS / "use-from-python.md")) >= 10
    run_blocks(DOCS / "use-from-python.md", capsys)
    assert list(tmp_path.iterdir()) == []


def test_collect_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(blocks(DOCS / "collect-with-odk-kobo-and-surveyjs.md")) >= 4
    run_blocks(DOCS / "collect-with-odk-kobo-and-surveyjs.md", capsys)
