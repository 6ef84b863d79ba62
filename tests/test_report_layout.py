"""The report as a reader sees it in Chromium: every entity and every centre with a finding has
its chart with a 0 to 100 axis, and no two texts of a chart overlap, nor does a value cover
its bar's programme mark or interval, in English and in Arabic (right to left)."""

from __future__ import annotations

import html
import json
import re
import shlex
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from shopperkit.cli import main
from shopperkit.messages import render
from tests.browser import dom_after_scripts, pdf_pages, screenshot
from tests.test_report import records

ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
ARTIFACTS = Path(__file__).resolve().parents[1] / "build" / "test-artifacts"

# Measures every chart after layout and writes what it found into the page, for --dump-dom.
MEASURE = """
<script>
addEventListener("load", () => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {l: r.left, r: r.right, t: r.top, b: r.bottom}; };
  const meet = (a, b) => Math.min(a.r, b.r) - Math.max(a.l, b.l) > 0.5 &&
                         Math.min(a.b, b.b) - Math.max(a.t, b.t) > 0.5;
  const charts = [];
  for (const svg of document.querySelectorAll("svg.chart")) {
    const section = svg.closest("section");
    const texts = [...svg.querySelectorAll("text")].map((e) => ({c: e.getAttribute("class"),
      s: e.textContent, b: box(e)}));
    const overlaps = [];
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (meet(texts[i].b, texts[j].b)) overlaps.push([texts[i].s, texts[j].s]);
    for (const row of svg.querySelectorAll("g.row")) {
      const value = row.querySelector("text.value");
      for (const mark of row.querySelectorAll("line.reference, line.interval"))
        if (meet(box(value), box(mark)))
          overlaps.push([value.textContent, mark.getAttribute("class")]);
    }
    charts.push({section: section.id, overlaps,
      ticks: [...svg.querySelectorAll("text.tick-label")].map((e) => e.textContent),
      bars: svg.querySelectorAll("rect.bar").length,
      values: svg.querySelectorAll("text.value").length,
      caption: !!svg.querySelector("text.axis-caption")});
  }
  for (const svg of document.querySelectorAll("svg.journey")) {
    const texts = [...svg.querySelectorAll("text")].map((e) => ({s: e.textContent, b: box(e)}));
    const overlaps = [];
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (meet(texts[i].b, texts[j].b)) overlaps.push([texts[i].s, texts[j].s]);
    const steps = [...svg.querySelectorAll("g.step")].map((g) => ({
      value: g.querySelector("text.value").textContent,
      colour: g.querySelector("line.handoff").getAttribute("stroke"),
      boxes: g.querySelectorAll("rect.service").length}));
    charts.push({section: svg.closest("section").id, journey: true, overlaps, steps});
  }
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(charts);
  document.body.appendChild(out);
});
</script>
"""


