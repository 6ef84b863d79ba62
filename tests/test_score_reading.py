"""Reading ``scores.jsonl``: the hand-written check accepts exactly what
``score.schema.json`` accepts, builds the model the converter builds, and a refused line
still gets the schema's coded error naming file, line and JSON path."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_type_hints

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import parse_json
from shopperkit.io.schemas import load_schema, validator
from shopperkit.io.scores import (
    ScoreLine,
    ScoresFile,
    iter_scores,
    plain_score,
    read_scores,
    score_conforms,
)
from shopperkit.model.evaluations import CHANNELS, ScoredEvaluation
from shopperkit.scoring.batch import score_record

LANGUAGES = ("ar", "en", "ur", "hi", "es", "zh", "fr", "ru")
ids = st.text(min_size=1, max_size=200)
numbers = st.one_of(st.integers(-(2**53), 2**53), st.floats(allow_nan=False, allow_infinity=False))
times = st.datetimes().map(lambda moment: moment.isoformat())
scores = st.dictionaries(st.text(max_size=8), st.one_of(st.none(), numbers), max_size=4)


points = st.fixed_dictionaries(
    {"earned": numbers, "possible": numbers.filter(lambda value: value >= 0)}
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """A record the schema accepts."""
    return {
        "id": draw(ids),
        "form": draw(ids),
        "form_version": draw(st.text(max_size=5)),
        "programme": draw(st.one_of(st.none(), st.text(max_size=5))),
        "shopper": draw(ids),
        "entity": draw(ids),
        "centre": draw(ids),
        "service": draw(ids),
        "channel": draw(st.sampled_from(CHANNELS)),
        "language": draw(st.sampled_from(LANGUAGES)),
        "visited_at": draw(times),
        "submitted_at": draw(st.one_of(st.none(), times, st.text(max_size=5))),
        "comment": draw(st.text(max_size=20)),
        "overall": draw(numbers),
        "sections": draw(scores),
        "items": draw(scores),
        "handoffs": draw(st.dictionaries(st.text(max_size=8), numbers, max_size=3)),
        "failed_critical": draw(st.lists(st.text(max_size=5), max_size=3)),
        "band": draw(st.one_of(st.none(), st.text(max_size=5))),
        "points": {
            "overall": draw(points),
            "sections": draw(st.dictionaries(st.text(max_size=8), st.none() | points, max_size=3)),
        },
    }


odd_values = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.text(max_size=3),
    st.just(""),
    st.just("x" * 201),
    st.sampled_from([*CHANNELS, *LANGUAGES, "EN", "bus"]),
    st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none()), max_size=2),
    st.dictionaries(st.text(max_size=3), st.one_of(st.none(), st.booleans(), numbers), max_size=2),
)


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """A valid record with a field changed, removed or added, or a nested value changed."""
    record = draw(records())
    field = draw(st.sampled_from(sorted(record)))
    how = draw(st.sampled_from(["replace", "remove", "add", "nested"]))
    if how == "replace":
        record[field] = draw(odd_values)
    elif how == "remove":
        del record[field]
    elif how == "add":
        record[draw(st.text(max_size=12))] = draw(odd_values)
    elif isinstance(record[field], dict | list) and record[field]:
        inner = record[field]
        if isinstance(inner, dict):
            inner[draw(st.sampled_from(sorted(inner)))] = draw(odd_values)
        else:
            inner[0] = draw(odd_values)
    return record


@given(records())
def test_valid_records_are_accepted_and_built_as_the_converter_builds(
    record: dict[str, Any],
) -> None:
    assert validator("score").is_valid(record)
    assert score_conforms(record)
    built = plain_score(record)
    try:
        expected = from_data(ScoredEvaluation, record)
    except InputError:
        assert built is None  # a date-time that does not parse: the converter explains
    else:
        assert built == expected
        assert built is not None
        assert score_record(built) == to_data(built)


@given(st.one_of(mutated(), odd_values))
def test_the_check_accepts_exactly_what_the_schema_accepts(data: Any) -> None:
    assert score_conforms(data) == validator("score").is_valid(data)


def _line(**changes: Any) -> bytes:
    record: dict[str, Any] = {
        "id": "e1",
        "form": "f",
        "form_version": "1",
        "programme": None,
        "shopper": "s1",
        "entity": "ent",
        "centre": "c",
        "service": "svc",
        "channel": "visit",
        "language": "en",
        "visited_at": "2026-01-05T09:00:00+04:00",
        "submitted_at": None,
        "comment": "",
        "overall": 80,
        "sections": {"a": 75.5, "b": None},
        "items": {"q1": 1},
        "handoffs": {},
        "failed_critical": [],
        "band": None,
        "points": {
            "overall": {"earned": 80, "possible": 100},
            "sections": {"a": {"earned": 75.5, "possible": 100}, "b": None},
        },
    }
    return orjson.dumps(record | changes) + b"\n"


def test_a_refused_line_is_explained_by_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "scores.jsonl"
    path.write_bytes(_line() + b"\n" + _line(id="e2", sections={"a": "high"}))
    with pytest.raises(InputError) as caught:
        read_scores(path)
    assert caught.value.code == "schema_violation"
    assert caught.value.where == f"{path}:3"
    assert "$.sections.a" in caught.value.params["reason"]


def test_a_bad_date_time_is_refused_by_the_converter(tmp_path: Path) -> None:
    path = tmp_path / "scores.jsonl"
    path.write_bytes(_line(visited_at="yesterday"))
    with pytest.raises(InputError) as caught:
        read_scores(path)
    assert caught.value.code == "structure_failed"
    assert caught.value.where == f"{path}:1"


def test_progress_counts_every_byte(tmp_path: Path) -> None:
    path = tmp_path / "scores.jsonl"
    path.write_bytes(_line() + b"\n" + _line(id="e2", overall=12.5))
    read: list[int] = []
    found = list(iter_scores(path, read.append))
    assert [s.overall for s in found] == [80.0, 12.5]
    assert sum(read) == path.stat().st_size


@given(st.lists(st.one_of(records(), mutated()), min_size=1, max_size=3))
def test_a_scores_file_reads_what_the_strict_reader_reads(
    tmp_path_factory: pytest.TempPathFactory, lines: list[Any]
) -> None:
    """Fast path or not, a scores file yields exactly the data the strict parser reads from
    a line the schema and the converter accept, and refuses the first line they refuse."""
    path = tmp_path_factory.mktemp("scores") / "scores.jsonl"
    written = [orjson.dumps(line) for line in lines]
    path.write_bytes(b"\n".join(written) + b"\n")
    expected: list[Any] = []
    refused = None
    for number, raw in enumerate(written, start=1):
        data = parse_json(raw)
        try:
            assert validator("score").is_valid(data)
            from_data(ScoredEvaluation, data)
        except (AssertionError, InputError):
            refused = number
            break
        expected.append(data)
    scores = ScoresFile(path)
    if refused is None:
        assert [record for _, record in scores.records()] == expected
        assert [scores.record_at(at) for at, _ in scores.records()] == expected
    else:
        with pytest.raises(InputError) as caught:
            list(scores.records())
        assert caught.value.where == f"{path}:{refused}"


@pytest.mark.parametrize(
    ("raw", "read"),
    [
        # orjson reads an integer past 64 bits as a float: the strict path reads it exactly.
        (b'"earned": 123456789012345678901234567890', 123456789012345678901234567890),
        # a comment holding '":' makes more keys appear written: read strictly, same data.
        (b'"earned": 80', 80),
    ],
)
def test_lines_the_fast_path_doubts_are_read_exactly(tmp_path: Path, raw: bytes, read: int) -> None:
    line = _line(comment='she said "wait": twice').replace(b'"earned":80', raw.replace(b" ", b""))
    path = tmp_path / "scores.jsonl"
    path.write_bytes(line)
    [(_, record)] = list(ScoresFile(path).records())
    assert record["points"]["overall"]["earned"] == read
    assert type(record["points"]["overall"]["earned"]) is int
    assert record["comment"] == 'she said "wait": twice'


def test_a_key_written_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scores.jsonl"
    path.write_bytes(_line().replace(b'"band":null', b'"band":null,"band":"A"'))
    with pytest.raises(InputError) as caught:
        list(ScoresFile(path).records())
    assert (caught.value.code, caught.value.where) == ("duplicate_key", f"{path}:1")


def test_a_file_changed_between_readings_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scores.jsonl"
    path.write_bytes(_line())
    scores = ScoresFile(path)
    assert len(list(scores.records())) == 1
    path.write_bytes(_line() + _line(id="e2"))
    with pytest.raises(InputError) as caught:
        list(scores.records())
    assert (caught.value.code, caught.value.where) == ("file_changed_while_read", str(path))


def test_a_scores_file_counts_every_byte_of_every_reading(tmp_path: Path) -> None:
    path = tmp_path / "scores.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + _line() + b"\n  \n" + _line(id="e2"))
    read: list[int] = []
    scores = ScoresFile(path, read.append)
    first = list(scores.records())
    again = list(scores.records())
    assert first == again
    assert [r["id"] for _, r in first] == ["e1", "e2"]
    assert sum(read) == 2 * path.stat().st_size


def test_the_compiled_score_type_holds_the_schema() -> None:
    """The type score lines are decoded into in compiled code names every field of
    ``score.schema.json`` and allows the same channels and languages."""
    hints = get_type_hints(ScoreLine, include_extras=True)
    schema = load_schema("score")
    assert set(hints) == set(schema["required"]) == set(schema["properties"])
    assert set(get_args(hints["channel"])) == set(schema["properties"]["channel"]["enum"])
    languages = load_schema("common")["$defs"]["language"]["enum"]
    assert set(get_args(hints["language"])) == set(languages)
