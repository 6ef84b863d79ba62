"""The docs stay true: worked examples run, every hook is documented with its signature."""

from __future__ import annotations

import inspect
import re
import sys
import types
from pathlib import Path

import pytest

from shopperkit import hookspecs

DOCS = Path(__file__).resolve().parent.parent / "docs"


def python_blocks(path: Path) -> list[str]:
    """The fenced ``python`` blocks of a Markdown file, in order."""
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def run_blocks(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Run the blocks of ``path`` in one fresh module; printing must equal the ``# `` lines."""
    module = types.ModuleType(f"doc_{path.stem.replace('-', '_')}")
    sys.modules[module.__name__] = module
    try:
        for block in python_blocks(path):
            exec(compile(block, str(path), "exec"), module.__dict__)
            printed = capsys.readouterr().out.splitlines()
            expected = [line[2:] for line in block.splitlines() if line.startswith("# ")]
            assert printed == expected
    finally:
        del sys.modules[module.__name__]


def test_rule_plugin_guide_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert len(python_blocks(DOCS / "write-a-rule-plugin.md")) >= 5
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


def test_quickstart_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    run_blocks(DOCS / "quickstart.md", capsys)
