"""Screening a large applicants file on every core, written as the serial path writes it.

The main process reads the file (CSV or JSON Lines) in chunks of :data:`CHUNK` records and
hands each chunk, as a file in a private temporary folder, to a worker process, which builds
the applicants, screens them and writes every verdict or error record, encoded, to a file
again. The main process takes the chunks back in input order, finds repeated ids
(:class:`~shopperkit.io.applicants.FirstRows`, which only it keeps) and copies the records
to the output, so the output is byte for byte the serial one. At most :func:`in_flight`
chunks are out at a time, so memory does not grow with the file.

Workers are forked (the ``fork`` start method): they inherit the screener already built, so
nothing but rows and bytes crosses between processes. Where ``fork`` is missing the caller
stays serial (:func:`available`).
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from itertools import islice
from multiprocessing.pool import AsyncResult
from pathlib import Path
from typing import IO, Any

from shopperkit.errors import ShopperkitError
from shopperkit.io.applicants import (
    FirstRows,
    csv_source,
    duplicate,
    jsonl_lines,
    jsonl_record,
)
from shopperkit.io.verdicts import VerdictEncoder
from shopperkit.model.people import Applicant
from shopperkit.model.verdicts import Status, Verdict
from shopperkit.problems import RecordError

CHUNK = 4000
"""Records a worker screens at a time."""
SWITCH_INTERVAL = 5e-4
"""Seconds between hand-overs of the interpreter lock in the main process while a pool runs."""
MIN_BYTES = 4 << 20
"""Input files smaller than this are screened serially: a pool is not worth starting."""
STATUSES = (*(status.value for status in Status), "error")
"""Every outcome counted, in the order of the one-byte codes workers send back."""
_ERROR = len(STATUSES) - 1
_CODE = {status: index for index, status in enumerate(Status)}

Made = tuple[int, str | None, Any]
"""A record made by a reader: ``(row, raw id, Applicant or its problems)``."""
Screened = tuple[list[str | None], bytes, dict[int, str | None]]
"""What a worker says of a chunk: the id of each applicant (None for error records), one
status code a record, and the raw ids that differ from the applicant's id. The encoded
records themselves are in a file (:func:`_screen_file`)."""


class _Job:
    """What forked workers inherit: how to make a record, screen it and join the records."""

    def __init__(
        self,
        file: str,
        make: Callable[[Any], Made],
        screen: Callable[[Applicant], Verdict],
        separator: bytes,
    ) -> None:
        self.file = file
        self.make = make
        self.screen = screen
        self.separator = separator
        self.encode = VerdictEncoder().json


_job: _Job | None = None  # set in the main process just before the pool forks


def available() -> bool:
    """Whether this platform can fork worker processes."""
    return "fork" in multiprocessing.get_all_start_methods()


def in_flight(jobs: int) -> int:
    """Chunks handed out at most at a time: enough to keep ``jobs`` workers busy."""
    return 2 * jobs + 2


_STOPPING = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _quiet() -> None:
    # Ctrl-C reaches the whole process group; the main process alone decides what to do. A
    # worker ends at once on SIGTERM or SIGHUP (the pool ends its workers with SIGTERM).
    # Workers are forked with these signals held (see ``_forking``): only now, with the
    # worker's own handlers in place, may they arrive.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)


def _screen_file(folder: str, number: int) -> Screened:
    """Screens chunk ``number``: reads ``<number>.in`` from ``folder``, writes the encoded
    records, joined by the output's separator, to ``<number>.out``. Chunks travel as files,
    not through pipes: a pipe moves megabytes in small pieces, each waiting for the main
    process's interpreter lock, and the main process copies a file to the output without
    reading it."""
    job = _job
    assert job is not None, "workers are forked after the job is set"
    source = Path(folder, f"{number}.in")
    rows, items = marshal.loads(source.read_bytes())
    source.unlink()
    make, screen, encode, file = job.make, job.screen, job.encode, job.file
    encoded: list[bytes] = []
    ids: list[str | None] = []
    codes = bytearray()
    raw_ids: dict[int, str | None] = {}
    for index, item in enumerate(zip(rows, items, strict=True)):
        row, raw_id, result = make(item)
        if isinstance(result, Applicant):
            verdict = screen(result)
            encoded.append(encode(verdict))
            ids.append(result.id)
            codes.append(_CODE[verdict.status])
            if raw_id != result.id:
                raw_ids[index] = raw_id
        else:
            encoded.append(encode(RecordError(file, row, raw_id, tuple(result))))
            ids.append(None)
            codes.append(_ERROR)
    Path(folder, f"{number}.out").write_bytes(job.separator.join(encoded))
    return ids, bytes(codes), raw_ids


def _jsonl_made(item: tuple[int, bytes]) -> Made:
    return jsonl_record(*item)


def _chunks(items: Iterator[Any]) -> Iterator[list[Any]]:
    """``items`` in lists of :data:`CHUNK`; a reading error comes after the records read
    before it, as it does serially."""
    chunk: list[Any] = []
    try:
        while chunk := list(islice(items, CHUNK)):
            yield chunk
            chunk = []
    except ShopperkitError:
        if chunk:
            yield chunk
        raise


def screen_to_stream(
    path: Path,
    screen: Callable[[Applicant], Verdict],
    stream: IO[bytes],
    *,
    jobs: int,
    json_list: bool,
    counts: MutableMapping[str, int],
    warn: Callable[[str], None] = lambda _: None,
) -> None:
    """Screens each applicant of ``path`` (``.csv``, ``.jsonl`` or ``.ndjson``) in ``jobs``
    worker processes and writes the verdicts and error records to ``stream`` as JSON Lines,
    or as a JSON list one value a line when ``json_list``; ``counts`` gains one for each
    record's status (or ``error``).

    The bytes are those :func:`~shopperkit.io.files.write_json_lines` (or
    :func:`~shopperkit.io.files.write_json_list`) writes for the results of
    :func:`~shopperkit.io.applicants.read_applicants` encoded by
    :class:`~shopperkit.io.verdicts.VerdictEncoder`. An error stops the workers and leaves
    nothing behind but what was already written.
    """
    global _job
    suffix = path.suffix.lower()
    items: Iterator[Any]
    make: Callable[[Any], Made]
    if suffix == ".csv":
        items, make = csv_source(path, warn)
    elif suffix in (".jsonl", ".ndjson"):
        items = jsonl_lines(path)
        make = _jsonl_made
    else:
        raise ValueError(f"not a CSV or JSON Lines file: {path}")
    output = _Output(stream, json_list)
    _job = _Job(str(path), make, screen, output.separator)
    # Frozen objects are never scanned by the workers' garbage collector, so the pages they
    # share with this process stay shared instead of being copied.
    gc.freeze()
    # Signals are held while the workers are forked: a worker inherits the main process's
    # handlers, and a SIGTERM before it has its own would run them in the worker.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_quiet)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        gc.unfreeze()
        _job = None
    folder = tempfile.mkdtemp(prefix="shopperkit-screen-")
    # The pool's threads hand chunks to the workers and take their answers; the default 5 ms
    # between hand-overs of the interpreter lock would leave workers waiting on them.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
    try:
        _ordered(pool, _chunks(items), jobs, folder, str(path), counts, output)
        output.close()
        pool.close()
    finally:
        sys.setswitchinterval(interval)
        pool.terminate()
        pool.join()
        shutil.rmtree(folder, ignore_errors=True)


class _Output:
    """Writes blocks of encoded records: JSON Lines, or a JSON list one value a line."""

    def __init__(self, stream: IO[bytes], json_list: bool) -> None:
        self.stream = stream
        self.json_list = json_list
        self.separator = b",\n" if json_list else b"\n"
        self.started = False
        try:
            self.fileno: int | None = stream.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
            self.fileno = None

    def _before(self) -> None:
        if self.json_list:
            self.stream.write(b",\n" if self.started else b"[\n")
        elif self.started:
            self.stream.write(b"\n")
        self.started = True

    def block(self, data: bytes) -> None:
        """Records joined by the separator."""
        self._before()
        self.stream.write(data)

    def file(self, path: Path) -> None:
        """Records joined by the separator, in the file at ``path``: copied by the kernel
        when the stream is a file or pipe."""
        if self.fileno is None:
            self.block(path.read_bytes())
            return
        self._before()
        self.stream.flush()
        with path.open("rb") as source:
            size = os.fstat(source.fileno()).st_size
            offset = 0
            while offset < size:
                sent = os.sendfile(self.fileno, source.fileno(), offset, size - offset)
                if not sent:
                    raise OSError(f"could not copy {path}")
                offset += sent

    def close(self) -> None:
        """Ends the output."""
        if self.json_list:
            self.stream.write(b"\n]\n" if self.started else b"[]\n")
        elif self.started:
            self.stream.write(b"\n")


def _ordered(
    pool: Any,
    chunks: Iterable[list[Any]],
    jobs: int,
    folder: str,
    file: str,
    counts: MutableMapping[str, int],
    output: _Output,
) -> None:
    first_row = FirstRows()
    encode = VerdictEncoder().json
    pending: deque[tuple[int, list[int], AsyncResult[Screened]]] = deque()

    def finish(number: int, rows: list[int], done: AsyncResult[Screened]) -> None:
        ids, codes, raw_ids = done.get()  # raises what the worker raised
        target = Path(folder, f"{number}.out")
        for index, status in enumerate(STATUSES):
            counts[status] += codes.count(index)
        repeats = first_row.repeats(ids, rows)
        if not repeats:
            output.file(target)
            target.unlink()
            return
        # Compact JSON holds no raw newline: the block splits back into its records.
        encoded = target.read_bytes().split(output.separator)
        target.unlink()
        for index, first in repeats.items():
            ident = ids[index]
            assert ident is not None
            problem = duplicate(ident, first)
            raw_id = raw_ids.get(index, ident)
            encoded[index] = encode(RecordError(file, rows[index], raw_id, (problem,)))
            counts[STATUSES[codes[index]]] -= 1
            counts["error"] += 1
        output.block(output.separator.join(encoded))

    try:
        try:
            for number, chunk in enumerate(chunks):
                rows = [item[0] for item in chunk]
                data = marshal.dumps((rows, [item[1] for item in chunk]))
                Path(folder, f"{number}.in").write_bytes(data)
                pending.append((number, rows, pool.apply_async(_screen_file, (folder, number))))
                while len(pending) >= in_flight(jobs):
                    finish(*pending.popleft())
        except ShopperkitError:
            while pending:
                finish(*pending.popleft())
            raise
        while pending:
            finish(*pending.popleft())
    finally:
        first_row.close()
