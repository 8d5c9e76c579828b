"""The joint success plan: what the DOCX and PDF say, that they agree, and what they never say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from csplan.cli import main
from csplan.views.customer import EMPTY
from tests.conftest import ACCOUNTS, ROOT, replace_once
from tests.docs import docx_headings, docx_text, docx_xml, pdf_text, squash

TODAY = ["--today", "2026-11-23"]
SECTIONS = ["1 Partnership objectives", "2 Success metrics", "3 Milestone roadmap",
            "4 Mutual commitments", "5 Stakeholder engagement plan",
            "6 Risks and mitigations", "7 Communication plan", "8 Escalation path"]


def build(*args):
    return CliRunner().invoke(main, ["build", *[str(a) for a in args], *TODAY],
                              catch_exceptions=False)


@pytest.fixture(scope="module")
def northwind(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    result = build(ACCOUNTS / "northwind-freight.yaml", "--out", out, "--formats", "docx,pdf")
    assert result.exit_code == 0, result.output
    folder = out / "northwind-freight"
    return {"docx": folder / "northwind-freight-success-plan.docx",
            "pdf": folder / "northwind-freight-success-plan.pdf"}


def test_files_are_named_as_the_spec_says(northwind):
    assert northwind["docx"].is_file() and northwind["pdf"].is_file()
    assert sorted(p.name for p in northwind["docx"].parent.iterdir()) == [
        "northwind-freight-success-plan.docx", "northwind-freight-success-plan.pdf"]


def test_docx_has_real_headings_in_order(northwind):
    headings = docx_headings(northwind["docx"])
    assert [t for s, t in headings if s == "Heading 1"] == SECTIONS + ["Agreed by"]
    assert ("Heading 3", "Leading indicators") in headings
    assert [t for s, t in headings if s == "Heading 3"][1:5] == [
        "Onboard", "Adopt", "Value", "Renew and expand"]


def test_pdf_has_every_section_in_order(northwind):
    text = pdf_text(northwind["pdf"])
    positions = [text.index(s.split(" ", 1)[1]) for s in SECTIONS]
    assert positions == sorted(positions)


FACTS = [
    # header block
    "Fleetline Enterprise, 250 seats", "Feb 1, 2026 to Mar 31, 2027",
    "Customer success manager Priya Shah", "Maria Lopez, VP Operations",
    "James Okafor, Chief Operating Officer", "Nov 18, 2026", "Active",
    # objectives, in the customer's words
    "Raise on-time delivery from 82% to 95% across all regional routes",
    "We will call this a success when a late load is the exception our team talks about",
    # metrics: baseline, latest, target, by, progress, state; money in USD
    "On-time delivery rate", "82%", "93%", "95%", "Dec 31, 2026", "85%", "On track",
    "$60,000", "$20,000", "$0", "67%", "1.5 hr", "Target reached", "112%",
    "Northwind finance ledger",
    # milestones by phase with owner names and states
    "Kickoff held and success plan co-signed", "Done Feb 4, 2026",
    "QBR with ROI evidence presented to the COO", "Dec 8, 2026", "Not started", "Tom Reyes",
    # commitments, stakeholders, risks, communication, escalation
    "Fleetline commits to", "Northwind Freight commits to",
    "P1 support response within two hours", "Dispatch team (40 users)",
    "Executive sponsor", "Champion departure", "Multi-thread with the COO",
    "Maria Lopez and James Okafor", "60-minute video call with deck",
    "CS leadership and AE brief drafted", "Dana Kim", "24 hours",
]


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_both_formats_show_the_facts(northwind, fmt):
    text = squash(docx_text(northwind["docx"]) if fmt == "docx" else pdf_text(northwind["pdf"]))
    missing = [f for f in FACTS if squash(f) not in text]
    assert missing == []


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_no_ids_no_none_no_internal(northwind, fmt):
    text = docx_text(northwind["docx"]) if fmt == "docx" else pdf_text(northwind["pdf"])
    for raw in ("qbr-roi", "legacy-retired", "renewal-signed", "tool-cost", "plan-hours",
                "seat-use", "None", "multi-year pricing", "two-year term"):
        assert raw not in text, raw


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_persons_title_is_not_repeated_beside_the_same_words(northwind, fmt):
    """The header said "Customer success manager: Priya Shah, Customer Success Manager"."""
    text = squash(pdf_text(northwind["pdf"]) if fmt == "pdf" else docx_text(northwind["docx"]))
    assert squash("Priya Shah, Customer Success Manager") not in text
    assert squash("Maria Lopez, VP Operations") in text  # a title that says more stays


def test_the_two_formats_agree(northwind):
    """Every text line of the DOCX body appears in the PDF (whitespace aside)."""
    import docx as python_docx

    document = python_docx.Document(str(northwind["docx"]))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                lines += [p.text for p in cell.paragraphs if p.text.strip()]
    pdf = squash(pdf_text(northwind["pdf"]))
    missing = [line for line in lines if squash(line.replace("JOINT SUCCESS PLAN",
                                                              "Joint success plan")) not in pdf]
    assert missing == []


def test_a_short_table_is_never_split_across_pages(northwind):
    """Northwind's escalation path (three rows) used to break two rows on page 4, one on
    page 5: a table of a few rows stays on one page in the PDF, and in the DOCX each of its
    rows but the last keeps with the next."""
    import docx as python_docx

    triggers = ("Health drops to yellow", "Health drops to red",
                "Champion silent for more than 10 days")
    pages = [squash(page.extract_text()) for page in PdfReader(northwind["pdf"]).pages]
    holding = [i for i, page in enumerate(pages) if any(squash(t) in page for t in triggers)]
    assert len(holding) == 1 and all(squash(t) in pages[holding[0]] for t in triggers)
    table = next(t for t in python_docx.Document(str(northwind["docx"])).tables
                 if t.rows[1].cells[0].text == triggers[0])
    keeps = [all(p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs)
             for row in table.rows]
    assert keeps == [True] * (len(table.rows) - 1) + [False]


def test_pdf_is_letter_for_us_with_fonts_embedded_and_tagged(northwind):
    reader = PdfReader(str(northwind["pdf"]))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get(
                "/FontDescriptor")
            if descriptor is not None:
                descriptor = descriptor.get_object()
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
                fonts.add(str(font["/BaseFont"]))
    assert any("csplan-brand" in f for f in fonts)  # the brand's own font files
    assert reader.metadata.title == "Northwind Freight: Joint success plan"
    text = pdf_text(northwind["pdf"])
    assert "Page 2 of" in text and "Joint success plan" in text


def test_pdf_chart_is_vector_not_an_image(northwind):
    reader = PdfReader(str(northwind["pdf"]))
    images = {img.data for page in reader.pages for img in page.images}
    # the two logos are the only images; charts are vector paths
    assert len(images) == 2


def test_docx_header_logo_and_charts(northwind):
    import docx as python_docx

    document = python_docx.Document(str(northwind["docx"]))
    header_xml = document.sections[0].header._element.xml
    assert "<pic:pic" in header_xml
    assert "Northwind Freight · Joint success plan" in docx_text(northwind["docx"])
    xml = docx_xml(northwind["docx"])
    assert xml.count("<pic:pic") >= 1 + 1 + 5  # header logo, customer logo, five charts
    assert 'w:tblHeader w:val="true"' in xml  # header rows repeat across pages
    width = document.sections[0].page_width
    assert abs(width.mm - 215.9) < 0.5


@pytest.fixture
def copy_of(tmp_path):
    def copy(name: str, change=None) -> Path:
        shutil.copytree(ACCOUNTS / "logos", tmp_path / "in" / "logos", dirs_exist_ok=True)
        text = (ACCOUNTS / name).read_text(encoding="utf-8")
        if change:
            text = change(text)
        path = tmp_path / "in" / name
        path.write_text(text, encoding="utf-8")
        return path
    return copy


def test_planted_markers_in_internal_fields_appear_nowhere(copy_of, tmp_path):
    def plant(text):
        text = replace_once(text, "notes: Finance asked about multi-year pricing; James prefers "
                                  "a two-year term.", "notes: ZQXMARKERNOTES")
        text = replace_once(text, "  notes: ZQXMARKERNOTES", "  notes: ZQXMARKERNOTES\n"
                                                             "  seats_used: 987654")
        text += """
