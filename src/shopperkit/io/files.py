"""Atomic writes, streaming writers, JSON encoding and tabular readers shared by every command.

This is the one home of JSON encoding: :func:`json_bytes` and :func:`json_line` (compact,
UTF-8, C speed) for data and JSON Lines, :func:`dumps` for the few files people read and
diff by hand, and :func:`parse_json` for every JSON text read.
"""

from __future__ import annotations

import contextlib
import csv

try:
    import fcntl
except ImportError:  # not on this platform: writers are not kept apart
    fcntl = None  # type: ignore[assignment]
import io
import json
import math
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any, TextIO, cast

import orjson

from shopperkit.errors import InputError
from shopperkit.io.schemas import check

_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS
_LINE_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE
WRITE_BUFFER = 1 << 20
"""Bytes a streaming writer gathers before each write to the file."""


STAGING_PREFIX = ".shopperkit-staging-"
"""Start of the name of the hidden folder an :class:`OutputSet` writes into, beside its
targets; it is removed when the set is committed or discarded."""
_HELD_SIGNALS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextmanager
def _signals_held() -> Iterator[None]:
    """Keep Ctrl-C, SIGTERM and SIGHUP waiting while files are renamed or removed; they
    arrive, as usual, as soon as the block ends."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _umask() -> int:
    """The process's file mode creation mask, read without changing it where the system
    tells it (Linux), so other threads never see a changed mask."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The permissions ``path`` gets when written: its own when it exists, else what a new
    file gets under the user's umask."""
    with contextlib.suppress(OSError):
        status = path.stat()
        if stat.S_ISREG(status.st_mode):
            return stat.S_IMODE(status.st_mode)
    return 0o666 & ~_umask()


def _unwritable(error: OSError, path: Path) -> InputError:
    return InputError(
        "output_unwritable", {"reason": error.strerror or str(error)}, where=str(path)
    )


class OutputSet:
    """Output files that replace their targets together.

    Each file is written whole into a hidden staging folder (:data:`STAGING_PREFIX`) in its
    target's folder; :meth:`commit` renames every one onto its target, with Ctrl-C, SIGTERM
    and SIGHUP held back meanwhile, and :meth:`discard` removes them. So a reader, or a run
    that is interrupted, sees the previous complete outputs or the new complete outputs,
    never a mixture and never a temporary file. A new file gets the user's umask; a replaced
    file keeps its mode. Made by :func:`output_set`.
    """

    def __init__(self) -> None:
        self._folders: dict[Path, Path] = {}
        self._staged: dict[Path, Path] = {}

    def open(self, path: Path) -> int:
        """A new file descriptor, open for writing, of ``path``'s staged file."""
        check_output_path(path)
        # Signals wait while a folder or file is made and noted, so none is left unnoted.
        with _signals_held():
            try:
                folder = path.parent
                folder.mkdir(parents=True, exist_ok=True)
                staging = self._folders.get(folder)
                if staging is None:
                    staging = Path(tempfile.mkdtemp(dir=folder, prefix=STAGING_PREFIX))
                    self._folders[folder] = staging
                staged = staging / path.name
                handle = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            except OSError as error:
                raise _unwritable(error, path) from None
            self._staged[path] = staged
        try:
            os.fchmod(handle, _mode_for(path))
        except OSError as error:
            os.close(handle)
            raise _unwritable(error, path) from None
        return handle

    def drop(self, path: Path) -> None:
        """Forget ``path``: its staged file is removed and its target left as it was."""
        staged = self._staged.pop(path, None)
        if staged is not None:
            with _signals_held():
                staged.unlink(missing_ok=True)

    def commit(self) -> None:
        """Rename every staged file onto its target, then remove the staging folders."""
        with _signals_held():
            try:
                for path in self._staged:
                    check_output_path(path)
                for path, staged in self._staged.items():
                    try:
                        os.replace(staged, path)
                    except OSError as error:
                        raise _unwritable(error, path) from None
            finally:
                self._remove()

    def discard(self) -> None:
        """Remove every staged file and staging folder; no target changes."""
        with _signals_held():
            self._remove()

    def _remove(self) -> None:
        for staging in self._folders.values():
            shutil.rmtree(staging, ignore_errors=True)
        self._folders.clear()
        self._staged.clear()