@pytest.fixture(scope="module")
def report_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("layout")
    scores = folder / "scores"
    scores.mkdir()
    rows = records()
    # A centre whose every factor is low, and an entity name that would break markup.
    for row in rows:
        if row["centre"] == "mophp-c2":
            row["sections"] = {key: value - 25 for key, value in row["sections"].items()}
            row["overall"] = sum(row["sections"].values()) / len(row["sections"])
    (scores / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = folder / "report"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
        assert main(["report", "--programme", "qatar-cgb", str(scores), "--out", str(out)]) == 0
    return out


def measured(page: Path, folder: Path) -> list[dict[str, Any]]:
    probe = folder / f"measured-{page.name}"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"))
    dom = dom_after_scripts(probe)
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, "the page was not measured"
    charts: list[dict[str, Any]] = json.loads(found.group(1).replace("&quot;", '"'))
    return charts


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_chart_has_its_axis_and_no_text_overlaps(
    report_folder: Path, tmp_path: Path, language: str
) -> None:
    page = report_folder / f"report.{language}.html"
    charts = measured(page, tmp_path)
    sections = {chart["section"] for chart in charts}
    # Both entities and every centre with a finding: moi-c2 (waiting), mophp-c2 (everything).
    assert {"entity-moi", "entity-mophp", "centre-moi-c2", "centre-mophp-c2"} <= sections
    journeys = [chart for chart in charts if chart.get("journey")]
    charts = [chart for chart in charts if not chart.get("journey")]
    # The exploratory missions' hand-offs, as a journey coloured by score.
    assert journeys
    for journey in journeys:
        assert journey["overlaps"] == [], journey
        for step in journey["steps"]:
            assert step["boxes"] == 2
            value = float(step["value"].translate(ARABIC_DIGITS).replace("\u066b", "."))
            expected = "#c0392b" if value < 50 else "#b9770e" if value < 75 else "#1e8449"
            assert step["colour"] == expected, step
    for chart in charts:
        assert chart["overlaps"] == [], chart
        assert len(chart["ticks"]) == 6, chart
        assert chart["caption"], chart
        assert chart["bars"] == chart["values"] > 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    picture = ARTIFACTS / f"report.{language}.png"
    screenshot(page, picture, (1000, 3000))
    assert picture.stat().st_size > 10_000


def test_one_weak_centre_is_one_recommendation_listing_its_factors(report_folder: Path) -> None:
    made = json.loads((report_folder / "recommendations.json").read_text(encoding="utf-8"))
    at_centre = [r for r in made if r["evidence"]["key"] == "mophp-c2"]
    assert len(at_centre) >= 3  # tracked one by one
    league = (report_folder / "tables" / "en" / "recommendations-mophp.csv").read_text()
    assert sum(line.count("mophp-c2") > 0 for line in league.splitlines()[1:]) == 1


def test_the_tables_and_the_pdf_are_written(report_folder: Path) -> None:
    league = (report_folder / "tables" / "en" / "league.csv").read_text(encoding="utf-8")
    header = "level,name,evaluations,score,95% interval,change since 2024-03"
    assert league.splitlines()[0] == header
    assert (report_folder / "report.ar.xlsx").read_bytes()[:2] == b"PK"
    if shutil.which("chromium"):
        assert (report_folder / "report.en.pdf").read_bytes()[:5] == b"%PDF-"


HEADINGS = (
    "report_heading_summary",
    "report_heading_league",
    "report_heading_method",
    "report_heading_quality",
)


def reader_text(text: str) -> str:
    """Text as compared with a PDF's: compatibility forms (Arabic presentation forms) made
    plain, direction marks and isolates dropped, every run of spaces one space."""
    plain = unicodedata.normalize("NFKC", text)
    plain = "".join(char for char in plain if unicodedata.category(char) != "Cf")
    return " ".join(plain.split())


def missing_words(expected: str, read: str, rtl: bool) -> list[str]:
    """The words of ``expected`` that ``read`` lacks. PDFium reads right-to-left runs in the
    order they are drawn, so in Arabic a word may come back reversed, and words in any order."""
    expected, read = reader_text(expected), reader_text(read)
    if not rtl:
        return [] if expected in read else [expected]
    return [w for w in re.findall(r"\w+", expected) if w not in read and w[::-1] not in read]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pdf_reads_as_the_report_in_its_language(report_folder: Path, language: str) -> None:
    pdf = report_folder / f"report.{language}.pdf"
    pages = pdf_pages(pdf, ARTIFACTS)
    assert len(pages) >= 1
    page = (report_folder / f"report.{language}.html").read_text(encoding="utf-8")
    title = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert title, "the page has no title"
    rtl = language == "ar"
    assert missing_words(html.unescape(title.group(1)), pages[0].text, rtl) == []
    # Every heading, as the catalogue says it in the report's language.
    read = " ".join(p.text for p in pages)
    for code in HEADINGS:
        heading = render(code, {}, language)
        assert heading != render(code, {}, "en") or language == "en", code
        assert missing_words(heading, read, rtl) == [], code
    for seen in pages:
        assert seen.picture.stat().st_size > 1000
        assert seen.inked > 1000, f"{seen.picture.name} is blank"


def test_words_missing_from_a_pdf_are_found() -> None:
    assert missing_words("Data quality", "Data\r\nquality", rtl=False) == []
    assert missing_words("Data quality", "Summary", rtl=False) == ["Data quality"]
    # Presentation forms (as some PDFs hold Arabic), as written or reversed, read as the text.
    summary = render("report_heading_summary", {}, "ar")
    forms = "\ufe8d\ufedf\ufee4\ufee0\ufea8\ufeba"  # "الملخص" as the shapes drawn
    assert missing_words(summary, forms, rtl=True) == []
    assert missing_words(summary, forms[::-1], rtl=True) == []
    assert missing_words(summary, render("report_heading_summary", {}, "en"), rtl=True) != []


@pytest.mark.parametrize(
    ("programme", "evaluations", "centre"),
    [
        ("uae", "examples/uae/evaluations.jsonl", "ctr-moi-rak"),
        ("qatar-cgb", "examples/qatar/missions.jsonl", None),
    ],
)
def test_the_examples_of_the_docs_make_reports_with_charts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    programme: str,
    evaluations: str,
    centre: str | None,
) -> None:
    """As reading-a-report.md runs them: at the programme's own minimum group size."""
    root = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
    scores, out = tmp_path / "scores", tmp_path / "report"
    assert (
        main(["score", "--programme", programme, str(root / evaluations), "--out", str(scores)])
        == 0
    )
    assert main(["report", "--programme", programme, str(scores), "--out", str(out)]) == 0
    page = (out / "report.en.html").read_text(encoding="utf-8")
    assert '<section id="league"' in page
    assert page.count('<section id="entity-') >= 3
    assert page.count('class="bar"') >= 10
    if centre is not None:
        assert f'<section id="centre-{centre}"' in page
    made = json.loads((out / "recommendations.json").read_text(encoding="utf-8"))
    assert made


