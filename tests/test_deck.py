"""The QBR deck: storyline, native charts, speaker notes, the brand master, the layout check."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation
from pptx.util import Inches, Pt

from csplan.inputs.brand import load_brand
from csplan.cli import main
from csplan.paths import BRAND
from csplan.render.fit import Measure
from csplan.render.pptx import overflows
from tests.conftest import ACCOUNTS, ROOT, replace_once
from tests.docs import pdf_text, squash
from tests.heavy import LONG_NAME, heavy_text

TODAY = ["--today", "2026-11-23"]


def build(*args):
    return CliRunner().invoke(main, ["build", *[str(a) for a in args], *TODAY],
                              catch_exceptions=False)


def slide_texts(prs) -> list[str]:
    out = []
    for slide in prs.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [c.text for row in shape.table.rows for c in row.cells]
        out.append("\n".join(parts))
    return out


def titles(prs) -> list[str]:
    return [s.shapes.title.text_frame.text for s in prs.slides]


@pytest.fixture(scope="module")
def northwind(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    result = build(ACCOUNTS / "northwind-freight.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    folder = out / "northwind-freight"
    return {"pptx": folder / "northwind-freight-qbr-2026-Q4.pptx",
            "pdf": folder / "northwind-freight-success-plan.pdf"}


def test_northwind_deck_reads_as_a_sixty_minute_meeting(northwind):
    prs = Presentation(str(northwind["pptx"]))
    assert titles(prs) == [
        "Northwind Freight", "Agenda", "Executive summary",
        "We said, we did: since our Q3 2026 QBR",
        "On-time delivery rate and Legacy routing licence spend: on track",
        "Hours to plan the next day's routes and Weekly active seats: target reached",
        "Dispatcher NPS up from 12 to 36; target 40 by Dec 31, 2026",
        "5 of 7 milestones done", "Value realized and wins",
        "Challenges and open risks", "Next quarter: goals and roadmap",
        "Where we can grow together", "Asks and action items", "Thank you"]
    assert 8 <= len(prs.slides) <= 15
    assert prs.slide_width == Inches(13.333) and prs.slide_height == Inches(7.5)
    texts = slide_texts(prs)
    assert "Quarterly business review · Q4 2026 · Dec 8, 2026" in texts[0]
    assert "With Maria Lopez, James Okafor, Priya Shah, and Tom Reyes" in texts[0]
    assert "10:10–10:20\nResults: goals vs actuals\n10 min\nPriya Shah" in texts[1]
    assert "Total\n60 min" in texts[1]
    assert "Share carrier-level late-load data (Maria Lopez, Oct 31, 2026)\nOpen, past due" \
        "\nMissed" in texts[3]
    assert "Add the yard-management module for the two cross-dock sites" in texts[11]
    assert "Send the QBR summary and updated plan\nPriya Shah · due Dec 10, 2026" in texts[12]
    assert "Next QBR: Mar 9, 2027" in texts[13] and "support@fleetline.example" in texts[13]


def test_charts_are_native_and_editable(northwind):
    with zipfile.ZipFile(northwind["pptx"]) as z:
        charts = sorted(n for n in z.namelist() if re.match(r"ppt/charts/chart\d+\.xml$", n))
        embedded = [n for n in z.namelist() if n.startswith("ppt/embeddings/")]
        first = z.read(charts[4]).decode()  # four sparklines come first, on the summary
    assert len(charts) == 9 and len(embedded) == 9  # each chart carries its editable workbook
    assert "<c:lineChart>" in first
    for name in ("Actual", "Target", "Baseline"):
        assert f"<c:v>{name}</c:v>" in first
    assert "<c:v>93.0</c:v>" in first or "<c:v>93</c:v>" in first
    prs = Presentation(str(northwind["pptx"]))
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1  # the customer's logo on the title slide; charts are no images
    chart = next(s for s in prs.slides[4].shapes if s.has_chart).chart
    assert list(chart.plots[0].series[0].values) == [82, 85, 90, 93]


def test_line_labels_start_at_their_line_and_a_line_at_zero_is_labelled_above(northwind):
    """The target's and baseline's labels sit right of the value axis's numbers (a manual
    offset), and a line at zero (the axis's floor) is labelled above it, not in the dates."""
    prs = Presentation(str(northwind["pptx"]))
    charts = {s.name: s.chart for slide in prs.slides for s in slide.shapes if s.has_chart}
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}

    def label(chart, series: int) -> tuple[str, float]:
        d_lbl = chart.plots[0].series[series]._element.find("c:dLbls/c:dLbl", ns)
        return (d_lbl.find("c:dLblPos", ns).get("val"),
                float(d_lbl.find("c:layout/c:manualLayout/c:x", ns).get("val")))

    spend = charts["Legacy routing licence spend chart"]  # target $0, baseline $60,000
    assert label(spend, 1)[0] == "t" and label(spend, 2)[0] == "t"
    seats = charts["Weekly active seats chart"]  # baseline 0%, target 80%
    assert label(seats, 1)[0] == "t" and label(seats, 2)[0] == "t"
    on_time = charts["On-time delivery rate chart"]  # baseline 82%, target 95%
    assert label(on_time, 1)[0] == "t" and label(on_time, 2)[0] == "b"
    for chart in (spend, seats, on_time):
        for series in (1, 2):
            assert 0.03 < label(chart, series)[1] < 0.4