_CURRENT_SET: ContextVar[OutputSet | None] = ContextVar("shopperkit_output_set", default=None)


@contextmanager
def output_set(*, own: bool = False) -> Iterator[OutputSet]:
    """Gather every file written inside the block (:func:`atomic_write`,
    :func:`atomic_binary`, :func:`atomic_stream`) into one :class:`OutputSet`: committed when
    the block ends well, discarded when it raises (Ctrl-C included). Inside another
    ``output_set`` block this joins the outer set, unless ``own``: then the block's files
    are committed when it ends (as a writer holding a lock needs)."""
    current = _CURRENT_SET.get()
    if current is not None and not own:
        yield current
        return
    outputs = OutputSet()
    token = _CURRENT_SET.set(outputs)
    try:
        yield outputs
    except BaseException:
        outputs.discard()
        raise
    finally:
        _CURRENT_SET.reset(token)
    try:
        outputs.commit()
    except BaseException:
        outputs.discard()
        raise


@contextmanager
def _staged_file(path: Path, mode: str, buffering: int = -1) -> Iterator[IO[Any]]:
    with output_set() as outputs:
        handle = outputs.open(path)
        try:
            encoding = None if "b" in mode else "utf-8"
            newline = None if "b" in mode else ""
            with os.fdopen(handle, mode, buffering, encoding=encoding, newline=newline) as stream:
                yield stream
        except BaseException:
            outputs.drop(path)
            raise


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see the old file or the new one, never half
    (inside :func:`output_set`, when the whole set is committed)."""
    with atomic_stream(path) as stream:
        stream.write(text)


def check_output_path(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` can become a regular file: ``output_not_a_file``
    when it is a folder, a device, a FIFO or a socket (which are never replaced), and
    ``output_unwritable`` when it cannot be looked at."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise _unwritable(error, path) from None
    if not stat.S_ISREG(status.st_mode):
        raise InputError("output_not_a_file", where=str(path))


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the folder of ``path`` for this writer alone while the block runs: another
    process's ``locked`` on the same folder waits until the block ends. For a read, check
    and rewrite of a log file by several officers at once."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(folder, os.O_RDONLY)
    except OSError as error:
        raise _unwritable(error, path) from None
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def split_list(text: str) -> tuple[str, ...]:
    """The items of a semicolon-separated CSV cell, stripped, empty ones dropped."""
    return tuple(part.strip() for part in text.split(";") if part.strip())


FORMULA_STARTS = "=+-@\t\r"
"""First characters that make a spreadsheet read a cell as a formula."""
CELL_ESCAPE = "'"
"""Written before a text cell a spreadsheet would execute, and before a text cell that starts
with this character itself (so readers know which ones to undo)."""
_ESCAPED_STARTS = FORMULA_STARTS + CELL_ESCAPE
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as a CSV writer writes it: a text that starts with ``=``, ``+``, ``-``, ``@``,
    a tab, a carriage return or ``'`` gets a leading ``'``, so a spreadsheet shows it as text
    instead of running it. A plain number (``-0.5``, ``+3``, ``-1e-9``) and a cell of blanks
    only are left as they are."""
    if cell and cell[0] in _ESCAPED_STARTS and cell.strip() and not _PLAIN_NUMBER.fullmatch(cell):
        return CELL_ESCAPE + cell
    return cell


def spreadsheet_text(cell: str) -> str:
    """The text a cell written by :func:`spreadsheet_safe` holds: one leading ``'`` removed
    when a formula character or another ``'`` follows it; any other cell is kept."""
    if cell[:1] == CELL_ESCAPE and cell[1:2] and cell[1] in _ESCAPED_STARTS:
        return cell[1:]
    return cell


def _safe_value(value: object) -> object:
    return spreadsheet_safe(value) if type(value) is str else value


