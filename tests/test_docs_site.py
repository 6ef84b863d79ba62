"""The documentation site holds every page, and its reference covers every public package."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

import griffe
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "src" / "shopperkit"

# Packages with no reference page of their own: the command line is documented by --help.
UNDOCUMENTED_PACKAGES = {"cli", "schemas"}


def nav_pages(entry: Any) -> list[str]:
    """Every page path in a mkdocs ``nav`` entry, depth first."""
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, list):
        return [page for item in entry for page in nav_pages(item)]
    if isinstance(entry, dict):
        return [page for value in entry.values() for page in nav_pages(value)]
    raise TypeError(f"unexpected nav entry {entry!r}")


def site_config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return config


def test_every_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    in_nav = nav_pages(site_config()["nav"])
    on_disk = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    assert len(in_nav) == len(set(in_nav)), "a page is listed twice in the nav"
    assert sorted(on_disk - set(in_nav)) == [], "pages missing from the nav of mkdocs.yml"
    assert sorted(set(in_nav) - on_disk) == [], "nav entries with no page in docs/"


def test_the_site_is_built_from_docs_into_an_ignored_folder() -> None:
    config = site_config()
    assert config["docs_dir"] == "docs"
    assert config["strict"] is True
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert config["site_dir"].split("/")[0] + "/" in ignored


def referenced_objects() -> set[str]:
    pages = (DOCS / "reference").glob("*.md")
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages)
    return set(re.findall(r"^::: (\S+)$", text, re.M))


def test_every_public_package_has_a_reference() -> None:
    packages = {
        path.parent.name
        for path in PACKAGE.glob("*/__init__.py")
        if path.parent.name not in UNDOCUMENTED_PACKAGES
    }
    referenced = {name.split(".")[1] for name in referenced_objects() if "." in name}
    assert "shopperkit" in referenced_objects()
    assert sorted(packages - referenced) == []


def test_the_landing_page_opens_with_the_readme_introduction() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    introduction = readme.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    assert introduction in (DOCS / "index.md").read_text(encoding="utf-8")


def load_roles_extension() -> Any:
    spec = importlib.util.spec_from_file_location("griffe_roles", DOCS / "griffe_roles.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


KNOWN = {"Reason": "shopperkit.model.Reason", "Problem": "shopperkit.selection.Problem"}


@pytest.mark.parametrize(
    ("docstring", "markdown"),
    [
        (":class:`Tally` when not", "`Tally` when not"),
        ("a :class:`~shopperkit.model.Tally`.", "a `Tally`."),
        ("see :func:`shopperkit.screen` and :meth:`add`", "see `shopperkit.screen` and `add`"),
        ("only :data:`hookimpl`::\n\n    import y", "only `hookimpl`:\n\n    import y"),
        ("a ratio 2::3 stays", "a ratio 2::3 stays"),
        ("``code`` stays", "``code`` stays"),
        (
            "a :class:`Reason`, :attr:`Problem.seats`",
            'a <autoref identifier="shopperkit.model.Reason" optional>'
            "<code>Reason</code></autoref>, "
            '<autoref identifier="shopperkit.selection.Problem.seats" optional>'
            "<code>Problem.seats</code></autoref>",
        ),
    ],
)
def test_rest_roles_become_inline_code_linked_when_known(docstring: str, markdown: str) -> None:
    def resolve(name: str) -> str | None:
        first, dot, rest = name.partition(".")
        return KNOWN[first] + dot + rest if first in KNOWN else None

    assert load_roles_extension().markdown_of(docstring, resolve) == markdown


def test_names_resolve_in_the_scope_of_the_docstring() -> None:
    package = griffe.load("shopperkit", search_paths=[ROOT / "src"])
    rules = package["eligibility.rules"]
    resolve = load_roles_extension().resolver_in(rules)
    assert resolve("RuleContext") == "shopperkit.eligibility.rules.RuleContext"
    assert resolve("Reason.code") == "shopperkit.model.verdicts.Reason.code"
    assert resolve("shopperkit.screen") == "shopperkit.screen"
    assert resolve("datetime.date.weekday") is None