def test_every_slide_has_speaker_notes_with_minutes(northwind):
    prs = Presentation(str(northwind["pptx"]))
    for slide in prs.slides:
        notes = slide.notes_slide.notes_text_frame.text
        assert re.search(r"\(\d+ minutes for this section\)", notes), notes
    results = prs.slides[4].notes_slide.notes_text_frame.text
    assert "Agenda: Results: goals vs actuals (10 minutes for this section)." in results
    assert "On-time delivery rate: 93% against a target of 95% by Dec 31, 2026" in results


def test_deck_numbers_agree_with_the_plan(northwind):
    deck = squash("\n".join(slide_texts(Presentation(str(northwind["pptx"])))))
    plan = squash(pdf_text(northwind["pdf"]))
    for fact in ("Latest 93% (Oct 31, 2026)", "Target 95% by Dec 31, 2026", "Progress 85%",
                 "Latest $20,000 (Oct 31, 2026)", "Latest 1.5 hr", "Progress 112%",
                 "Dec 8, 2026", "Mar 15, 2027", "Tom Reyes"):
        assert squash(fact) in deck, fact
    for number in ("93%", "$20,000", "85%", "1.5 hr", "112%", "Mar 15, 2027"):
        assert squash(number) in plan, number


def test_the_layout_check_passes_on_the_saved_deck(northwind):
    brand = load_brand(BRAND)
    files = brand.font_files
    measure = Measure(files["regular"], files["bold"], [p for _, p in brand.fallback_fonts])
    assert overflows(Presentation(str(northwind["pptx"])), measure) == []


def test_the_layout_check_finds_text_that_does_not_fit():
    brand = load_brand(BRAND)
    files = brand.font_files
    measure = Measure(files["regular"], files["bold"], [p for _, p in brand.fallback_fonts])
    prs = Presentation(str(BRAND / "master.pptx"))
    slide = prs.slides.add_slide(prs.slide_layouts.get_by_name("Title Only"))
    slide.shapes.title.text = "A title"
    box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(3), Inches(0.5))
    box.name = "too much"
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "words " * 60
    run.font.size = Pt(18)
    box.text_frame.word_wrap = True
    outside = slide.shapes.add_textbox(Inches(12), Inches(6), Inches(3), Inches(1))
    outside.name = "off the edge"
    problems = overflows(prs, measure)
    assert any("slide 1 ('A title'): the text of too much needs" in p for p in problems)
    assert any("off the edge is outside the slide" in p for p in problems)


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "in"
    shutil.copytree(ACCOUNTS / "logos", target / "logos")
    return target


def test_withheld_expansion_has_no_slide(folder, tmp_path):
    path = folder / "brightwater-clinics.yaml"
    shutil.copy(ACCOUNTS / "brightwater-clinics.yaml", path)
    result = build(path, "--out", tmp_path / "out", "--formats", "pptx")
    assert result.exit_code == 0
    assert "warning SP015 expansion withheld from the 2026-Q4 deck" in result.stdout
    prs = Presentation(str(tmp_path / "out" / "brightwater-clinics" /
                           "brightwater-clinics-qbr-2026-Q4.pptx"))
    assert "Where we can grow together" not in titles(prs)
    assert "mental-health" not in "\n".join(slide_texts(prs))
    assert "We said, we did: since our Q2 2026 QBR" in titles(prs)