def _plain_row(values: Sequence[object]) -> bool:
    """Whether the CSV writer writes ``values`` joined by commas: texts and integers only, no
    text holding a comma, a quote or a line break, and not one empty cell alone (written
    ``""``)."""
    for value in values:
        kind = type(value)
        if kind is str:
            text = cast(str, value)
            # Four searches for one character each beat one regular expression many times.
            if "," in text or '"' in text or "\n" in text or "\r" in text:
                return False
        elif kind is not int:
            return False
    return len(values) != 1 or values[0] != ""


class CsvWriter:
    """Writes CSV rows ending in ``\\n`` to a text stream, a cell holding a carriage return
    quoted (the standard writer quotes only the characters of its line ending), so every
    reader sees the rows that were written."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._plain = csv.writer(stream, lineterminator="\n")
        self._buffer = io.StringIO()
        self._quoting = csv.writer(self._buffer, lineterminator="\r\n")

    def writerow(self, values: Sequence[object]) -> None:
        """Write one row."""
        if _plain_row(values):
            # What the writer would write, without its character-by-character scan.
            self._stream.write(",".join([str(value) for value in values]) + "\n")
        elif any(type(value) is str and "\r" in value for value in values):
            self._buffer.seek(0)
            self._buffer.truncate()
            self._quoting.writerow(values)
            self._stream.write(self._buffer.getvalue()[:-2] + "\n")
        else:
            self._plain.writerow(values)


def csv_text(header: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """CSV text with ``header`` and one line per row (missing values are empty).

    Every text cell, header included, goes through :func:`spreadsheet_safe`; numbers given
    as ``int`` or ``float``, and text that is a plain number, are written as they are.
    """
    names = list(header)
    return csv_table(names, ([row.get(name, "") for name in names] for row in rows))


def csv_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """:func:`csv_text` of rows given as their cells, in the order of ``header``."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow([spreadsheet_safe(name) for name in header])
    for cells in rows:
        writer.writerow([_safe_value(cell) for cell in cells])
    return buffer.getvalue()


