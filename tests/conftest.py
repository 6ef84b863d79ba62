"""Shared fixtures: a plugin manager and the Qatar-style programme."""

from __future__ import annotations

import pytest

from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from shopperkit.programmes import find_programme


@pytest.fixture(scope="session")
def plugins() -> Plugins:
    """The installed plugins (built-ins plus the programme packages)."""
    return Plugins()


@pytest.fixture(scope="session")
def qatar(plugins: Plugins) -> Programme:
    """The Qatar-style programme as shipped."""
    return find_programme(plugins, "qatar-cgb")