def test_an_account_with_no_qbr_gets_a_note_not_a_crash(tmp_path):
    result = build(ACCOUNTS / "kurierdienst-elbe.yaml", "--out", tmp_path / "out",
                   "--formats", "pptx")
    assert result.exit_code == 0
    assert "note: no QBR in the account (qbrs is empty): no deck built" in result.stderr
    assert not list((tmp_path / "out").rglob("*.pptx"))


def test_the_heavy_account_fits_on_fifteen_slides(folder, tmp_path):
    path = folder / "heavy.yaml"
    path.write_text(heavy_text(), encoding="utf-8")
    result = build(path, "--out", tmp_path / "out", "--formats", "pptx")
    # with its expansion too, SP023 says what to cut
    assert "SP023 the deck would have 16 slides (more than 15)" in result.output
    expansion = ("    expansion:                   # shown only when the account qualifies (see "
                 "quality rules)\n      opportunity: Add the yard-management module for the two "
                 "cross-dock sites\n      basis: Dispatch volume up 30%; Maria asked for dock "
                 "scheduling in October\n")
    path.write_text(replace_once(heavy_text(), expansion, ""), encoding="utf-8")
    result = build(path, "--out", tmp_path / "out", "--formats", "pptx")
    assert result.exit_code == 0, result.output
    prs = Presentation(str(tmp_path / "out" / "northwind-freight" /
                           "northwind-freight-qbr-2026-Q4.pptx"))
    assert len(prs.slides) == 15
    assert sum("milestones done" in t for t in titles(prs)) == 3
    text = "\n".join(slide_texts(prs))
    assert LONG_NAME in text and "Regional KPI number 6 with a fairly long name" in text
    assert "Rollout wave 22: depot 22 dispatches every route from Fleetline" in text
    brand = load_brand(BRAND)
    files = brand.font_files
    measure = Measure(files["regular"], files["bold"], [p for _, p in brand.fallback_fonts])
    assert overflows(prs, measure) == []


def test_text_that_cannot_fit_fails_naming_the_slide(folder, tmp_path):
    text = (ACCOUNTS / "northwind-freight.yaml").read_text(encoding="utf-8")
    text = replace_once(text, "opportunity: Add the yard-management module for the two "
                              "cross-dock sites",
                        "opportunity: " + "Add the yard-management module " * 120)
    path = folder / "northwind-freight.yaml"
    path.write_text(text, encoding="utf-8")
    result = build(path, "--out", tmp_path / "out", "--formats", "pptx")
    assert result.exit_code == 1
    assert "error BUILD slide 'Where we can grow together': the expansion does not fit even " \
           "at 12 pt; shorten it" in result.stdout
    assert not list((tmp_path / "out").rglob("*.pptx"))


def second_master(tmp_path: Path, mapping: bool) -> Path:
    """A brand whose master names its layouts differently (Cover, Text, Heading only)."""
    brand = tmp_path / "other-brand"
    shutil.copytree(ROOT / "brand", brand)
    prs = Presentation(str(brand / "master.pptx"))
    names = {"Title Slide": "Cover", "Title and Content": "Text", "Title Only": "Heading only"}
    for layout in prs.slide_layouts:
        if layout.name in names:
            layout.name = names[layout.name]
    prs.save(str(brand / "company-master.pptx"))
    spec = (brand / "brand.yaml").read_text()
    spec = spec.replace("pptx_master: master.pptx", "pptx_master: company-master.pptx")
    if mapping:
        spec = spec.replace("  title: Title Slide", "  title: Cover").replace(
            "  content: Title and Content", "  content: Text").replace(
            "  title_only: Title Only", "  title_only: Heading only")
    (brand / "brand.yaml").write_text(spec)
    return brand


def test_a_company_master_with_other_layout_names_works_through_the_mapping(tmp_path):
    brand = second_master(tmp_path, mapping=True)
    result = build(ACCOUNTS / "northwind-freight.yaml", "--out", tmp_path / "out",
                   "--formats", "pptx", "--brand", brand)
    assert result.exit_code == 0, result.output
    prs = Presentation(str(tmp_path / "out" / "northwind-freight" /
                           "northwind-freight-qbr-2026-Q4.pptx"))
    used = [s.slide_layout.name for s in prs.slides]
    assert used[0] == "Cover" and set(used[1:]) == {"Heading only"}