def dumps(data: Any) -> str:
    """Stable, readable JSON text, indented: fields keep their model order, non-ASCII stays
    as written. For the small files people read and diff; data files use :func:`json_bytes`."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


_LINE_BREAKS = (
    (b"\xc2\x85", b"\\u0085"),
    (b"\xe2\x80\xa8", b"\\u2028"),
    (b"\xe2\x80\xa9", b"\\u2029"),
)


def escape_line_breaks(encoded: bytes) -> bytes:
    """Encoded JSON with U+0085, U+2028 and U+2029 written as ``\\u`` escapes.

    Readers that split text on every Unicode line break (``str.splitlines``, editors,
    spreadsheets) would otherwise cut a JSON line in two. The other line-breaking characters
    are control characters, which JSON encoding escapes already. The bytes are first searched
    for single bytes of the three (fast), and copied only when one of them occurs.
    """
    # Single bytes are found at memchr speed: most texts lack a lead or a last byte.
    maybe = (0xE2 in encoded and (0xA8 in encoded or 0xA9 in encoded)) or (
        0xC2 in encoded and 0x85 in encoded
    )
    if maybe and (
        b"\xc2\x85" in encoded or b"\xe2\x80\xa8" in encoded or b"\xe2\x80\xa9" in encoded
    ):
        for raw, escaped in _LINE_BREAKS:
            encoded = encoded.replace(raw, escaped)
    return encoded


def json_bytes(data: Any) -> bytes:
    """Compact UTF-8 JSON: no spaces, fields in model order, non-ASCII as written.

    Dates are written as ISO text; a NaN or infinite float is written as ``null``; U+0085,
    U+2028 and U+2029 are escaped (:func:`escape_line_breaks`), so a value never spans lines.
    """
    return escape_line_breaks(orjson.dumps(data, option=_JSON_OPTIONS))


def json_line(data: Any) -> bytes:
    """One line of JSON Lines: :func:`json_bytes` and a newline, Unicode line breaks in text
    escaped (:func:`escape_line_breaks`), so the line stays one line for every reader."""
    return escape_line_breaks(orjson.dumps(data, option=_LINE_OPTIONS))


JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def is_json_lines(path: Path) -> bool:
    """Whether ``path`` names a JSON Lines file (``.jsonl`` or ``.ndjson``)."""
    return path.suffix.lower() in JSON_LINES_SUFFIXES


BATCH = 1024
"""Encoded values a streaming writer joins into one write."""


def write_json_list(stream: IO[bytes], encoded: Iterable[bytes]) -> None:
    """Write already-encoded JSON values (:func:`json_bytes`) as one JSON list, a value per
    line, as they come."""
    separator = b"[\n"
    batch: list[bytes] = []
    append = batch.append
    for value in encoded:
        append(value)
        if len(batch) == BATCH:
            stream.write(separator + b",\n".join(batch))
            separator = b",\n"
            batch.clear()
    if batch:
        stream.write(separator + b",\n".join(batch))
        separator = b",\n"
    stream.write(b"[]\n" if separator == b"[\n" else b"\n]\n")


def write_json_lines(stream: IO[bytes], encoded: Iterable[bytes]) -> None:
    """Write already-encoded JSON values (:func:`json_bytes`) as JSON Lines, as they come."""
    batch: list[bytes] = []
    append = batch.append
    for value in encoded:
        append(value)
        if len(batch) == BATCH:
            append(b"")
            stream.write(b"\n".join(batch))
            batch.clear()
    if batch:
        append(b"")
        stream.write(b"\n".join(batch))


def write_records(path: Path | None, items: Iterable[Any]) -> None:
    """JSON-ready ``items`` to ``path`` (atomically) or standard output, streamed: JSON Lines
    when ``path`` ends in ``.jsonl`` or ``.ndjson``, else a JSON list, one item a line."""
    with output_stream(path) as stream:
        encoded = map(json_bytes, items)
        if path is not None and is_json_lines(path):
            write_json_lines(stream, encoded)
        else:
            write_json_list(stream, encoded)


class _NonFinite:
    """Stands in, while looking for it, for a number JSON cannot hold."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def _number(text: str) -> float | _NonFinite:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _find_non_finite(data: Any, path: str = "$") -> tuple[str, str] | None:
    if isinstance(data, _NonFinite):
        return path, data.text
    if isinstance(data, float) and not math.isfinite(data):
        return path, "NaN" if math.isnan(data) else "Infinity" if data > 0 else "-Infinity"
    if isinstance(data, dict):
        for key, value in data.items():
            found = _find_non_finite(value, f"{path}.{key}")
            if found is not None:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found = _find_non_finite(value, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def check_finite(data: Any) -> None:
    """Raise :class:`InputError` ``number_not_finite`` (parameters ``path`` and ``value``) if
    parsed JSON data holds a NaN or an infinite number; the caller adds where."""
    found = _find_non_finite(data)
    if found is not None:
        raise InputError("number_not_finite", {"path": found[0], "value": found[1]})


MAX_JSON_DEPTH = 64
"""Deepest nesting of lists and objects any JSON read may have."""
_LONG_INTEGER = re.compile(rb"[0-9]{19}")
"""Nineteen digits in a row: an integer that may not fit 64 bits (or a long text)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise InputError("duplicate_key", {"key": key})
            seen.add(key)
    return result


def keys_written(raw: bytes) -> int:
    """How many keys ``raw`` writes, or more: once whitespace is dropped, ``":`` ends every
    key; a string holding an escaped quote then a colon only adds to the count."""
    return raw.translate(None, b" \t\r\n").count(b'":')


_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


def keys_and_long_digits(raw: bytes) -> tuple[int, bool]:
    """:func:`keys_written`, and whether ``raw`` has nineteen digits in a row (an integer
    orjson may read as a float, or a long text): both in one pass over the bytes."""
    bare = raw.translate(_DIGITS_AS_ZERO, b" \t\r\n")
    return bare.count(b'":'), b"0" * 19 in bare


_LARGE = 1e18
"""Every integer of nineteen digits or more is at least this large."""


def _survey(data: Any) -> tuple[int, bool]:
    """Keys in every object of ``data``, and whether it holds a float of magnitude
    :data:`_LARGE` or more (which a long integer read by orjson would be)."""
    keys, large = 0, type(data) is float and not -_LARGE < data < _LARGE
    pending = [data]
    while pending:
        value = pending.pop()
        if type(value) is dict:
            keys += len(value)
            children: Any = value.values()
        elif type(value) is list:
            children = value
        else:
            continue
        for child in children:
            kind = type(child)
            if kind is dict or kind is list:
                pending.append(child)
            elif kind is float and not -_LARGE < child < _LARGE:
                large = True
    return keys, large


def too_deep(data: Any) -> bool:
    """Whether lists and objects in ``data`` nest deeper than :data:`MAX_JSON_DEPTH`."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def parse_json(text: str | bytes) -> Any:
    """Strict JSON data from ``text``.

    Raises :class:`InputError` ``number_not_finite`` (parameters ``path``, the JSON path,
    and ``value``) for ``NaN``, ``Infinity`` or a number too large for a float,
    ``json_too_deep`` for lists and objects nested deeper than :data:`MAX_JSON_DEPTH`,
    ``duplicate_key`` for a key written twice in one object, and ``json_malformed`` for
    anything else that is not JSON. The caller adds where.
    """
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        reason = str(error)
    else:
        raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        if (raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH) and too_deep(data):
            raise InputError("json_too_deep", {"limit": MAX_JSON_DEPTH})
        keys, large = _survey(data)
        if large and _LONG_INTEGER.search(raw):
            # orjson reads an integer beyond 64 bits as a float, losing digits: read exactly.
            return json.loads(raw, object_pairs_hook=_unique_keys)
        if b"{" in raw and keys_written(raw) != keys:
            # As many keys written as read means none was written twice; otherwise (or
            # when a string holds '":') look closely.
            try:
                json.loads(text, object_pairs_hook=_unique_keys)
            except ValueError as error:  # accepted above; kept as a guard
                raise InputError("json_malformed", {"reason": str(error)}) from None
        return data
    if "depth" in reason or "recursion" in reason:
        raise InputError("json_too_deep", {"limit": MAX_JSON_DEPTH})
    try:
        lenient = json.loads(text, parse_constant=_NonFinite, parse_float=_number)
    except (ValueError, RecursionError):
        lenient = None
    check_finite(lenient)
    raise InputError("json_malformed", {"reason": reason})


def read_json(path: Path, schema: str | None = None) -> Any:
    """A JSON file's data, checked against ``schema`` when one is named; malformed JSON or a
    schema violation raises :class:`InputError` naming the file (and the JSON path)."""
    try:
        data = parse_json(open_text(path))
    except InputError as error:
        raise InputError(error.code, error.params, where=str(path)) from None
    if schema is not None:
        check(schema, data, where=str(path))
    return data


def read_jsonl(path: Path, schema: str) -> Iterator[tuple[str, int, Any]]:
    """Each non-blank line of a JSONL file as ``(where, line number, data)``, read as the
    file is consumed and checked against ``schema``; a line that is not JSON or breaks the
    schema raises :class:`InputError` naming file, line and JSON path."""
    for where, number, data in json_records(path):
        check(schema, data, where=where)
        yield where, number, data


def json_records(
    path: Path, progress: Callable[[int], object] | None = None
) -> Iterator[tuple[str, int, Any]]:
    """As :func:`read_jsonl`, without a schema: for a reader that checks records itself;
    ``progress`` is called with the bytes of each line read."""
    for number, line in binary_lines(path):
        if progress is not None:
            progress(len(line))
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = parse_json(line)
        except InputError as error:
            raise InputError(error.code, error.params, where=where) from None
        yield where, number, data


def binary_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` of a file, one at a time, a leading UTF-8 BOM dropped; a
    missing or unreadable file raises :class:`InputError` naming it."""
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise InputError("file_not_found", where=str(path)) from None
    except OSError as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None
    with stream:
        for number, line in enumerate(stream, start=1):
            yield number, line.removeprefix(b"\xef\xbb\xbf") if number == 1 else line


def open_bytes(path: Path) -> bytes:
    """The file's bytes, or an :class:`InputError` naming the file."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("file_not_found", where=str(path)) from None
    except OSError as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None


def open_text(path: Path) -> str:
    """The file's text, or an :class:`InputError` naming the file."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file_not_found", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None


def csv_rows(
    path: Path, required: tuple[str, ...], *, text: str | None = None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and ``(line number, row)`` pairs of a CSV file, read as they are consumed
    (or of the file's ``text``, when already read; ``path`` then names it in messages).

    A missing file, a header without a required column, broken quoting or text that is not
    UTF-8 raise :class:`InputError`; values are stripped of surrounding spaces, and the
    ``'`` a CSV writer puts before a formula-like cell (:func:`spreadsheet_safe`) is removed
    (:func:`spreadsheet_text`), so what was written is what is read.
    """
    header, rows = csv_lists(path, required, text=text)
    return header, ((line, dict(zip(header, values, strict=False))) for line, values in rows)


def csv_lists(
    path: Path, required: tuple[str, ...], *, text: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """As :func:`csv_rows`, each row a list of values in header order (padded with empty
    values to the header's length): the fast way through a large file."""
    stream: TextIO
    if text is not None:
        stream = io.StringIO(text, newline="")
    else:
        try:
            stream = path.open(encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise InputError("file_not_found", where=str(path)) from None
        except OSError as error:
            raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None
    reader = csv.reader(stream, strict=True)
    try:
        header = [spreadsheet_text(name.strip()) for name in next(reader)]
    except StopIteration:
        stream.close()
        raise InputError(
            "csv_missing_columns", {"columns": list(required)}, where=str(path)
        ) from None
    except csv.Error as error:
        stream.close()
        raise InputError("csv_malformed", {"reason": str(error)}, where=f"{path}:1") from None
    except UnicodeDecodeError as error:
        stream.close()
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None
    missing = [name for name in required if name not in header]
    if missing:
        stream.close()
        raise InputError("csv_missing_columns", {"columns": missing}, where=str(path))

    def rows() -> Iterator[tuple[int, list[str]]]:
        width = len(header)
        strip = str.strip
        with stream:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise InputError(
                        "csv_malformed", {"reason": str(error)}, where=f"{path}:{reader.line_num}"
                    ) from None
                except UnicodeDecodeError as error:
                    raise InputError(
                        "file_unreadable", {"reason": str(error)}, where=str(path)
                    ) from None
                values = list(map(strip, values))
                if "'" in "".join(values):  # rare: only then look at each cell
                    values = list(map(spreadsheet_text, values))
                if len(values) < width or not values[0]:
                    if not any(values):
                        continue
                    values += [""] * (width - len(values))
                yield reader.line_num, values

    return header, rows()


@contextmanager
def atomic_binary(path: Path) -> Iterator[IO[bytes]]:
    """A binary stream that replaces ``path`` only when closed without an error: readers see
    the old file or the whole new one, never half of it (see :class:`OutputSet`)."""
    with _staged_file(path, "wb", WRITE_BUFFER) as stream:
        yield stream


@contextmanager
def output_stream(path: Path | None) -> Iterator[IO[bytes]]:
    """Where a command writes many records: ``path`` atomically (:func:`atomic_binary`), or
    standard output as bytes when ``path`` is None."""
    if path is not None:
        with atomic_binary(path) as stream:
            yield stream
        return
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if isinstance(buffer, io.BufferedIOBase | io.RawIOBase):
        try:
            yield cast(IO[bytes], buffer)
            buffer.flush()
        except BrokenPipeError:
            # The reader stopped reading (``| head``): stop writing, quietly, as ``cat`` does.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return
    gathered = io.BytesIO()  # standard output replaced by a text-only stream
    yield gathered
    sys.stdout.write(gathered.getvalue().decode("utf-8"))


@contextmanager
def atomic_stream(path: Path) -> Iterator[TextIO]:
    """A text stream that replaces ``path`` only when closed without an error."""
    with _staged_file(path, "w") as stream:
        yield cast(TextIO, stream)
