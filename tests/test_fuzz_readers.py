"""Fuzzing as tests: every file reader, and the commands that read what others wrote, given
arbitrary bytes and mutated valid files, ends in an accepted result or a coded error.

Never another exception, never a hang (a deadline per example, and an alarm that stops an
example stuck for much longer). Valid seeds are the files under ``examples/`` and what the
commands write. ``SHOPPERKIT_FUZZ_SCALE`` multiplies the number of examples of every test
(say 20 for a long hunt before a release).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import ShopperkitError
from shopperkit.forms import load_form
from shopperkit.io.applicants import read_applicants
from shopperkit.io.committee import read_scores as read_committee_scores
from shopperkit.io.draws import read_commitment, read_draw, read_result
from shopperkit.io.events import read_events
from shopperkit.io.operations import read_directory, read_shoppers, read_targets
from shopperkit.io.pool import read_pool
from shopperkit.io.quotas import read_quotas
from shopperkit.io.scores import read_scores
from shopperkit.io.status import read_status_log
from shopperkit.io.verdicts import read_verdicts
from shopperkit.messages import builtin_messages
from shopperkit.programmes import load_programme
from shopperkit.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
QATAR = ROOT / "plugins/shopperkit-qatar-cgb/src/shopperkit_qatar_cgb"
SECRET = "fuzzing secret, 32 bytes long..."
EXIT_INTERNAL = 70

SCALE = max(1, int(os.environ.get("SHOPPERKIT_FUZZ_SCALE", "1") or 1))
DEADLINE = timedelta(seconds=5)
HANG = 60
"""Seconds after which an example is stopped as hung (the deadline fails it sooner when it
ends at all)."""


def fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Hypothesis settings of one fuzz test: ``examples`` (times the scale), the deadline."""
    return settings(
        max_examples=examples * SCALE,
        deadline=DEADLINE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- mutations ----------------------------------------------------------------------------

DEEP = "[" * 100 + "]" * 100
HOSTILE = (
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999999",
    "0.1e999999999",
    "99999999999999999999",
    "-1",
    "0",
    DEEP,
    '{"a":1,"a":2}',
    "\u2028",
    "\u2029",
    "\u0085",
    '"\\ud800"',
    "\\udc00",
    "\x00",
    "=cmd|' /C calc'!A0",
    "'=1+1",
    "'",
    "@SUM(A1)",
    "x" * 5000,
    "علي بن محمد",
    "2022-02-30",
    "9999-12-31",
    "",
    "null",
    "true",
    "[]",
    "{}",
    '""',
    "\r",
    "\ufeff",
    "<script>alert(1)</script>",
    "&a [*a, *a, *a]",
    "*a",
    "!!python/object/apply:os.system ['true']",
    "${x}",
    "a\tb",
    ",",
    '"',
    "\n",
)
"""Tokens a hostile or careless input carries."""

# A JSON value after a key, a YAML or TOML value after its key, or a CSV cell.
_FIELD = re.compile(
    rb'(?<=": )(?:"(?:[^"\\\n]|\\.)*"|[-0-9.eE+]+|true|false|null)'
    rb'|(?<=":)(?:"(?:[^"\\\n]|\\.)*"|[-0-9.eE+]+|true|false|null)'
    rb"|(?<=: )[^\n#]+|(?<== )[^\n]+|(?<=,)[^,\n]*|^[^,\n:]+(?=,)",
    re.MULTILINE,
)
_KEY = re.compile(rb'"[^"\\\n]{1,40}"\s*:')


def _token(draw: st.DrawFn) -> bytes:
    token = draw(st.sampled_from(HOSTILE))
    if draw(st.booleans()):
        token = json.dumps(token)  # as a JSON string, escaped
    return token.encode("utf-8", "surrogatepass")


RAW_VALUES = ("NaN", "1e999999", "-1e999999", "99999999999999999999", "-1", "0", "0.5", DEEP)
"""Hostile values written as JSON tokens, not strings."""


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    yield path


def _json_value(draw: st.DrawFn, line: bytes) -> bytes | None:
    """``line`` (one JSON document) with one of its values, objects or lists replaced by a
    hostile value; None when ``line`` is not JSON."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    path = draw(st.sampled_from(list(_leaves(data))))
    marker = "@@hostile@@"
    if not path:
        data = marker
    else:
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        parent[path[-1]] = marker
    if draw(st.booleans()):
        value = draw(st.sampled_from(RAW_VALUES))
    else:
        value = json.dumps(draw(st.sampled_from(HOSTILE)), ensure_ascii=draw(st.booleans()))
    return json.dumps(data, ensure_ascii=False).replace(json.dumps(marker), value).encode()


MUTATIONS = ("flip", "insert", "delete", "truncate", "repeat", "drop", "field", "token", "key")


@st.composite
def mutated(draw: st.DrawFn, valid: bytes, kinds: tuple[str, ...] = MUTATIONS) -> bytes:
    """``valid`` after one to three mutations: a flipped, inserted or deleted byte, a cut, a
    line repeated or dropped, a hostile token in place of a field or anywhere, a key
    repeated, a JSON value replaced by a hostile one (still JSON)."""
    data = valid
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(kinds))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        lines = data.split(b"\n")
        line = draw(st.integers(0, max(len(lines) - 1, 0)))
        if kind == "flip" and data:
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif kind == "insert":
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + 1 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "repeat":
            data = b"\n".join([*lines[: line + 1], *lines[line:]])
        elif kind == "drop":
            data = b"\n".join([*lines[:line], *lines[line + 1 :]])
        elif kind == "field":
            fields = list(_FIELD.finditer(data))
            if fields:
                found = draw(st.sampled_from(fields))
                data = data[: found.start()] + _token(draw) + data[found.end() :]
        elif kind == "value":
            changed = _json_value(draw, data)
            if changed is not None:  # a JSON document
                data = changed
            else:  # JSON Lines, perhaps
                changed = _json_value(draw, lines[line])
                if changed is not None:
                    data = b"\n".join([*lines[:line], changed, *lines[line + 1 :]])
        elif kind == "token":
            data = data[:at] + _token(draw) + data[at:]
        else:
            keys = list(_KEY.finditer(data))
            if keys:
                found = draw(st.sampled_from(keys))
                data = data[: found.start()] + found.group() + b" 1, " + data[found.start() :]
    return data


def inputs(valid: bytes) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes (now and then), or ``valid`` mutated."""
    return st.one_of(
        st.binary(max_size=300),
        mutated(valid),
        mutated(valid, ("value", "field", "repeat", "drop")),
        mutated(valid, ("value",)),
    )


# -- running ------------------------------------------------------------------------------


class Hung(BaseException):
    """An example ran past :data:`HANG` seconds."""


@contextlib.contextmanager
def alarm(seconds: int = HANG) -> Iterator[None]:
    """Stop the block with :class:`Hung` after ``seconds`` (where the platform can)."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def known_code(code: str) -> bool:
    return code in builtin_messages()


def outcome(read: Callable[[], Any]) -> Any:
    """What ``read`` returns (iterators consumed), or the coded error it raises; any other
    exception fails the test."""
    with alarm():
        try:
            result = read()
            if isinstance(result, Iterator):
                result = list(result)
        except ShopperkitError as error:
            result = error
    if isinstance(result, ShopperkitError):
        assert known_code(result.code), result.code
    return result


def run(argv: list[str]) -> tuple[int, str, str]:
    """``shopperkit`` with ``argv``: exit code, standard output and standard error."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.StringIO()
    with alarm(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exited:  # an argument refused by the parser
            code = exited.code if isinstance(exited.code, int) else 2
    out.flush()
    assert isinstance(out.buffer, io.BytesIO)
    return code, out.buffer.getvalue().decode("utf-8"), err.getvalue()


def ran_cleanly(code: int, err: str) -> None:
    """Done (0), done with findings (1), or one coded error line (2); never internal."""
    assert code != EXIT_INTERNAL, err
    assert code in (0, 1, 2), (code, err)
    if code == 2:
        coded = [line for line in err.splitlines() if ": error: " in line]
        assert coded, err
        assert re.search(r"\[[a-z0-9_]+\]$", coded[-1]), coded[-1]
        assert known_code(coded[-1].rsplit("[", 1)[1].rstrip("]")), coded[-1]


@contextlib.contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- valid seeds written by the commands ---------------------------------------------------


@functools.cache
def made() -> Path:
    """A folder of files the commands wrote from the examples: a revealed draw with one
    replacement, screening results, scores, a status log; kept for the session."""
    base = Path(tempfile.mkdtemp(prefix="fuzz-seeds-"))
    pool = base / "pool.csv"
    pool.write_text(
        "id,residency,gender\n"
        + "".join(
            f"P{n:02d},{'citizen' if n % 3 == 0 else 'resident'},{'f' if n % 2 else 'm'}\n"
            for n in range(20)
        ),
        encoding="utf-8",
    )
    quotas = base / "quotas.csv"
    quotas.write_text(
        "feature,value,min,max\nresidency,citizen,2,4\nresidency,resident,0,2\n"
        "gender,f,1,3\ngender,m,1,3\n",
        encoding="utf-8",
    )
    draw = base / "draw"
    select = ["select", str(pool), "--quotas", str(quotas), "--seats", "4", "--out", str(draw)]
    assert run(select)[0] == 0
    assert run([*select, "--seed", "2026-12-03 public draw"])[0] == 0
    assert run(["verify", str(draw)])[0] == 0
    args = ["screen", "--programme", "qatar-cgb", str(EXAMPLES / "applicants.csv")]
    assert run([*args, "-o", str(base / "verdicts.json")])[0] == 0
    assert run([*args, "--format", "jsonl", "-o", str(base / "verdicts.jsonl")])[0] == 0
    args = ["score", "--programme", "qatar-cgb", str(EXAMPLES / "qatar/missions.jsonl")]
    assert run([*args, "--out", str(base / "scored")])[0] == 0
    os.environ.setdefault("SHOPPERKIT_PSEUDONYM_SECRET", SECRET)
    first = base / "report"
    args = ["report", "--programme", "qatar-cgb", str(base / "scored"), "--out", str(first)]
    assert run([*args, "--directory", str(EXAMPLES / "qatar/directory.json")])[0] == 0
    recommendation = json.loads((first / "recommendations.json").read_text("utf-8"))[0]["id"]
    log = base / "status.jsonl"
    change = ["recommendations", str(log), "--set", recommendation, "accepted"]
    change += ["--by", "quality office", "--on", "2026-01-05", "--note", "agreed"]
    assert run(change)[0] == 0
    applicants = base / "applicants.json"
    records = [
        {
            "id": "Q-001",
            "birth_date": "1990-04-12",
            "nationality": "Qatari",
            "residency": {"status": "citizen"},
            "applied_on": "2022-06-07",
        },
        {
            "id": "Q-002",
            "birth_date": "2004-07-06",
            "nationality": "Egyptian",
            "residency": {"status": "resident", "since": "2019-01-01"},
            "applied_on": "2022-06-08",
            "gender": "female",
        },
    ]
    applicants.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (base / "applicants.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    form = yaml.safe_load((EXAMPLES / "forms/example-visit.yaml").read_text("utf-8"))
    (base / "form.json").write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    return base


def seed(name: str) -> bytes:
    """The bytes of a seed file: under ``examples/`` or written by :func:`made`."""
    for base in (EXAMPLES, QATAR):
        if (base / name).exists():
            return (base / name).read_bytes()
    return (made() / name).read_bytes()


# -- readers ------------------------------------------------------------------------------

APPLICANTS = {
    "csv": seed("applicants.csv"),
    "json": seed("applicants.json"),
    "jsonl": seed("applicants.jsonl"),
}


@fuzz(40)
@given(suffix=st.sampled_from(sorted(APPLICANTS)), data=st.data())
@example(suffix="json", data=None).via("lone surrogate")
def test_applicants_of_any_shape_are_records_errors_or_a_coded_error(
    suffix: str, data: st.DataObject | None
) -> None:
    raw = data.draw(inputs(APPLICANTS[suffix])) if data else b'[{"id": "\\ud800"}]'
    with folder() as where:
        path = written(where / f"applicants.{suffix}", raw)
        outcome(lambda: read_applicants(path))


@fuzz(20)
@given(raw=st.binary(max_size=300))
def test_verdicts_files_of_any_bytes_read_or_raise_a_coded_error(raw: bytes) -> None:
    with folder() as where:  # no bytes at all: the valid file
        for name in ("verdicts.json", "verdicts.jsonl"):
            outcome(functools.partial(read_verdicts, written(where / name, raw or seed(name))))


@fuzz(20)
@given(name=st.sampled_from(["verdicts.json", "verdicts.jsonl"]), data=st.data())
def test_mutated_verdicts_read_or_raise_a_coded_error(name: str, data: st.DataObject) -> None:
    with folder() as where:
        path = written(where / name, data.draw(mutated(seed(name))))
        outcome(lambda: read_verdicts(path))


@fuzz(30)
@given(raw=inputs(seed("interview-scores.csv")))
def test_committee_scores_read_or_raise_a_coded_error(raw: bytes) -> None:
    policy = Registry().programme("qatar-cgb")
    from shopperkit.interview import InterviewPolicy

    with folder() as where:
        path = written(where / "scores.csv", raw)
        outcome(lambda: read_committee_scores(path, InterviewPolicy.of(policy)))


@fuzz(30)
@given(raw=inputs(seed("draw/pool.csv")))
def test_pools_read_or_raise_a_coded_error(raw: bytes) -> None:
    with folder() as where:
        path = written(where / "pool.csv", raw)
        outcome(lambda: read_pool(path))


@fuzz(30)
@given(raw=inputs(seed("draw/quotas.csv")), seats=st.sampled_from([1, 4, 10**6]))
@example(raw=b"feature,value,min,max\nr,c,0.1e999999999,1\n", seats=4).via("huge exponent")
@example(raw=b"feature,value,min,max\nr,c,1,99999999999999999999\n", seats=4).via("huge")
def test_quotas_read_or_raise_a_coded_error(raw: bytes, seats: int) -> None:
    with folder() as where:
        path = written(where / "quotas.csv", raw)
        outcome(lambda: read_quotas(path, seats))


DRAW_FILES = (
    "pool.csv",
    "quotas.csv",
    "distribution.csv",
    "probabilities.csv",
    "feasibility.json",
    "commitment.json",
    "cohort.csv",
    "result.json",
)


BYTE_FOR_BYTE = ("pool.csv", "quotas.csv", "distribution.csv", "probabilities.csv", "cohort.csv")
"""Draw files ``verify`` checks byte for byte."""


@contextlib.contextmanager
def tampered(name: str, data: st.DataObject) -> Iterator[Path]:
    """A copy of the draw directory :func:`made` wrote, with file ``name`` mutated (or now
    and then removed)."""
    with folder() as where:
        draw = where / "draw"
        shutil.copytree(made() / "draw", draw)
        if data.draw(st.integers(0, 9)) == 0:
            (draw / name).unlink()
        else:
            written(draw / name, data.draw(inputs((draw / name).read_bytes())))
        yield draw


@fuzz(60)
@given(name=st.sampled_from(DRAW_FILES), data=st.data())
def test_a_tampered_draw_reads_or_raises_a_coded_error(name: str, data: st.DataObject) -> None:
    with tampered(name, data) as draw:
        outcome(lambda: read_draw(draw))
        outcome(lambda: read_result(draw))
        outcome(lambda: read_commitment(draw / "commitment.json"))


@fuzz(25)
@given(name=st.sampled_from(DRAW_FILES), data=st.data())
def test_verify_of_a_tampered_draw_confirms_refutes_or_says_why(
    name: str, data: st.DataObject
) -> None:
    with tampered(name, data) as draw:
        code, out, err = run(["verify", str(draw)])
        ran_cleanly(code, err)
        if code in (0, 1):
            assert out.splitlines()[-1] == ("draw confirmed" if code == 0 else "draw REFUTED")
        changed = not (draw / name).exists() or (
            (draw / name).read_bytes() != (made() / "draw" / name).read_bytes()
        )
        if name in BYTE_FOR_BYTE and changed:
            assert code != 0, out  # a published file changed is never confirmed


@fuzz(40)
@given(raw=inputs(seed("operations/events.jsonl")))
def test_event_logs_read_or_raise_a_coded_error(raw: bytes) -> None:
    with folder() as where:
        path = written(where / "events.jsonl", raw)
        outcome(lambda: read_events(path))


@fuzz(30)
@given(raw=inputs(seed("status.jsonl")))
def test_status_logs_read_or_raise_a_coded_error(raw: bytes) -> None:
    with folder() as where:
        path = written(where / "status.jsonl", raw)
        outcome(lambda: read_status_log(path))


@fuzz(30)
@given(raw=inputs(seed("scored/scores.jsonl")[:6000]))
def test_scores_read_or_raise_a_coded_error(raw: bytes) -> None:
    with folder() as where:
        path = written(where / "scores.jsonl", raw)
        outcome(lambda: read_scores(path))


OPERATIONS: dict[str, Callable[[Path], object]] = {
    "operations/directory.json": read_directory,
    "qatar/directory.json": read_directory,
    "operations/shoppers.csv": read_shoppers,
    "operations/targets.csv": read_targets,
}


@fuzz(60)
@given(name=st.sampled_from(sorted(OPERATIONS)), data=st.data())
def test_operations_files_read_or_raise_a_coded_error(name: str, data: st.DataObject) -> None:
    with folder() as where:
        path = written(where / Path(name).name, data.draw(inputs(seed(name))))
        outcome(lambda: OPERATIONS[name](path))


@fuzz(20)
@given(raw=st.binary(max_size=300), data=st.data())
def test_shoppers_and_targets_as_json_read_or_raise_a_coded_error(
    raw: bytes, data: st.DataObject
) -> None:
    valid = json.dumps([{"id": "S-01", "languages": ["ar"]}]).encode()
    with folder() as where:
        path = written(where / "shoppers.json", data.draw(st.sampled_from([raw, valid])))
        outcome(lambda: read_shoppers(path))
        path = written(where / "targets.json", data.draw(mutated(b'[{"centre": "c", "week": 1}]')))
        outcome(lambda: read_targets(path))


FORMS = {"yaml": "forms/example-visit.yaml", "json": "form.json"}


@fuzz(40)
@given(suffix=st.sampled_from(sorted(FORMS)), data=st.data())
@example(suffix="yaml", data=None).via("alias bomb")
def test_forms_load_or_raise_a_coded_error(suffix: str, data: st.DataObject | None) -> None:
    bomb = b'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + b"".join(
        b"%c: &%c [*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c,*%c]\n" % ((98 + n,) * 2 + (97 + n,) * 9)
        for n in range(9)
    )
    raw = data.draw(inputs(seed(FORMS[suffix]))) if data else bomb
    with folder() as where:
        path = written(where / f"form.{suffix}", raw)
        outcome(lambda: load_form(path))


def toml_of(data: dict[str, Any]) -> bytes:
    """A programme as TOML: scalars first, then tables and lists inline."""

    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int | float):
            return repr(item)
        if isinstance(item, list):
            return "[" + ", ".join(value(x) for x in item) + "]"
        if isinstance(item, dict):
            return "{" + ", ".join(f"{json.dumps(k)} = {value(v)}" for k, v in item.items()) + "}"
        return json.dumps(item, ensure_ascii=False)

    ordered = sorted(data.items(), key=lambda pair: isinstance(pair[1], dict | list))
    return "".join(f"{json.dumps(key)} = {value(item)}\n" for key, item in ordered).encode()


PROGRAMMES = {
    "json": (QATAR / "qatar-cgb.json").read_bytes(),
    "toml": toml_of(json.loads((QATAR / "qatar-cgb.json").read_bytes())),
}


@fuzz(40)
@given(suffix=st.sampled_from(sorted(PROGRAMMES)), data=st.data())
def test_programmes_load_or_raise_a_coded_error(suffix: str, data: st.DataObject) -> None:
    with folder() as where:
        path = written(where / f"programme.{suffix}", data.draw(inputs(PROGRAMMES[suffix])))
        outcome(lambda: load_programme(path, Registry().programme))


def test_the_toml_seed_is_the_json_programme() -> None:
    with folder() as where:
        json_file = written(where / "p.json", PROGRAMMES["json"])
        toml_file = written(where / "p.toml", PROGRAMMES["toml"])
        assert load_programme(toml_file) == load_programme(json_file)


# -- commands given a mutated input --------------------------------------------------------


def assign_args(where: Path, files: dict[str, Path]) -> list[str]:
    return [
        "assign",
        "--programme",
        "qatar-cgb",
        str(files["shoppers.csv"]),
        str(files["targets.csv"]),
        "--directory",
        str(files["directory.json"]),
        "--from",
        "2026-01-04",
        "--to",
        "2026-01-31",
        "--out",
        str(where / "schedule"),
    ]


@fuzz(25)
@given(name=st.sampled_from(["shoppers.csv", "targets.csv", "directory.json"]), data=st.data())
def test_assign_given_a_mutated_input_never_fails_internally(
    name: str, data: st.DataObject
) -> None:
    with folder() as where:
        files = {
            other: written(where / other, seed(f"operations/{other}"))
            for other in ("shoppers.csv", "targets.csv", "directory.json")
        }
        written(files[name], data.draw(inputs(files[name].read_bytes())))
        ran_cleanly(*run(assign_args(where, files))[::2])


REPORT_INPUTS = ("scored/scores.jsonl", "status.jsonl", "qatar/directory.json", "shoppers.csv")


@fuzz(20)
@given(name=st.sampled_from(REPORT_INPUTS), data=st.data())
def test_report_given_a_mutated_input_never_fails_internally(
    name: str, data: st.DataObject
) -> None:
    with folder() as where:
        (where / "scored").mkdir()
        files = {
            "scored/scores.jsonl": written(where / "scored/scores.jsonl", seed(REPORT_INPUTS[0])),
            "status.jsonl": written(where / "status.jsonl", seed("status.jsonl")),
            "qatar/directory.json": written(where / "directory.json", seed("qatar/directory.json")),
            "shoppers.csv": written(where / "shoppers.csv", seed("operations/shoppers.csv")),
        }
        written(files[name], data.draw(inputs(files[name].read_bytes())))
        code, _, err = run(
            [
                "report",
                "--programme",
                "qatar-cgb",
                str(where / "scored"),
                "--out",
                str(where / "report"),
                "--status-log",
                str(files["status.jsonl"]),
                "--directory",
                str(files["qatar/directory.json"]),
                "--shoppers",
                str(files["shoppers.csv"]),
                "--formats",  # the readers are fuzzed here; printing PDFs adds nothing
                "html,md,csv",
            ]
        )
        ran_cleanly(code, err)


@fuzz(30)
@given(raw=inputs(seed("operations/events.jsonl")), person=st.sampled_from(["Q-001", "Q-004"]))
@example(
    raw=b'{"id": "\\r", "person": "Q-001", "kind": "applied", "at": "2022-06-07"}\n'
    b'{"id": "\\r", "person": "Q-001", "kind": "screened", "at": "2022-07-10"}\n',
    person="Q-001",
).via("an id with a line break, repeated: the error stays one line")
def test_history_given_a_mutated_log_never_fails_internally(raw: bytes, person: str) -> None:
    with folder() as where:
        log = written(where / "events.jsonl", raw)
        code, out, err = run(["history", person, "--events", str(log), "--programme", "qatar-cgb"])
        ran_cleanly(code, err)
        if code == 0:
            assert json.loads(out)["person"] == person


@fuzz(30)
@given(raw=inputs(seed("status.jsonl")), note=st.sampled_from(HOSTILE))
def test_recommendations_given_a_mutated_log_never_fails_internally(raw: bytes, note: str) -> None:
    with folder() as where:
        log = written(where / "status.jsonl", raw)
        ran_cleanly(*run(["recommendations", str(log)])[::2])
        change = ["recommendations", str(log), "--set", "R-1", "accepted", "--by", "office"]
        code, _, err = run([*change, "--on", "2026-02-01", f"--note={note}"])
        ran_cleanly(code, err)
        if code == 0:  # what was appended reads back, note and all
            ran_cleanly(*run(["recommendations", str(log)])[::2])


# -- accepted + rejected = read, for the batch commands (test_safe_text covers the readers) --


def lines_of(valid: bytes, data: st.DataObject) -> list[bytes]:
    """One to eight lines, each a line of ``valid`` (mutated now and then) or arbitrary
    bytes, none containing a line feed."""
    choices = [line for line in valid.split(b"\n") if line.strip()]
    lines = data.draw(
        st.lists(st.sampled_from(choices) | st.binary(max_size=40), min_size=1, max_size=8)
    )
    lines = [data.draw(mutated(line)) if data.draw(st.booleans()) else line for line in lines]
    return [line.replace(b"\n", b" ") for line in lines]


def counted(lines: list[bytes]) -> int:
    """How many of ``lines`` a reader of JSON Lines reads as records: a blank line is
    skipped, and a byte order mark is dropped only where the file starts."""
    return sum(
        bool((line.removeprefix(b"\xef\xbb\xbf") if number == 0 else line).strip())
        for number, line in enumerate(lines)
    )


@fuzz(25)
@given(data=st.data())
def test_screen_writes_one_verdict_or_error_per_line_read(data: st.DataObject) -> None:
    lines = lines_of(seed("applicants.jsonl"), data)
    with folder() as where:
        path = written(where / "a.jsonl", b"\n".join(lines) + b"\n")
        out = where / "v.jsonl"
        argv = ["screen", "--programme", "qatar-cgb", str(path), "--format", "jsonl"]
        code, _, err = run([*argv, "-o", str(out)])
        ran_cleanly(code, err)
        assert code == 0, err
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        rejected = sum("errors" in record for record in records)
        accepted = sum("status" in record and "errors" not in record for record in records)
        assert accepted + rejected == len(records) == counted(lines)
        assert f"screened {len(records)}:" in err


@fuzz(25)
@given(data=st.data())
def test_score_writes_one_score_or_reject_per_line_read(data: st.DataObject) -> None:
    lines = lines_of(seed("forms/example-evaluations.jsonl"), data)
    with folder() as where:
        path = written(where / "e.jsonl", b"\n".join(lines) + b"\n")
        form = str(EXAMPLES / "forms/example-visit.yaml")
        code, _, err = run(["score", str(path), "--form", form, "--out", str(where / "out")])
        ran_cleanly(code, err)
        assert code == 0, err
        accepted = len((where / "out/scores.jsonl").read_text("utf-8").splitlines())
        rejected = len((where / "out/rejects.jsonl").read_text("utf-8").splitlines())
        read = counted(lines)
        assert accepted + rejected == read
        assert f"scored {read}: accepted {accepted}, rejected {rejected}" in err


@fuzz(30)
@given(data=st.data())
def test_committee_scores_account_for_every_row_read(data: st.DataObject) -> None:
    from shopperkit.interview import InterviewPolicy
    from shopperkit.io.files import csv_rows

    header, *_ = seed("interview-scores.csv").split(b"\n")
    rows = [line.replace(b'"', b"") for line in lines_of(seed("interview-scores.csv"), data)]
    rows = [row for row in rows if row != header]
    policy = InterviewPolicy.of(Registry().programme("qatar-cgb"))
    with folder() as where:
        path = written(where / "scores.csv", b"\n".join([header, *rows]) + b"\n")
        refused: str | None
        try:
            read = len(list(csv_rows(path, ("applicant",))[1]))
        except ShopperkitError as error:  # not UTF-8, say: the whole file is refused
            refused = error.code
        else:
            refused = None
        if refused is not None:
            assert outcome(lambda: read_committee_scores(path, policy)).code == refused
            return
        known = {"Q-001", "Q-002"}
        scores, errors = read_committee_scores(path, policy, known)
        unknown = [
            error
            for error in errors
            if [problem.code for problem in error.errors] == ["interview_applicant_unknown"]
        ]
        assert len(scores) + len(errors) - len(unknown) == read
        assert len(unknown) == sum(score.applicant not in known for score in scores)


# -- regressions found by fuzzing ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "\x00id: x\n",  # a character YAML forbids, refused before parsing started
        "id: x\nversion: 2022-02-30\n",  # an impossible date
        "id: x\ntags: !!set {a, b}\n",  # a value JSON cannot hold
        "id: x\nlogo: !!binary aGVsbG8=\n",
        "id: x\n? [a, b]\n: 1\n",  # a key that is not one value
        "id: x\n1: one\n",  # a key that is not text
        "id: x\nyes: true\n",
    ],
)
def test_yaml_a_json_document_cannot_hold_is_yaml_malformed(text: str) -> None:
    with folder() as where:
        path = where / "form.yaml"
        path.write_text(text, encoding="utf-8")
        error = outcome(lambda: load_form(path))
        assert isinstance(error, ShopperkitError)
        assert error.code == "yaml_malformed"
        assert str(path) in str(error)


@pytest.mark.parametrize("text", ['""', "1", "[]", "null", '{"feasible": "yes"}'])
def test_a_feasibility_report_of_another_shape_is_a_coded_error(text: str) -> None:
    with folder() as where:
        draw = where / "draw"
        shutil.copytree(made() / "draw", draw)
        (draw / "feasibility.json").write_text(text, encoding="utf-8")
        error = outcome(lambda: read_draw(draw))
        assert isinstance(error, ShopperkitError)
        assert "feasibility.json" in str(error)
        code, _, err = run(["verify", str(draw)])
        assert code == 2
        assert err.rstrip().endswith(f"[{error.code}]")
