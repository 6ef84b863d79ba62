"""Reports treat everything they did not write as text: hostile comments, ids, names and
report languages never become markup, links or paths."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.insights import insights
from shopperkit.insights.privacy import Pseudonymiser, redact
from shopperkit.insights.render import Bar, Chart, Report, Section, Table, markdown_text
from shopperkit.io.scores import read_scores
from shopperkit.model.services import Directory, ServiceCentre
from tests.browser import dom_after_scripts
from tests.test_report import records

SECRET = "a-test-secret-of-enough-length"
# Built at run time so the marker is not in the page's text: only running code makes it.
SET_MARKER = "document.body.setAttribute('data-'+'own'+'ed','yes')"
MARKER = 'data-owned="yes"'
HOSTILE = (
    f"<script>{SET_MARKER}</script>",
    f'<img src=x onerror="{SET_MARKER}">',
    f"</td></tr></table><script>{SET_MARKER}</script>",
    f"[click](javascript:{SET_MARKER})",
    f'![x](x" onerror="{SET_MARKER})',
    "`code` | a | b | *bold* _em_ ~~gone~~ # not a heading",
    "1. not a list\n# not a heading\n    not code",
    "www.example.org http://example.org &lt;b&gt; &amp;",
)


def render_markdown(text: str) -> str:
    """``text`` rendered by Python-Markdown with tables (skipped where it is not installed)."""
    markdown = pytest.importorskip("markdown")
    rendered: str = markdown.markdown(text, extensions=["tables"])
    return rendered


def hostile_report(language: str = "en") -> Report:
    """A report whose every text came from outside."""
    bars = tuple(Bar(text, 50.0, 40.0, 60.0) for text in HOSTILE)
    return Report(
        title=HOSTILE[0],
        language=language,
        subtitle=HOSTILE[1],
        notes=HOSTILE[2:4],
        sections=(
            Section(
                title=HOSTILE[4],
                lines=HOSTILE,
                charts=(Chart(HOSTILE[5], bars),),
                tables=(
                    Table(
                        (HOSTILE[6], HOSTILE[7]),
                        tuple((a, b) for a in HOSTILE for b in HOSTILE[:2]),
                    ),
                ),
            ),
        ),
    )


def test_markdown_rendered_has_no_markup_from_the_input() -> None:
    rendered = render_markdown(hostile_report().markdown())
    for tag in ("<script", "<img", "<a ", "<code", "<ol", "<ul", "<del", "<pre", "<h3"):
        assert tag not in rendered
    # Emphasis only where the layout puts it: the two notes and the one chart title.
    assert (rendered.count("<em>"), rendered.count("<strong>")) == (2, 1)
    # Every table row has as many cells as its header: pipes in the input are not cells.
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        header = len(re.findall(r"<th[ >]", table.split("</thead>")[0]))
        body = table.split("<tbody>")[1]
        assert {len(re.findall(r"<td", row)) for row in body.split("</tr>")[:-1]} == {header}


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_no_script_runs_in_chromium(tmp_path: Path, fmt: str) -> None:
    report = hostile_report()
    page = tmp_path / "report.html"
    if fmt == "html":
        page.write_text(report.html(), encoding="utf-8")
    else:
        body = render_markdown(report.markdown())
        page.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    dom = dom_after_scripts(page)
    assert MARKER not in dom
    assert "onerror=" not in dom.replace(html.escape("onerror="), "")
    # The hostile text is shown, as text.
    assert "&lt;script&gt;" in dom


def test_the_same_text_unescaped_would_run(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text(f"<!DOCTYPE html><html><body>{HOSTILE[0]}</body></html>")
    assert MARKER in dom_after_scripts(page)


def test_the_language_attribute_is_escaped() -> None:
    page = hostile_report('en"><script>x()</script>').html()
    assert "<script>" not in page
    assert 'lang="en&#34;&gt;&lt;script&gt;' in page


def _unescape(text: str) -> str:
    """What a CommonMark reader shows for ``text``: backslash escapes and entities undone."""
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text))


@given(st.text())
def test_markdown_text_shows_the_text_and_nothing_else(text: str) -> None:
    made = markdown_text(text)
    assert not set(made) & set("\n<")
    bare = re.sub(r"\\.", "", made)
    assert not set(bare) & set("`*_[]|!~\\")
    assert not re.match(r"\s|[#+=>-]|\d+[.)]", made)
    assert _unescape(made) == " ".join(text.split())


def scores_dir(tmp_path: Path, comment: str) -> Path:
    scores = tmp_path / "scores"
    scores.mkdir()
    rows = records()
    for row in rows:
        if row["comment"]:
            row["comment"] = comment.replace("{shopper}", row["shopper"])
    (scores / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return scores


def test_a_report_from_hostile_comments_and_names_runs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", SECRET)
    scores = scores_dir(tmp_path, " ".join(HOSTILE[:5]))
    directory = tmp_path / "directory.json"
    names = {"en": HOSTILE[1], "ar": HOSTILE[0]}
    directory.write_text(
        json.dumps(
            {
                "entities": [{"id": "moi", "name": names}, {"id": "mophp", "name": names}],
                "services": [
                    {"id": f"{e}-renewal", "entity": e, "name": {"en": HOSTILE[3]}}
                    for e in ("moi", "mophp")
                ],
            }
        )
    )
    out = tmp_path / "out"
    args = ["report", "--programme", "qatar-cgb", str(scores), "--out", str(out)]
    assert main([*args, "--directory", str(directory)]) == 0
    for language in ("en", "ar"):
        page = out / f"report.{language}.html"
        assert "&lt;script&gt;" in page.read_text(encoding="utf-8")
        assert MARKER not in dom_after_scripts(page)
        text = (out / f"report.{language}.md").read_text(encoding="utf-8")
        assert not re.search(r"<script|<img|\]\(", text)
        rendered = render_markdown(text)
        assert not re.search(r"<script|<img|<a ", rendered)


@pytest.mark.parametrize("language", ["../../../x", 'en"><script>x()</script>', "fr", "EN", ""])
def test_an_undeclared_report_language_is_refused(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    language: str,
) -> None:
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", SECRET)
    scores = scores_dir(tmp_path, "fine")
    out = tmp_path / "a" / "b" / "out"
    args = ["report", "--programme", "qatar-cgb", str(scores), "--out", str(out)]
    assert main([*args, "--language", f"en,{language}"]) == 2
    err = capsys.readouterr().err
    assert "is not a report language of the programme (it declares: ar, en)" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["scores", "scores.jsonl"]


def test_a_report_in_a_language_the_insights_lack_is_refused(tmp_path: Path) -> None:
    scored = read_scores(scores_dir(tmp_path, "fine") / "scores.jsonl")
    found = insights(scored, secret=SECRET.encode(), languages=("en",))
    assert found.report("en").language == "en"
    with pytest.raises(InputError) as refused:
        found.report("ar")
    assert refused.value.code == "report_language_undeclared"
    assert refused.value.params == {"language": "ar", "declared": "en"}


def test_comments_lose_shopper_ids_pseudonyms_and_staff(tmp_path: Path) -> None:
    pseudonym = Pseudonymiser(SECRET.encode())("shopper-03")
    comment = f"I am {{shopper}}, friend of shopper-03 ({pseudonym}); Noura at the desk helped"
    scored = read_scores(scores_dir(tmp_path, comment) / "scores.jsonl")
    directory = Directory(
        centres=(ServiceCentre("moi-c1", "moi", {"en": "Centre"}, staff=("Noura",)),)
    )
    found = insights(scored, secret=SECRET.encode(), k=1, directory=directory)
    published = [c for texts in found.comments.values() for c in texts]
    assert published
    for text in published:
        assert not re.search(rf"shopper-|{pseudonym}|Noura", text)
        assert text.count("[shopper]") == 3
        assert "[name] at the desk helped" in text


WORD = st.text("pqrtuvwxyz", min_size=1, max_size=8)
IDS = st.lists(st.text("ABCDEFGHJK0123456789-", min_size=2, max_size=10), min_size=1, max_size=8)
STAFF = st.lists(st.text("ابتثجحخدذرزسشصضطظعغفقكلمنهوي", min_size=2, max_size=8), max_size=5)
SEPARATOR = st.sampled_from([" ", ", ", ". ", "; ", " (", ") ", ": ", "! ", "\n", "؛ "])


@given(data=st.data(), ids=IDS, staff=STAFF)
def test_redaction_removes_every_id_pseudonym_and_staff_name(
    data: st.DataObject, ids: list[str], staff: list[str]
) -> None:
    pseudonymise = Pseudonymiser(SECRET.encode())
    secrets = [*ids, *(pseudonymise(i) for i in ids), *staff]
    words = data.draw(st.lists(st.one_of(WORD, st.sampled_from(secrets)), max_size=30))
    separators = data.draw(st.lists(SEPARATOR, min_size=len(words), max_size=len(words)))
    comment = "".join(w + s for w, s in zip(words, separators, strict=True))
    redacted = redact(comment, known_names=staff, shopper_ids=ids).text
    for secret in secrets:
        assert not re.search(rf"(?<!\w){re.escape(secret)}(?!\w)", redacted, re.IGNORECASE)
    fillers = [w for w in words if w not in secrets]
    kept = re.findall(r"[pqrtuvwxyz]+", redacted.replace("[shopper]", "").replace("[name]", ""))
    assert sorted(kept) == sorted(fillers)


def test_table_cells_never_become_spreadsheet_formulas() -> None:
    import io
    import zipfile

    from shopperkit.insights.formats import table_csv, tables_xlsx

    table = Table(("name", "note"), (('=HYPERLINK("http://x")', "+1"), ("-2", "@SUM(A1)")), "t")
    text = table_csv(table)
    assert "'=HYPERLINK" in text
    assert "'+1" in text
    assert "'@SUM" in text
    book = tables_xlsx([table])
    assert isinstance(book, bytes)
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        sheets = "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
        )
    assert "<f>" not in sheets


def test_a_report_without_tables_still_makes_a_workbook() -> None:
    from shopperkit.insights.formats import tables_xlsx

    assert isinstance(tables_xlsx([]), bytes)