events:
  - {date: 2026-11-20, type: competitor-mentioned, who: ZQXMARKERWHO, note: ZQXMARKEREVENT}
  - {date: 2026-11-21, type: champion-departed, who: Maria Lopez, replaced_by: ZQXMARKERNEW}
save_plan:
  root_cause: ZQXMARKERCAUSE
  alignment: {will_to_stay: ZQXMARKERWILL, vendor: [dana], customer: [james]}
  actions:
    - {action: ZQXMARKERACTION, owner: dana, due: 2026-11-25}
  criteria: {day_30: ZQXMARKERDAY30, day_60: ZQXMARKERDAY60, day_90: ZQXMARKERDAY90}
  checkpoint: 2027-03-01
  offboarding: ZQXMARKEROFFBOARDING
renewals:
  - {date: 2026-03-31, arr_before: 123457, arr_after: 180000, reason: ZQXMARKERREASON}
"""
        return text.replace("relationship", "zqxmarkerdimension")
    path = copy_of("northwind-freight.yaml", plant)
    out = tmp_path / "out"
    result = build(path, "--out", out, "--formats", "docx,pdf,pptx")
    assert result.exit_code == 0, result.output
    produced = sorted((out / "northwind-freight").iterdir())
    assert [p.suffix for p in produced] == [".pptx", ".docx", ".pdf"]
    for document in produced:
        raw = document.read_bytes()
        assert b"ZQXMARKER" not in raw.upper()
        text = pdf_text(document) if document.suffix == ".pdf" else docx_xml(document)
        assert "ZQXMARKER" not in text.upper() and "MULTI-YEAR PRICING" not in text.upper()
        for number in ("987654", "987,654", "987.654", "123457", "123,457", "123.457"):
            assert number not in text, (document.name, number)


def test_german_account_in_de_locale_and_euros_on_a4(copy_of, tmp_path):
    path = copy_of("kurierdienst-elbe.yaml")
    out = tmp_path / "out"
    assert build(path, "--out", out, "--formats", "docx,pdf").exit_code == 0
    folder = out / "kurierdienst-elbe-gmbh"
    pdf = folder / "kurierdienst-elbe-gmbh-success-plan.pdf"
    for text in (docx_text(folder / "kurierdienst-elbe-gmbh-success-plan.docx"), pdf_text(pdf)):
        flat = squash(text)
        for fact in ("02.11.2026 bis 01.11.2027", "88 %", "95 %", "89,5 %", "Jürgen Weiß",
                     "Anna Schröder", "90", "Erfolg ist, wenn um 18 Uhr"):
            assert squash(fact) in flat, fact
    box = PdfReader(str(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_empty_sections_say_so_in_both_formats(copy_of, tmp_path):
    def strip(text):
        start, end = text.index("risks:\n"), text.index("communication:\n")
        return text[:start] + "risks: []\n\n" + text[end:]
    path = copy_of("northwind-freight.yaml", strip)
    out = tmp_path / "out"
    result = build(path, "--out", out, "--formats", "docx,pdf", "--program", _no_sp011(tmp_path))
    assert result.exit_code == 0, result.output
    folder = out / "northwind-freight"
    for text in (docx_text(folder / "northwind-freight-success-plan.docx"),
                 pdf_text(folder / "northwind-freight-success-plan.pdf")):
        assert squash(EMPTY["risks"]) in squash(text)
        assert "6 Risks and mitigations".split(" ", 1)[1] in text


def _no_sp011(tmp_path: Path) -> Path:
    program = tmp_path / "program.yaml"
    program.write_text("checks:\n  levels: {SP011: off}\n")
    return program


def test_an_account_with_errors_is_not_rendered(copy_of, tmp_path):
    path = copy_of("northwind-freight.yaml",
                   lambda t: replace_once(t, "    baseline: 82\n", ""))
    out = tmp_path / "out"
    result = build(path, "--out", out)
    assert result.exit_code == 1
    assert "error SP002 metric 'on-time' has no baseline" in result.stdout
    assert not out.exists() or not any(out.rglob("*.pdf"))


def test_html_in_fields_is_shown_literally(copy_of, tmp_path):
    hostile = '<img src="http://127.0.0.1:9/x.png"> {{ 7*7 }} <script>x</script>'
    path = copy_of("northwind-freight.yaml", lambda t: replace_once(
        t, "  industry: Logistics", f"  industry: '{hostile}'"))
    out = tmp_path / "out"
    result = build(path, "--out", out, "--formats", "docx,pdf")
    assert result.exit_code == 0, result.output
    folder = out / "northwind-freight"
    assert hostile in docx_text(folder / "northwind-freight-success-plan.docx")
    assert squash(hostile) in squash(pdf_text(folder / "northwind-freight-success-plan.pdf"))


def test_a_bad_logo_fails_that_account_only(copy_of, tmp_path):
    good = copy_of("kurierdienst-elbe.yaml")
    bad = copy_of("northwind-freight.yaml")
    (bad.parent / "logos" / "northwind.png").write_bytes(b"GIF89a not really a png")
    out = tmp_path / "out"
    result = build(good.parent, "--out", out, "--formats", "docx,pdf")
    assert result.exit_code == 1
    assert "error BUILD logo" in result.stdout and "is not a readable PNG or JPEG" in result.stdout
    assert (out / "kurierdienst-elbe-gmbh" / "kurierdienst-elbe-gmbh-success-plan.pdf").is_file()
    assert not (out / "northwind-freight").exists()


def test_a_character_no_brand_font_has_fails_that_account_naming_it_once(copy_of, tmp_path):
    """A metric named with an emoji (no bundled font has it) appears in several places of
    the plan: the account fails with the character named once and what to do; the other
    account is still built."""
    good = copy_of("kurierdienst-elbe.yaml")
    copy_of("northwind-freight.yaml", lambda text: replace_once(
        text, "    name: On-time delivery rate", '    name: "\U0001F4E6 On-time delivery rate"'))
    out = tmp_path / "out"
    result = build(good.parent, "--out", out, "--formats", "pdf")
    assert result.exit_code == 1
    line = next(x for x in result.stdout.splitlines() if "no brand font can show" in x)
    assert line.count("U+1F4E6") == 1 and "fonts.fallback in brand.yaml" in line
    assert (out / "kurierdienst-elbe-gmbh" / "kurierdienst-elbe-gmbh-success-plan.pdf").is_file()
    assert not (out / "northwind-freight" / "northwind-freight-success-plan.pdf").exists()


def heavy_northwind(text: str) -> str:
    """Return Northwind with a 2,000-character summary, 40 more milestones and names in
    accented Latin and CJK."""
    milestones = "".join(
        f"  - {{id: m{i}, phase: adopt, title: 'Rollout wave {i} for the Zürich and 東京 depots "
        f"with a longer description', owner: li, due: 2026-12-0{1 + i % 9}, "
        f"status: in-progress}}\n" for i in range(40))
    text = replace_once(text, "  summary: >-\n", "  summary: >-\n    "
                        + "Ålesund Ørsted " * 140 + "\n")
    text = replace_once(text, "    name: Li Wei\n", "    name: 李伟 (Li Wei) Øyvind-Łukasz\n")
    return replace_once(text, "\ncommitments:\n", "\n" + milestones + "\ncommitments:\n")


def test_long_text_many_milestones_accents_and_cjk_still_build(copy_of, tmp_path):
    path = copy_of("northwind-freight.yaml", heavy_northwind)
    out = tmp_path / "out"
    result = build(path, "--out", out, "--formats", "docx,pdf", "--program", _loose(tmp_path))
    assert result.exit_code == 0, result.output
    folder = out / "northwind-freight"
    pdf = folder / "northwind-freight-success-plan.pdf"
    text = squash(pdf_text(pdf))
    assert squash("Rollout wave 39") in text and squash("李伟 (Li Wei) Øyvind-Łukasz") in text
    assert len(PdfReader(str(pdf)).pages) >= 6
    assert "李伟 (Li Wei) Øyvind-Łukasz" in docx_text(folder / "northwind-freight-success-plan.docx")


def _loose(tmp_path: Path) -> Path:
    program = tmp_path / "loose.yaml"
    program.write_text("checks:\n  levels: {SP023: off, SP017: off}\n")
    return program


def test_a_second_brand_restyles_every_output(tmp_path):
    brand = tmp_path / "acme-brand"
    shutil.copytree(ROOT / "brand", brand)
    spec = (brand / "brand.yaml").read_text()
    spec = spec.replace("name: Fleetline", "name: Acme Success").replace(
        'primary: "#0E3B66"', 'primary: "#8A1C7C"')
    (brand / "brand.yaml").write_text(spec)
    out = tmp_path / "out"
    result = build(ACCOUNTS / "northwind-freight.yaml", "--out", out, "--brand", brand,
                   "--formats", "docx,pdf")
    assert result.exit_code == 0, result.output
    folder = out / "northwind-freight"
    xml = docx_xml(folder / "northwind-freight-success-plan.docx")
    assert 'w:fill="8A1C7C"' in xml and 'w:fill="0E3B66"' not in xml
    for text in (docx_text(folder / "northwind-freight-success-plan.docx"),
                 pdf_text(folder / "northwind-freight-success-plan.pdf")):
        assert "Acme Success commits to" in text and "Fleetline commits to" not in text
    raw = (folder / "northwind-freight-success-plan.pdf").read_bytes()
    assert raw.startswith(b"%PDF-")


def test_a_brand_that_is_not_valid_is_a_configuration_error(tmp_path):
    brand = tmp_path / "b"
    shutil.copytree(ROOT / "brand", brand)
    text = (brand / "brand.yaml").read_text().replace('"#0E3B66"', '"red; background: url(x)"')
    (brand / "brand.yaml").write_text(text)
    result = build(ACCOUNTS / "northwind-freight.yaml", "--out", tmp_path / "o", "--brand", brand)
    assert result.exit_code == 2 and "brand.yaml:7:3: error SCHEMA colours.primary: 'red; background: url(x)' must be a colour written #RRGGBB" in \
        result.output
    assert run_missing_brand(tmp_path).exit_code == 2


def run_missing_brand(tmp_path):
    return build(ACCOUNTS / "northwind-freight.yaml", "--out", tmp_path / "o", "--brand",
                 tmp_path / "nowhere")


def test_one_font_configuration_per_brand_and_its_current_fonts(tmp_path):
    """PDFs of one brand share a font configuration in a process; another brand, or the same
    brand after a font file changed, gets its own (never the other brand's fonts)."""
    import os

    from csplan.inputs.brand import load_brand
    from csplan.render import pdf

    brand = load_brand(ROOT / "brand")
    other = tmp_path / "other-brand"
    shutil.copytree(ROOT / "brand", other)
    second = load_brand(other)
    first = pdf._font_config(brand.fonts_key())
    assert pdf._font_config(brand.fonts_key()) is first
    assert pdf._font_config(second.fonts_key()) is not first
    regular = second.font_files["regular"]
    before = pdf._font_config(second.fonts_key())
    shutil.copyfile(ROOT / "brand" / "fonts" / "DejaVuSans.ttf", regular)
    os.utime(regular, ns=(1, 1))
    assert pdf._font_config(second.fonts_key()) is not before
    assert pdf._font_config(None) is None


@pytest.mark.parametrize("latest,below", [(1.5, True), (4.0, False)])
def test_the_latest_label_is_not_struck_through_by_the_target_line(latest, below):
    """"1.5 hr" sat on the dashed line of a 2 hr target just above its point: a label with
    the target line just above it goes under its point instead."""
    from datetime import date

    from csplan.render.charts import layout
    from csplan.views.customer import Chart

    chart = Chart("Hours", "hours", "down", date(2026, 2, 1), date(2026, 9, 30),
                  ((date(2026, 6, 1), 4.0), (date(2026, 8, 31), latest)), 6.0, 2.0,
                  "Target 2 hr", f"{latest} hr", "Feb 2026", "Sep 2026")
    g = layout(chart)
    point_y = g.points[-1][1]
    assert (g.latest_at[1] > point_y) is below
    assert abs(g.latest_at[1] - 4 - g.target_y) > 6  # the text's middle is off the line
