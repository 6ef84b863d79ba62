"""``shopperkit score`` and ``shopperkit lint-form`` end to end."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shopperkit.cli import main
from shopperkit.io.schemas import problems

FORMS = Path(__file__).resolve().parent.parent / "examples/forms"
FORM = FORMS / "example-visit.yaml"
EVALUATIONS = FORMS / "example-evaluations.jsonl"


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_score_writes_scores_rejects_and_aggregates(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "score",
            str(EVALUATIONS),
            "--form",
            str(FORM),
            "--out",
            str(out),
            "--by",
            "entity,month",
            "--cards",
        ]
    )
    assert code == 0
    scores, rejects = jsonl(out / "scores.jsonl"), jsonl(out / "rejects.jsonl")
    aggregates = json.loads((out / "aggregates.json").read_text(encoding="utf-8"))
    read = sum(1 for line in EVALUATIONS.read_text(encoding="utf-8").splitlines() if line.strip())
    assert len(scores) + len(rejects) == read == aggregates["read"]
    assert [r["id"] for r in scores] == ["e-0000001", "e-0000002", "e-0000003", "e-0000004"]
    assert [(r["row"], r["id"]) for r in rejects] == [(5, "e-0000005"), (6, "e-0000006"), (7, None)]
    assert {e["code"] for e in rejects[0]["errors"]} == {
        "answer_option_unknown",
        "answer_out_of_range",
    }
    for record in scores:
        assert problems("score", record) == []
    for record in rejects:
        assert problems("record-error", record) == []
    assert problems("aggregates", aggregates) == []
    for card in jsonl(out / "cards.jsonl"):
        assert problems("score-card", card) == []
    text = (out / "cards.txt").read_text(encoding="utf-8")
    # one card per accepted record, in input order, each headed by its evaluation's id
    headings = [block.splitlines()[0] for block in text.split("\n\n") if block.strip()]
    assert [h.split(" ")[0].strip("\u2068\u2069") for h in headings] == [r["id"] for r in scores]
    assert all("example-visit" in heading for heading in headings)
    # every group's count adds up to the accepted records, and its mean is theirs
    assert sum(group["overall"]["count"] for group in aggregates["groups"]) == len(scores)
    ent2 = [
        r["overall"] for r in scores if r["entity"] == "ent-2" and r["visited_at"][:7] == "2026-03"
    ]
    group = next(
        g for g in aggregates["groups"] if g["key"] == {"entity": "ent-2", "month": "2026-03"}
    )
    assert group["overall"]["mean"] == pytest.approx(sum(ent2) / len(ent2))


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    for run in ("a", "b"):
        args = ["score", str(EVALUATIONS), "--form", str(FORM), "--out", str(tmp_path / run)]
        assert main([*args, "--by", "centre,week"]) == 0
    for name in ("scores.jsonl", "rejects.jsonl", "aggregates.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_unknown_group_key_and_missing_file_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["score", str(EVALUATIONS), "--form", str(FORM), "--out", str(tmp_path)]
    assert main([*args, "--by", "centre,year"]) == 2
    assert "year" in capsys.readouterr().err
    assert (
        main(["score", str(tmp_path / "none.jsonl"), "--form", str(FORM), "--out", str(tmp_path)])
        == 2
    )
    assert main(["score", str(EVALUATIONS), "--form", "no-such-form", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "none.jsonl" in err
    assert "no-such-form" in err
    assert "Traceback" not in err


def test_lint_form_passes_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint-form", str(FORM), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_programme_scores_with_the_forms_of_its_plugin() -> None:
    from shopperkit.errors import ShopperkitError
    from shopperkit.plugins import Plugins, make_plugin_manager, module_plugin
    from shopperkit.registry import Registry

    qatar = (
        FORMS.parent.parent / "plugins/shopperkit-qatar-cgb/src/shopperkit_qatar_cgb/qatar-cgb.json"
    )
    plugin = module_plugin(
        "programme_with_forms",
        shopperkit_programmes=lambda: [qatar],
        shopperkit_forms=lambda: [FORM],
    )
    plugins = Plugins(make_plugin_manager(plugins=[("example", plugin)], autoload=False))
    assert [form.id for form in Registry(plugins).forms("qatar-cgb")] == ["example-visit"]
    with pytest.raises(ShopperkitError) as caught:
        Registry(plugins).forms("nowhere")
    assert caught.value.code == "programme_unknown"


def test_plugins_command_lists_forms(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["shopperkit.builtin"]["forms"] == []
    assert all(isinstance(row["forms"], list) for row in rows.values())


def test_a_line_that_is_not_utf8_is_one_rejected_record(tmp_path: Path) -> None:
    lines = EVALUATIONS.read_bytes().splitlines(keepends=True)
    broken = tmp_path / "mixed.jsonl"
    broken.write_bytes(lines[0] + b'{"id": "\xff\xfe"}\n' + lines[1])
    assert main(["score", str(broken), "--form", str(FORM), "--out", str(tmp_path / "o")]) == 0
    rejects = jsonl(tmp_path / "o" / "rejects.jsonl")
    assert [(r["row"], r["errors"][0]["code"]) for r in rejects] == [(2, "json_malformed")]
    assert len(jsonl(tmp_path / "o" / "scores.jsonl")) == 2
