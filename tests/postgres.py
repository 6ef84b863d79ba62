"""A throwaway PostgreSQL server for the test run.

Debian's binaries (``make test`` installs the ``postgresql`` package), a data folder in a
temporary directory, listening on 127.0.0.1 only, durability off for speed. As root, where
``initdb`` and ``postgres`` refuse to run, both run as the ``postgres`` system user.

A watchdog in its own session stops the server and removes its folder when the process that
started it is gone, so a killed test run leaves no server behind. Run as a script, this file
is that watchdog: ``python -I tests/postgres.py PID FOLDER BINDIR``.
"""

from __future__ import annotations

import contextlib
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ENV_URL = "SHOPPERKIT_TEST_POSTGRES_URL"
DATABASE = "shopperkit_test"
SUPERUSER = "postgres"
SYSTEM_USER = "postgres"
POSTGRES_ROOT = Path("/usr/lib/postgresql")


@dataclass(frozen=True)
class Server:
    """A running throwaway server and what is needed to stop it."""

    bindir: Path
    folder: Path
    port: int
    pid: int
    watchdog: subprocess.Popen[bytes] | None

    @property
    def data(self) -> Path:
        """The cluster's data directory."""
        return self.folder / "data"

    @property
    def log(self) -> Path:
        """The server's log file."""
        return self.folder / "postgres.log"

    def url(self, database: str = DATABASE) -> str:
        """A SQLAlchemy URL for ``database`` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"


def postgres_bindir(root: Path = POSTGRES_ROOT) -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has ``initdb``."""
    found = [path.parent for path in root.glob("*/bin/initdb") if path.parent.parent.name.isdigit()]
    if not found:
        raise RuntimeError(
            f"PostgreSQL is not installed (no {root}/*/bin/initdb); "
            "`make test` (or `make postgres`) installs Debian's postgresql"
        )
    return max(found, key=lambda bindir: int(bindir.parent.name))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_is_free(port: int) -> bool:
    """Whether nothing listens on ``port`` at 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def process_running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    # The state follows the command name, which is in parentheses and may hold spaces.
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _as_owner(command: list[str]) -> list[str]:
    """``command`` run as the ``postgres`` system user when we are root, else as is."""
    if os.geteuid() == 0:
        return ["runuser", "-u", SYSTEM_USER, "--", *command]
    return command


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _as_owner(command),
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _temporary_parent() -> str | None:
    """Where to make the server's folder: the usual temporary directory, unless root's
    ``TMPDIR`` is one the ``postgres`` user cannot reach, then ``/tmp``."""
    if os.geteuid() != 0:
        return None
    parent = Path(tempfile.gettempdir()).resolve()
    for folder in (parent, *parent.parents):
        if not folder.stat().st_mode & 0o001:
            return "/tmp"
    return None


def _start_watchdog(folder: Path, bindir: Path) -> subprocess.Popen[bytes]:
    """A process in its own session that cleans up ``folder`` once this process is gone."""
    script = str(Path(__file__).resolve())
    return subprocess.Popen(
        [sys.executable, "-I", script, str(os.getpid()), str(folder), str(bindir)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _postmaster_pid(data: Path) -> int | None:
    try:
        first = (data / "postmaster.pid").read_text().split("\n", 1)[0]
    except OSError:
        return None
    return int(first) if first.strip().isdigit() else None


def _log_tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start_server(database: str = DATABASE, *, timeout: float = 60.0) -> Server:
    """Create a cluster in a temporary folder, start it on a free port and create ``database``.

    The caller stops it with :func:`stop_server`; if the caller dies first, the watchdog does.
    """
    bindir = postgres_bindir()
    folder = Path(tempfile.mkdtemp(prefix="shopperkit-pg-", dir=_temporary_parent()))
    watchdog = _start_watchdog(folder, bindir)
    data, log = folder / "data", folder / "postgres.log"
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, SYSTEM_USER, SYSTEM_USER)
        initdb = [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust"]
        done = _run([*initdb, "-E", "UTF8", "--locale=C", "--no-sync"], timeout)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")
        for _attempt in range(5):
            port = free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {port} -k {shlex.quote(str(folder))}"
                " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w"]
            done = _run([*pg_ctl, "-t", str(int(timeout)), "-o", options, "start"], timeout + 5)
            if done.returncode == 0:
                break
            if "could not bind" not in _log_tail(log, 200):
                raise RuntimeError(f"PostgreSQL did not start:\n{done.stderr}{_log_tail(log)}")
        else:
            raise RuntimeError(f"PostgreSQL found no free port:\n{_log_tail(log)}")
        pid = _postmaster_pid(data)
        if pid is None:
            raise RuntimeError(f"PostgreSQL started but wrote no pid:\n{_log_tail(log)}")
        server = Server(bindir=bindir, folder=folder, port=port, pid=pid, watchdog=watchdog)
        wait_until_accepting(server.url("postgres"), timeout)
        create_database(server.url("postgres"), database)
    except BaseException:
        _stop_and_remove(folder, bindir)
        _end_watchdog(watchdog)
        raise
    return server


def _stop_and_remove(folder: Path, bindir: Path, timeout: float = 30.0) -> None:
    """Stop the server whose data is in ``folder`` (if running) and remove ``folder``."""
    data = folder / "data"
    pid = _postmaster_pid(data)
    if pid is not None and process_running(pid):
        with contextlib.suppress(subprocess.TimeoutExpired):
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], timeout)
        if process_running(pid):
            # Immediate shutdown: the postmaster tells its children to quit at once.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGQUIT)
            deadline = time.monotonic() + timeout
            while process_running(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
    shutil.rmtree(folder, ignore_errors=True)


def _end_watchdog(watchdog: subprocess.Popen[bytes] | None) -> None:
    if watchdog is None or watchdog.poll() is not None:
        return
    watchdog.terminate()
    try:
        watchdog.wait(10)
    except subprocess.TimeoutExpired:
        watchdog.kill()
        watchdog.wait()


def stop_server(server: Server) -> None:
    """Stop ``server`` (fast shutdown: sessions are ended), remove its folder and watchdog."""
    _stop_and_remove(server.folder, server.bindir)
    _end_watchdog(server.watchdog)


@contextlib.contextmanager
def given_or_started(url: str | None) -> Iterator[str | None]:
    """``url``, or a throwaway server's when Debian's PostgreSQL is installed, or None (for
    benchmarks, which measure PostgreSQL when they can)."""
    if url:
        yield url
        return
    try:
        postgres_bindir()
    except (FileNotFoundError, OSError, RuntimeError):
        yield None
        return
    server = start_server()
    try:
        yield server.url()
    finally:
        stop_server(server)


def _conninfo(url: str) -> str:
    """A libpq connection string for a SQLAlchemy ``postgresql+psycopg`` URL."""
    from sqlalchemy.engine import make_url

    plain = make_url(url).set(drivername="postgresql")
    return plain.render_as_string(hide_password=False)


def wait_until_accepting(url: str, timeout: float = 30.0) -> None:
    """Return once the server at ``url`` accepts a connection, or raise after ``timeout``."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(_conninfo(url), connect_timeout=5) as connection:
                connection.execute("select 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def database_url(url: str, database: str) -> str:
    """``url`` pointing at ``database`` instead."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


def unique_database_name(prefix: str = "shopperkit_t") -> str:
    """A database name no other test uses."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_database(url: str, name: str) -> None:
    """``CREATE DATABASE name TEMPLATE template0`` on the server at ``url``."""
    import psycopg

    with psycopg.connect(_conninfo(url), autocommit=True) as connection:
        connection.execute(
            f"CREATE DATABASE {_quote_identifier(name)} TEMPLATE template0 ENCODING 'UTF8'"
        )


def drop_database(url: str, name: str) -> None:
    """Drop database ``name`` on the server at ``url``, ending any session still in it."""
    import psycopg

    with psycopg.connect(_conninfo(url), autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {_quote_identifier(name)} WITH (FORCE)")


def _wait_for_exit(pid: int) -> None:
    """Block until process ``pid`` has exited."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except OSError:
        while process_running(pid):
            time.sleep(0.5)
        return
    try:
        select.select([handle], [], [])
    finally:
        os.close(handle)


def _watch(pid: int, folder: Path, bindir: Path) -> None:
    """The watchdog: once ``pid`` is gone, stop the server in ``folder`` and remove it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _wait_for_exit(pid)
    _stop_and_remove(folder, bindir)


if __name__ == "__main__":
    _watch(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
