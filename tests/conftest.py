"""Shared fixtures, built on the shopperkit pytest plugin's own fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from tests import postgres

pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def plugins(shopperkit_plugins: Plugins) -> Plugins:
    """The installed plugins (built-ins plus the programme packages)."""
    return shopperkit_plugins


@pytest.fixture(scope="session")
def qatar(shopperkit_load_programme: Callable[[str], Programme]) -> Programme:
    """The Qatar-style programme as shipped."""
    return shopperkit_load_programme("qatar-cgb")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A SQLAlchemy URL of a PostgreSQL database for the whole test run.

    A throwaway server started for the run and stopped at its end, or the server named by
    ``SHOPPERKIT_TEST_POSTGRES_URL`` when that is set.
    """
    given = os.environ.get(postgres.ENV_URL)
    if given:
        yield given
        return
    server = postgres.start_server()
    try:
        yield server.url()
    finally:
        postgres.stop_server(server)


@pytest.fixture
def postgres_db_url(postgres_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database of this test's own, dropped after it."""
    name = postgres.unique_database_name()
    postgres.create_database(postgres_url, name)
    try:
        yield postgres.database_url(postgres_url, name)
    finally:
        postgres.drop_database(postgres_url, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store database: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_db_url")
    return url
