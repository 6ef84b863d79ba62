"""The throwaway PostgreSQL server the tests run against, and its per-test databases."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests import postgres

ROOT = Path(__file__).resolve().parent.parent

external = pytest.mark.skipif(
    bool(os.environ.get(postgres.ENV_URL)),
    reason=f"{postgres.ENV_URL} names a server this run did not start",
)


def _scalar(url: str, query: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(query)).scalar_one()
    finally:
        engine.dispose()


def _wait_gone(pid: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while postgres.process_running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_server_answers_sqlalchemy_and_psycopg(postgres_url: str) -> None:
    version = _scalar(postgres_url, "select version()")
    assert isinstance(version, str)
    assert version.startswith("PostgreSQL ")
    conninfo = postgres.database_url(postgres_url, "postgres").replace("+psycopg", "")
    with psycopg.connect(conninfo) as connection:
        row = connection.execute("select current_user").fetchone()
    assert row is not None


@external
def test_server_listens_on_loopback_only_and_skips_durability(postgres_url: str) -> None:
    assert _scalar(postgres_url, "show listen_addresses") == "127.0.0.1"
    assert _scalar(postgres_url, "show fsync") == "off"
    assert _scalar(postgres_url, "show server_encoding") == "UTF8"
    assert _scalar(postgres_url, "select current_database()") == postgres.DATABASE


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_gets_an_empty_database_of_its_own(postgres_db_url: str, run: int) -> None:
    engine = create_engine(postgres_db_url)
    try:
        with engine.begin() as connection:
            name = connection.execute(text("select current_database()")).scalar_one()
            tables = connection.execute(
                text("select count(*) from information_schema.tables where table_schema='public'")
            ).scalar_one()
            connection.execute(text("create table marker (run integer)"))
            connection.execute(text("insert into marker values (:run)"), {"run": run})
    finally:
        engine.dispose()
    assert name != postgres.DATABASE
    assert name.startswith("shopperkit_t_")
    assert tables == 0


def test_two_databases_are_distinct_and_dropped_even_while_in_use(postgres_url: str) -> None:
    first, second = postgres.unique_database_name(), postgres.unique_database_name()
    assert first != second
    postgres.create_database(postgres_url, first)
    postgres.create_database(postgres_url, second)
    first_url = postgres.database_url(postgres_url, first)
    second_url = postgres.database_url(postgres_url, second)
    engine = create_engine(first_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("create table only_in_first (x integer)"))
        assert _scalar(second_url, "select to_regclass('only_in_first') is null") is True
        lingering = engine.connect()  # a session left open must not block the drop
        postgres.drop_database(postgres_url, first)
        lingering.invalidate()
    finally:
        engine.dispose()
        postgres.drop_database(postgres_url, second)
    names = _scalar(
        postgres_url,
        f"select count(*) from pg_database where datname in ('{first}', '{second}')",
    )
    assert names == 0


def test_db_url_is_a_working_store_database(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("create table visit (id integer primary key, note text)"))
            connection.execute(text("insert into visit values (1, 'مرحبا')"))
        with engine.connect() as connection:
            note = connection.execute(text("select note from visit where id = 1")).scalar_one()
        dialect = engine.dialect.name
    finally:
        engine.dispose()
    assert note == "مرحبا"
    assert dialect in db_url.split(":", 1)[0]


@external
def test_start_and_stop_leave_nothing_behind(postgres_url: str) -> None:
    server = postgres.start_server("second")
    try:
        assert server.url("second") != postgres_url
        assert postgres.process_running(server.pid)
        assert not postgres.port_is_free(server.port)
        assert _scalar(server.url("second"), "select current_database()") == "second"
    finally:
        started = time.monotonic()
        postgres.stop_server(server)
        stopping = time.monotonic() - started
    assert not postgres.process_running(server.pid)
    assert postgres.port_is_free(server.port)
    assert not server.folder.exists()
    assert server.watchdog is not None
    assert server.watchdog.poll() is not None
    assert stopping < 10


@external
def test_a_killed_test_run_leaves_no_server_behind() -> None:
    script = textwrap.dedent(
        """
        import json, sys, time
        from tests import postgres
        server = postgres.start_server()
        print(json.dumps([server.pid, server.port, str(server.folder)]), flush=True)
        time.sleep(600)
        """
    )
    run = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert run.stdout is not None
        pid, port, folder = json.loads(run.stdout.readline())
        assert postgres.process_running(pid)
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
    assert _wait_gone(pid), "the server outlived the process that started it"
    deadline = time.monotonic() + 10
    while Path(folder).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(folder).exists()
    assert postgres.port_is_free(port)
