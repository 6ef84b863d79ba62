"""Hostile input through the real command line: every one ends in a coded, one-line error
(exit 2) or a reported finding, never a hang, an internal error or a replaced device."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.io.documents import parse_document
from shopperkit.io.files import MAX_JSON_DEPTH, parse_json
from shopperkit.messages import render

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
APPLICANTS = EXAMPLES / "applicants.csv"
FORM = EXAMPLES / "forms" / "example-visit.yaml"
EVALUATIONS = EXAMPLES / "forms" / "example-evaluations.jsonl"
POOL = "id,citizen\n" + "".join(
    f"P{i:02d},{'citizen' if i % 3 == 0 else 'resident'}\n" for i in range(30)
)
QUOTAS = "feature,value,min,max\ncitizen,citizen,1,{max}\ncitizen,resident,0,4\n"


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    """The one error line the command printed on standard error."""
    lines = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
    assert len(lines) == 1, lines
    assert "internal error" not in lines[0]
    return lines[0]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- outputs ---------------------------------------------------------------------------------


def screen_to(output: Path) -> int:
    return main(["screen", "--programme", "qatar-cgb", str(APPLICANTS), "-o", str(output)])


def test_an_output_that_is_a_folder_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    assert screen_to(folder) == 2
    assert error_line(capsys).endswith(
        f"{folder}: " + render("output_not_a_file", {}) + " [output_not_a_file]"
    )
    assert folder.is_dir()
    assert list(tmp_path.iterdir()) == [folder]  # no temporary file left behind


def test_an_output_that_is_a_fifo_is_refused_and_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert screen_to(fifo) == 2
    assert "output is a folder, device or pipe" in error_line(capsys)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_an_output_that_is_a_device_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert screen_to(Path(os.devnull)) == 2
    assert os.devnull in error_line(capsys)
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)


def test_an_output_below_a_file_is_a_coded_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = write(tmp_path / "file", "x")
    assert screen_to(blocker / "out.json") == 2
    assert "cannot write output" in error_line(capsys)
    assert blocker.read_text() == "x"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_standard_output_is_a_coded_error() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "shopperkit",
                "screen",
                "--programme",
                "qatar-cgb",
                str(APPLICANTS),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "shopperkit: error: standard output: the system refused to read or write: "
        "No space left on device [system_failure]"
    ]


def test_an_argument_that_is_not_utf8_is_named_not_fatal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    name = os.fsdecode(b"\xff.json")
    assert main(["screen", "--programme", "qatar-cgb", name]) == 2
    assert error_line(capsys) == "shopperkit: error: \\xff.json: file not found [file_not_found]"


# --- JSON and YAML ---------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900, 5000])
def test_deep_json_is_refused_in_every_reader(
    depth: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * depth + "]" * depth
    applicants = write(tmp_path / "applicants.json", deep)
    assert main(["screen", "--programme", "qatar-cgb", str(applicants)]) == 2
    assert f"nested deeper than {MAX_JSON_DEPTH} levels" in error_line(capsys)
    programme = write(tmp_path / "programme.json", '{"a":' * depth + "1" + "}" * depth)
    assert main(["screen", "--programme", str(programme), str(APPLICANTS)]) == 2
    assert "nested deeper" in error_line(capsys)


def test_duplicate_keys_are_refused_in_json_records(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    applicants = write(tmp_path / "a.jsonl", '{"id": "A1", "id": "A2"}\n')
    assert main(["screen", "--programme", "qatar-cgb", str(applicants)]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["status"] == "error"
    assert record["row"] == 1
    assert record["errors"][0]["message"] == "duplicate key 'id'"
    broken = write(tmp_path / "a.json", '[{"id": "A1"}, {"id": "A2", "id": "A3"}]')
    assert main(["screen", "--programme", "qatar-cgb", str(broken)]) == 2
    assert error_line(capsys).endswith(f"{broken}: duplicate key 'id' [duplicate_key]")


def test_a_yaml_alias_bomb_is_refused_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    bomb = write(tmp_path / "bomb.yaml", "\n".join(lines) + "\n")
    assert main(["lint-form", str(bomb)]) == 2
    assert "YAML expands to more than" in error_line(capsys)


def test_a_yaml_alias_inside_itself_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = write(tmp_path / "loop.yaml", "a: &a\n  - *a\n")
    assert main(["lint-form", str(loop)]) == 2
    assert "refers to the value that contains it" in error_line(capsys)


@pytest.mark.parametrize("weight", [".nan", ".inf", "-.inf"])
def test_non_finite_form_weights_are_refused_by_lint_and_score(
    weight: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = FORM.read_text(encoding="utf-8")
    assert "weight: " in text
    form = tmp_path / "form.yaml"
    before, _, after = text.partition("weight: ")
    write(form, before + "weight: " + weight + "\n" + after.partition("\n")[2])
    assert main(["lint-form", str(form)]) == 2
    assert "is not a finite number" in error_line(capsys)
    out = tmp_path / "scores"
    assert main(["score", str(EVALUATIONS), "--form", str(form), "--out", str(out)]) == 2
    assert "is not a finite number" in error_line(capsys)


# --- numbers and arguments -------------------------------------------------------------------


@pytest.mark.parametrize("bound", ["99999999999999999999", "0.1e999999999", "nan", "inf", "²"])
def test_quota_values_out_of_range_are_refused_before_arithmetic(
    bound: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = write(tmp_path / "pool.csv", POOL)
    quotas = write(tmp_path / "quotas.csv", QUOTAS.format(max=bound))
    args = ["select", str(pool), "--quotas", str(quotas), "--seats", "5"]
    assert main([*args, "--out", str(tmp_path / "draw")]) == 2
    line = error_line(capsys)
    assert f"quotas.csv:2: max: '{bound}' is not a whole number of seats" in line


@pytest.mark.parametrize("value", ["1e999999999", "NaN", "Infinity", "-0.5"])
@pytest.mark.parametrize("name", ["probabilities.csv", "distribution.csv"])
def test_verify_refuses_probabilities_that_are_not_plain_decimals(
    name: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = write(tmp_path / "pool.csv", POOL)
    quotas = write(tmp_path / "quotas.csv", QUOTAS.format(max=4))
    out = tmp_path / "draw"
    args = ["select", str(pool), "--quotas", str(quotas), "--seats", "5", "--seed", "1"]
    assert main([*args, "--out", str(out)]) == 0
    capsys.readouterr()
    published = out / name
    header, first, *rest = published.read_text(encoding="utf-8").splitlines()
    cells = first.split(",")
    cells[header.split(",").index("probability")] = value
    write(published, "\n".join([header, ",".join(cells), *rest]) + "\n")
    assert main(["verify", str(out)]) == 2
    assert "a probability is not a decimal number" in error_line(capsys)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "1000000000000"], "--size 1000000000000 is outside 1 to 1000000"),
        (["--size", "-5"], "--size -5 is outside 1 to 1000000"),
        (["--size", "0"], "--size 0 is outside 1 to 1000000"),
        (["--evaluations", "-1"], "--evaluations -1 is outside 1 to 1000000"),
    ],
)
def test_demo_sizes_are_bounded(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--out", str(tmp_path / "demo"), *args]) == 2
    assert error_line(capsys) == f"shopperkit: error: {message} [argument_out_of_range]"
    assert not (tmp_path / "demo").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--k", "0"], "--k 0 is outside 1 to 1000000"),
        (["--k", "-3"], "--k -3 is outside 1 to 1000000"),
        (["--language", "../../x"], "'../../x' is not a report language of the programme"),
        (["--language", 'en,"fr'], "'\"fr' is not a report language of the programme"),
    ],
)
def test_report_refuses_nonsense_switches(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scores = tmp_path / "scores"
    scores.mkdir()
    out = tmp_path / "report"
    assert main(["report", str(scores), "--programme", "qatar-cgb", "--out", str(out), *args]) == 2
    assert message in error_line(capsys)
    assert not out.exists()
    assert not (tmp_path.parent / "x").exists()


# --- committee scores ------------------------------------------------------------------------


def test_duplicate_and_unknown_interview_scores_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = EXAMPLES.joinpath("interview-scores.csv").read_text(encoding="utf-8").splitlines()
    header, first = rows[0], rows[1]
    scores = write(
        tmp_path / "scores.csv",
        "\n".join([*rows, first.replace("4", "1"), "NOBODY,member-1,credibility,4"]) + "\n",
    )
    outcomes = tmp_path / "outcomes.jsonl"
    pool = tmp_path / "pool.csv"
    args = ["interview", str(APPLICANTS), str(scores), "--programme", "qatar-cgb"]
    assert main([*args, "--pool", str(pool), "--outcomes", str(outcomes)]) == 0
    err = capsys.readouterr().err
    duplicate_row, unknown_row = len(rows) + 1, len(rows) + 2
    applicant, member, criterion, _ = first.split(",")
    assert header.startswith("applicant,member,criterion")
    assert (
        f"{scores}:{duplicate_row}: score: member '{member}' already scored '{criterion}' "
        "for this applicant at row 2"
    ) in err
    assert f"{scores}:{unknown_row}: applicant: score for 'NOBODY'" in err
    assert '"applicant":"NOBODY"' in outcomes.read_text(encoding="utf-8")
    assert applicant


# --- any bytes -------------------------------------------------------------------------------

JSON_PIECES = st.sampled_from(
    ['{"a":', '{"a":1,"a":', "[", "]", "}", ",", "1e999", "NaN", '"\\ud800"']
)


def outcome(text: bytes | str, name: str | None = None) -> str:
    """``"data"`` when the text is read, else the coded error's code."""
    try:
        parse_json(text) if name is None else parse_document(str(text), name)
    except InputError as error:
        return error.code
    return "data"


