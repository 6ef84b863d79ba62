"""The public API: every exported name resolves, from the top and from its package."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import shopperkit

PACKAGES = [
    "shopperkit",
    "shopperkit.model",
    "shopperkit.eligibility",
    "shopperkit.selection",
    "shopperkit.scoring",
    "shopperkit.insights",
]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    exported = module.__all__
    assert len(exported) == len(set(exported))
    for name in exported:
        assert getattr(module, name) is not None, f"{package}.{name}"


def test_a_top_level_name_is_the_owning_packages_own() -> None:
    from shopperkit import insights, scoring, selection

    assert shopperkit.draw is selection.draw
    assert shopperkit.score is scoring.score
    assert shopperkit.Insights is insights.Insights
    assert shopperkit.insights is insights  # the package; its insights() makes findings


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_stage"):
        _ = shopperkit.no_such_stage


def test_importing_the_api_loads_no_solver_until_a_draw_runs() -> None:
    code = (
        "import sys, shopperkit;"
        "shopperkit.score, shopperkit.Insights, shopperkit.Draw;"
        "assert not {'highspy', 'numpy', 'numba'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