def test_a_missing_layout_names_the_ones_the_master_has(tmp_path):
    brand = second_master(tmp_path, mapping=False)
    result = build(ACCOUNTS / "northwind-freight.yaml", "--out", tmp_path / "out",
                   "--formats", "pptx", "--brand", brand)
    assert result.exit_code == 2  # a brand problem: once, before any account
    assert "company-master.pptx has no layout 'Title Slide' for title slides; set " \
           "pptx_layouts.title in brand.yaml to one of: master 1: Cover, Text" in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()


def test_a_brand_master_that_is_not_a_package_is_a_configuration_error(tmp_path):
    brand = tmp_path / "b"
    shutil.copytree(ROOT / "brand", brand)
    (brand / "master.pptx").write_bytes(b"PK\x03\x04 not really a zip")
    result = build(ACCOUNTS / "northwind-freight.yaml", "--out", tmp_path / "out",
                   "--formats", "pptx", "--brand", brand)
    assert result.exit_code == 2
    assert "is not a valid DOCX/PPTX package (not a zip)" in result.output
    assert "Traceback" not in result.output


def test_saved_deck_reopens(northwind):
    data = northwind["pptx"].read_bytes()
    prs = Presentation(io.BytesIO(data))
    assert prs.core_properties.title == "Northwind Freight: QBR Q4 2026"


def test_a_sparse_qbr_still_makes_a_clean_deck(folder, tmp_path):
    text = (ACCOUNTS / "northwind-freight.yaml").read_text(encoding="utf-8")
    start, end = text.index("\nqbrs:"), text.index("\ninternal:")
    text = text[:start] + "\nqbrs:\n  - {quarter: 2026-Q4, date: 2026-12-08}\n" + text[end:]
    path = folder / "northwind-freight.yaml"
    path.write_text(text, encoding="utf-8")
    result = build(path, "--out", tmp_path / "out", "--formats", "pptx")
    assert result.exit_code == 0, result.output
    prs = Presentation(str(tmp_path / "out" / "northwind-freight" /
                           "northwind-freight-qbr-2026-Q4.pptx"))
    texts = slide_texts(prs)
    assert "With" not in texts[0] and "Quarterly business review · Q4 2026" in texts[0]
    assert "No goals for next quarter are set yet." in texts[titles(prs).index(
        "Next quarter: goals and roadmap")]
    assert "No action items yet: agree them before closing." in texts[-2]
    assert "Last quarter" not in " ".join(titles(prs)) and 8 <= len(prs.slides) <= 15


def test_compiled_xpath_finds_what_lxml_finds():
    """python-pptx/python-docx XPath queries are compiled once; results must not change."""
    from lxml import etree
    from pptx import Presentation
    from pptx.oxml import xmlchemy

    from csplan.render.xpath import compile_office_xpath

    compile_office_xpath()
    assert getattr(xmlchemy.BaseOxmlElement.xpath, "_csplan", False)
    prs = Presentation(str(ROOT / "brand" / "master.pptx"))
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    queries = ["./*[1]/p:nvPr/p:ph", "//a:t", "count(//p:sp)", "./p:cSld/p:spTree/p:sp"]
    checked = 0
    for element in [slide._element, *slide._element.iter()]:
        if not isinstance(element, xmlchemy.BaseOxmlElement):
            continue
        for query in queries:
            expected = etree._Element.xpath(element, query, namespaces=xmlchemy._nsmap)
            assert element.xpath(query) == expected
            checked += 1
    assert checked > 20 and len(slide.placeholders) >= 1


def test_the_milestone_timeline_has_dates_and_says_what_it_shows(northwind):
    """The timeline's markers sit by date: its months are written under it, the today line
    is labelled above the rows, and a caption says which milestones the QBR reviews."""
    prs = Presentation(str(northwind["pptx"]))
    slide = next(s for s in prs.slides if s.shapes.title.text == "5 of 7 milestones done")
    named = {s.name: s for s in slide.shapes}
    months = [named[n].text_frame.text for n in sorted(named) if n.startswith("month ")]
    assert months[0] == "Nov 2026" and "Mar 2027" in months
    assert named["today"].top < named["milestone 1"].top
    assert named["milestones shown"].text_frame.text == (
        "Done since the last QBR, or due by Apr 7, 2027")  # 120 days after the QBR
    card = named["milestone 1"].text_frame
    assert card.margin_left > named["milestone 1 mark"].width  # text clear of the bar