@given(st.one_of(st.binary(max_size=300), st.lists(JSON_PIECES, max_size=200).map("".join)))
def test_any_text_is_json_data_or_a_coded_error(text: bytes | str) -> None:
    assert outcome(text) in {
        "data",
        "json_malformed",
        "json_too_deep",
        "duplicate_key",
        "number_not_finite",
    }


YAML_PIECES = st.sampled_from(
    ["a: &a [1, 2]\n", "b: [*a, *a]\n", "- ", "&x ", "*x", "\n  ", ".nan"]
)


@given(st.lists(YAML_PIECES, max_size=60).map("".join))
def test_any_yaml_is_data_or_a_coded_error(text: str) -> None:
    assert outcome(text, "form.yaml") in {
        "data",
        "yaml_malformed",
        "yaml_too_large",
        "yaml_recursive",
        "json_too_deep",
        "duplicate_key",
        "number_not_finite",
    }


KEYS = st.text(alphabet='ab":\\ ', max_size=3)
VALUES = st.recursive(
    st.none() | st.integers() | st.text(alphabet='ab":\\ \n', max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)


@given(
    st.lists(st.tuples(KEYS, VALUES), max_size=5),
    st.sampled_from([":", " :", ":\n", "\t: "]),
    st.booleans(),
)
def test_a_key_written_twice_is_found_however_the_json_is_spaced(
    pairs: list[tuple[str, object]], colon: str, nested: bool
) -> None:
    members = [f"{json.dumps(key)}{colon}{json.dumps(value)}" for key, value in pairs]
    text = "{" + ", ".join(members) + "}"
    if nested:
        text = f'[1, {{"outer"{colon}{text}}}]'
    keys = [key for key, _ in pairs]
    if len(set(keys)) < len(keys):
        assert outcome(text) == "duplicate_key"
    else:
        expected = dict(pairs)
        assert parse_json(text) == ([1, {"outer": expected}] if nested else expected)


def test_a_demo_whose_pool_cannot_meet_the_quotas_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--size", "100", "--out", str(tmp_path / "demo")]) == 2
    line = error_line(capsys)
    assert "no cohort can meet every quota; these bounds conflict: residency=citizen" in line


OPERATIONS = EXAMPLES / "operations"


@pytest.mark.parametrize("visits", ["²", "99999999999999999999", "1000001", "0", "-2", "nan"])
def test_target_counts_outside_the_range_are_refused(
    visits: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    targets = write(
        tmp_path / "targets.csv",
        f"centre,service,channel,week,visits,journey\nmoi-doha,moi-id-renewal,visit,1,{visits},\n",
    )
    args = ["assign", "--programme", "qatar-cgb", str(OPERATIONS / "shoppers.csv"), str(targets)]
    args += ["--directory", str(OPERATIONS / "directory.json")]
    args += ["--from", "2026-01-04", "--to", "2026-01-31", "--out", str(tmp_path / "plan")]
    assert main(args) == 2
    assert f"visits: '{visits}' is not one of 1 to 1000000" in error_line(capsys)


@pytest.mark.parametrize("jobs", ["1000000000", "257", "0", "-3"])
def test_screen_jobs_are_bounded(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["screen", "--programme", "qatar-cgb", str(APPLICANTS), "--jobs", jobs])
    assert stopped.value.code == 2
    assert f"argument --jobs: '{jobs}' is not a number of processes (1 to 256)" in (
        capsys.readouterr().err
    )
