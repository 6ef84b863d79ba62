"""Interrupted commands and file modes: a command stopped by Ctrl-C, SIGTERM or SIGHUP leaves
the previous complete outputs and no temporary file; outputs follow the user's umask and a
replaced file keeps its mode. Real processes, real signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from shopperkit.errors import InputError
from shopperkit.forms import load_form
from shopperkit.io.files import STAGING_PREFIX, atomic_write, output_set
from shopperkit.synthetic import evaluations

FORM = Path(__file__).resolve().parent.parent / "examples/forms/example-visit.yaml"
RECORDS = 20_000


def write_evaluations(path: Path, seed: int, count: int = RECORDS) -> None:
    form = load_form(FORM)
    with path.open("w", encoding="utf-8") as stream:
        for record in evaluations(form, count, seed=seed):
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def shopperkit(*args: str, umask: int | None = None) -> subprocess.Popen[bytes]:
    def before() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.Popen(
        [sys.executable, "-m", "shopperkit", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=before,
    )


def finish(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    _, error = process.communicate(timeout=300)
    return process.returncode, error.decode("utf-8", "replace")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert process.poll() is None, "the command ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.005)


def staging(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.startswith(STAGING_PREFIX)]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("evaluations")
    first, second = folder / "first.jsonl", folder / "second.jsonl"
    write_evaluations(first, seed=1)
    write_evaluations(second, seed=2)
    return first, second


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)],
)
def test_stopped_score_keeps_the_previous_outputs(
    inputs: tuple[Path, Path], tmp_path: Path, signum: int, code: int
) -> None:
    first, second = inputs
    out = tmp_path / "out"
    score = ("--form", str(FORM), "--out", str(out), "--cards", "--by", "centre")
    done, error = finish(shopperkit("score", str(first), *score))
    assert done == 0, error
    before = snapshot(out)
    assert set(before) == {
        "scores.jsonl",
        "rejects.jsonl",
        "aggregates.json",
        "cards.jsonl",
        "cards.txt",
    }

    process = shopperkit("score", str(second), *score)
    # Stopped while the new outputs are being written, cards not yet begun.
    wait_for(lambda: bool(staging(out)), process)
    process.send_signal(signum)
    stopped, error = finish(process)

    assert stopped == code, error
    assert "Traceback" not in error
    assert snapshot(out) == before  # the previous outputs, whole; nothing else beside them


def test_stopped_while_writing_cards_leaves_no_new_scores(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = inputs
    out = tmp_path / "out"
    score = ("--form", str(FORM), "--out", str(out), "--cards")
    assert finish(shopperkit("score", str(first), *score))[0] == 0
    before = snapshot(out)

    process = shopperkit("score", str(second), *score)
    wait_for(lambda: any(path.glob("cards.txt") for path in staging(out)), process)
    process.send_signal(signal.SIGINT)
    assert finish(process)[0] == 130
    assert snapshot(out) == before


def test_a_whole_run_replaces_every_output(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = inputs
    out = tmp_path / "out"
    score = ("--form", str(FORM), "--out", str(out), "--cards")
    assert finish(shopperkit("score", str(first), *score))[0] == 0
    before = snapshot(out)
    assert finish(shopperkit("score", str(second), *score))[0] == 0
    after = snapshot(out)
    assert set(after) == set(before)
    assert all(after[name] != before[name] for name in after if name != "rejects.jsonl")
    scores = [json.loads(line)["id"] for line in after["scores.jsonl"].splitlines()]
    cards = [json.loads(line)["evaluation"] for line in after["cards.jsonl"].splitlines()]
    assert cards == scores == [f"e-{n:07d}" for n in range(1, RECORDS + 1)]


def test_stopped_parallel_screen_leaves_no_chunks(tmp_path: Path) -> None:
    from shopperkit.io.applicants import write_applicants_csv
    from shopperkit.registry import Registry
    from shopperkit.synthetic import applicants

    source = tmp_path / "applicants.csv"
    programme = Registry().programme("qatar-cgb")
    write_applicants_csv(source, applicants(120_000, seed=3, programme=programme))
    chunks = tmp_path / "tmp"
    chunks.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    verdicts = out / "verdicts.jsonl"
    verdicts.write_text("previous\n", encoding="utf-8")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "shopperkit", "screen", str(source), "--jobs", "2"),
            *("--programme", "qatar-cgb", "--format", "jsonl", "--output", str(verdicts)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(chunks)},
    )
    wait_for(lambda: any(chunks.iterdir()) and bool(staging(out)), process)
    process.send_signal(signal.SIGTERM)
    assert finish(process)[0] == 143
    assert list(chunks.iterdir()) == []
    assert snapshot(out) == {"verdicts.jsonl": b"previous\n"}


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_new_outputs_follow_the_umask(tmp_path: Path, mask: int) -> None:
    out = tmp_path / "out"
    examples = Path(__file__).resolve().parent.parent / "examples/forms"
    command = ("score", str(examples / "example-evaluations.jsonl"), "--form", str(FORM))
    assert finish(shopperkit(*command, "--out", str(out), "--cards", umask=mask))[0] == 0
    assert len(list(out.iterdir())) == 5
    for path in out.iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~mask, path.name


def test_replaced_outputs_keep_their_mode(tmp_path: Path) -> None:
    out = tmp_path / "out"
    examples = Path(__file__).resolve().parent.parent / "examples/forms"
    command = ("score", str(examples / "example-evaluations.jsonl"), "--form", str(FORM))
    assert finish(shopperkit(*command, "--out", str(out)))[0] == 0
    (out / "scores.jsonl").chmod(0o640)
    (out / "aggregates.json").chmod(0o444)
    (out / "scores.jsonl").write_bytes(b"old\n")
    (out / "rejects.jsonl").unlink()
    assert finish(shopperkit(*command, "--out", str(out), umask=0o077))[0] == 0
    assert (out / "scores.jsonl").stat().st_mode & 0o777 == 0o640
    assert (out / "scores.jsonl").read_bytes() != b"old\n"
    assert (out / "aggregates.json").stat().st_mode & 0o777 == 0o444
    assert (out / "rejects.jsonl").stat().st_mode & 0o777 == 0o600


def test_an_output_set_is_all_or_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a", encoding="utf-8")
    (tmp_path / "c").mkdir()

    def write_three() -> None:
        with output_set():
            atomic_write(tmp_path / "a.txt", "new a")
            atomic_write(tmp_path / "b.txt", "new b")
            atomic_write(tmp_path / "c", "a folder is never replaced")

    with pytest.raises(InputError) as refused:
        write_three()
    assert refused.value.code == "output_not_a_file"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "c"]
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old a"

    with output_set():
        atomic_write(tmp_path / "a.txt", "new a")
        atomic_write(tmp_path / "sub" / "b.txt", "new b")
        assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "old a"
        assert not (tmp_path / "sub" / "b.txt").exists()
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new a"
    assert (tmp_path / "sub" / "b.txt").read_text(encoding="utf-8") == "new b"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.txt", "c", "sub"]
    assert sorted(path.name for path in (tmp_path / "sub").iterdir()) == ["b.txt"]
