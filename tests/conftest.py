"""Shared fixtures, built on the shopperkit pytest plugin's own fixtures."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def plugins(shopperkit_plugins: Plugins) -> Plugins:
    """The installed plugins (built-ins plus the programme packages)."""
    return shopperkit_plugins


@pytest.fixture(scope="session")
def qatar(shopperkit_load_programme: Callable[[str], Programme]) -> Programme:
    """The Qatar-style programme as shipped."""
    return shopperkit_load_programme("qatar-cgb")
