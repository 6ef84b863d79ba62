"""Every form the documentation shows, and every example form file, lints clean."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest

from shopperkit.errors import InputError
from shopperkit.forms.lint import lint_data, lint_files
from shopperkit.io.documents import DOCUMENT_SUFFIXES, parse_document
from shopperkit.plugins import Plugins

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"```(yaml|json|python)\n(.*?)```", re.S)
PLUGIN_TYPES = {"stars"}
"""Question types the guides register themselves (define-a-form.md scores ``stars``)."""


def _is_form(data: Any) -> bool:
    return isinstance(data, dict) and {"id", "sections", "languages"} <= set(data)


def _strings(source: str) -> list[str]:
    """The string literals of a Python block (forms are often written as one)."""
    return [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def doc_forms() -> list[Any]:
    """Each form in a YAML or JSON block of the docs, or in a string of a Python block."""
    found = []
    for path in sorted((ROOT / "docs").glob("*.md")):
        for n, (language, block) in enumerate(FENCE.findall(path.read_text(encoding="utf-8"))):
            texts = _strings(block) if language == "python" else [block]
            for text in texts:
                suffix = ".json" if language == "json" else ".yaml"
                try:
                    data = parse_document(text, f"{path.name}{suffix}")
                except InputError:  # not every block or string is a document
                    continue
                if _is_form(data):
                    found.append(pytest.param(data, id=f"{path.name}[{n}]:{data['id']}"))
    return found


FORMS = doc_forms()


def test_the_docs_show_forms() -> None:
    names = {param.id.split(":")[-1] for param in FORMS}
    assert {"library-visit", "short-mission", "rated-visit"} <= names


@pytest.mark.parametrize("data", FORMS)
def test_each_form_in_the_docs_lints_clean(data: Any) -> None:
    types = set(Plugins().question_scorers()) | PLUGIN_TYPES
    assert lint_data(data, types) == []


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "examples/forms").iterdir() if p.suffix in DOCUMENT_SUFFIXES),
    ids=lambda path: path.name,
)
def test_each_example_form_file_lints_clean(path: Path) -> None:
    assert lint_files([path], Plugins().question_scorers()) == []