def documented_commands(text: str) -> list[list[str]]:
    """The ``shopperkit score`` and ``shopperkit report`` commands of a Markdown page's code
    blocks (indented four spaces), continuation lines joined, variable assignments left out."""
    commands, pending = [], ""
    for line in text.splitlines():
        if not line.startswith("    "):
            pending = ""
            continue
        pending += line.strip()
        if pending.endswith("\\"):
            pending = pending[:-1] + " "
            continue
        words = [w for w in shlex.split(pending, comments=True) if not re.match(r"\w+=", w)]
        pending = ""
        if words[:1] == ["shopperkit"] and words[1:2] in (["score"], ["report"]):
            commands.append(words[1:])
    return commands


def test_every_report_command_of_the_docs_makes_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each page's commands run in order from a folder holding the examples, as a reader
    would run them; every report they make has sections, charts and a league table."""
    root = Path(__file__).resolve().parents[1]
    pages = [*sorted((root / "docs").glob("*.md")), root / "README.md", root / "examples/README.md"]
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
    (tmp_path / "examples").symlink_to(root / "examples")
    monkeypatch.chdir(tmp_path)
    reports = 0
    for page in pages:
        for command in documented_commands(page.read_text(encoding="utf-8")):
            assert main(command) == 0, (page.name, command)
            if command[0] != "report":
                continue
            assert "--k" not in command, (page.name, "documented at the programme's own k")
            folder = Path(command[command.index("--out") + 1])
            html = (folder / "report.en.html").read_text(encoding="utf-8")
            assert '<section id="league"' in html, page.name
            assert '<section id="entity-' in html, page.name
            assert html.count('class="bar"') >= 10, page.name
            shutil.rmtree(folder)
            reports += 1
    assert reports >= 3


def test_recommendations_name_places_and_an_entity_is_not_its_only_centre_again() -> None:
    """On the UAE example, where the Ministry of Interior's scores all come from its Ras Al
    Khaimah centre: texts name places as the directory does, and the centre's waiting
    problem is one action, not one for the centre and one more for the ministry."""
    from shopperkit.insights import insights
    from shopperkit.insights.layout import roll_up
    from shopperkit.registry import Registry
    from shopperkit.scoring import score

    root = Path(__file__).resolve().parents[1]
    registry = Registry()
    programme = registry.programme("uae")
    lines = (root / "examples/uae/evaluations.jsonl").read_text(encoding="utf-8").splitlines()
    scored = score([json.loads(line) for line in lines if line.strip()], registry)
    found = insights(
        scored,
        registry.forms(programme),
        programme=programme,
        secret=b"a-test-secret-of-enough-length",
        directory=registry.directory(programme),
    )
    texts = [r.text["en"] for r in found.recommendations]
    assert any("Licensing centre - Ras Al Khaimah" in text for text in texts)
    assert not any("ctr-moi-rak" in text or "ent-moi" in text for text in texts)
    evidence = [
        (r.finding.factor, r.finding.sample.count, r.finding.sample.mean)
        for action in roll_up(found.recommendations)
        for r in action.recommendations
    ]
    assert len(evidence) == len(set(evidence))
    levels = {r.finding.level for r in found.recommendations if r.entity == "ent-moi"}
    assert {"entity", "centre"} <= levels  # recommendations.json still tracks both
