"""A company's Word reference as it is found in the wild: sample text, its own page numbers
in the footer, an even-page footer, a first-page letterhead, styles the plan needs missing.
The plan keeps its look, page set-up and first page, never its sample text or a second page
number; everything csplan places fits the reference's text width.

Every reference is made here from the bundled one with python-docx and XML edits.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Mm
from pypdf import PdfReader

from tests.conftest import ACCOUNTS
from tests.test_templates import PLAN, TODAY, build, copy_brand, run, set_spec


def page_field(paragraph) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.text = text
        run._r.append(element)


def plan_parts(tmp_path: Path) -> dict[str, str]:
    with zipfile.ZipFile(tmp_path / "out" / "northwind-freight" / PLAN) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()
                if n.endswith(".xml")}


def test_a_references_sample_text_and_footer_fields_never_reach_the_plan(tmp_path):
    brand = copy_brand(tmp_path)
    reference = docx.Document(str(brand / "reference.docx"))
    reference.add_paragraph("Lorem ipsum: replace this sample text with your own.")
    section = reference.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "ACME Corp letterhead"
    footer = section.footer.paragraphs[0]
    footer.text = "Page "
    page_field(footer)
    reference.settings.odd_and_even_pages_header_footer = True
    section.even_page_footer.paragraphs[0].text = "© Sample Corp, all rights reserved"
    reference.save(str(brand / "reference.docx"))
    result = build(brand, tmp_path / "out", "docx")
    assert result.exit_code == 0, result.output
    parts = plan_parts(tmp_path)
    everything = "\n".join(parts.values())
    assert "Lorem ipsum" not in everything and "Sample Corp" not in everything
    assert "evenAndOddHeaders" not in parts["word/settings.xml"]
    assert "ACME Corp letterhead" in everything  # its first page is the company's
    plan = docx.Document(str(tmp_path / "out" / "northwind-freight" / PLAN))
    footer = plan.sections[0].footer._element.xml
    assert footer.count(" PAGE ") == 1 and footer.count("NUMPAGES") == 1
    assert "Northwind" in "\n".join(p.text for p in plan.paragraphs)


def test_styles_a_reference_lacks_are_added_with_one_warning(tmp_path):
    brand = copy_brand(tmp_path)
    reference = docx.Document(str(brand / "reference.docx"))
    for name in ("List Bullet", "Heading 2"):
        reference.styles[name].delete()
    for rid, rel in list(reference.part.rels.items()):  # no bullet definitions at all
        if rel.reltype.endswith("/numbering"):
            reference.part.drop_rel(rid)
    reference.save(str(brand / "reference.docx"))
    with zipfile.ZipFile(brand / "reference.docx") as z:
        assert "word/numbering.xml" not in z.namelist()
    result = build(brand, tmp_path / "out", "docx")
    assert result.exit_code == 0, result.output
    assert result.output.count("warning BRAND the reference has no Heading 2, List Bullet "
                               "styles; csplan adds their default") == 1
    plan = docx.Document(str(tmp_path / "out" / "northwind-freight" / PLAN))
    assert "List Bullet" in {p.style.name for p in plan.paragraphs}
    assert plan.styles["Heading 2"].element.find(qn("w:pPr")) is not None
    num_id = plan.styles["List Bullet"].element.find(
        f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}").get(qn("w:val"))
    nums = plan.part.numbering_part.element.findall(qn("w:num"))
    assert num_id in {n.get(qn("w:numId")) for n in nums}  # bullets, not plain paragraphs
    result = run("brand", "check", brand)
    assert "List Bullet" in result.output and "warning BRAND the reference has no" \
        in result.output


# ---------------------------------------------------------------------- page set-up
DISTANCE = Mm(10)  # header and footer from the edge


def company_reference(brand: Path, width, height, left, right, top, bottom, gutter=0,
                      header=DISTANCE, footer=DISTANCE, landscape=False) -> None:
    """Give the brand a reference with this page set-up and a first-page letterhead."""
    reference = docx.Document(str(brand / "reference.docx"))
    section = reference.sections[-1]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = width, height
    section.left_margin, section.right_margin = left, right
    section.top_margin, section.bottom_margin, section.gutter = top, bottom, gutter
    section.header_distance, section.footer_distance = header, footer
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "ACME Corp letterhead"
    reference.save(str(brand / "reference.docx"))


LETTER_1IN = dict(width=Inches(8.5), height=Inches(11), left=Inches(1), right=Inches(1),
                  top=Inches(1), bottom=Inches(1), header=Inches(0.5), footer=Inches(0.4))
A4_LANDSCAPE = dict(width=Mm(297), height=Mm(210), left=Mm(25), right=Mm(25), top=Mm(25),
                    bottom=Mm(25), header=Mm(12.5), footer=Mm(11), landscape=True)
A4_NARROW = dict(width=Mm(210), height=Mm(297), left=Mm(55), right=Mm(25), top=Mm(25),
                 bottom=Mm(25), gutter=Mm(10), header=Mm(12.5), footer=Mm(12.5))
TWIPS = 635  # EMU per twip


def inline_widths(element) -> list[int]:
    return [int(e.get("cx")) for e in element.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")]


@pytest.mark.parametrize("page", [LETTER_1IN, A4_LANDSCAPE, A4_NARROW],
                         ids=["letter-1in", "a4-landscape-25mm", "a4-narrow-gutter"])
def test_the_plan_keeps_the_references_page_and_fits_inside_its_text_width(tmp_path, page):
    brand = copy_brand(tmp_path)
    company_reference(brand, **page)
    result = build(brand, tmp_path / "out", "docx")
    assert result.exit_code == 0, result.output
    plan = docx.Document(str(tmp_path / "out" / "northwind-freight" / PLAN))
    assert len(plan.sections) == 1
    section = plan.sections[0]
    expected = {"page_width": page["width"], "page_height": page["height"],
                "left_margin": page["left"], "right_margin": page["right"],
                "top_margin": page["top"], "bottom_margin": page["bottom"],
                "gutter": page.get("gutter", 0), "header_distance": page["header"],
                "footer_distance": page["footer"]}
    assert {key: getattr(section, key) for key in expected} == pytest.approx(
        expected, abs=TWIPS)
    assert section.orientation == (WD_ORIENT.LANDSCAPE if page.get("landscape")
                                   else WD_ORIENT.PORTRAIT)
    text = page["width"] - page["left"] - page["right"] - page.get("gutter", 0)
    assert len(plan.tables) > 5
    for table in plan.tables:  # the tables' grids and every row's cells
        grid = [int(c.get(qn("w:w"))) * TWIPS
                for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        slack = len(grid) * TWIPS  # each width is rounded to whole twips
        assert sum(grid) <= text + slack, table.rows[0].cells[0].text
        for row in table.rows:
            assert sum(c.width for c in row.cells) <= text + slack
    body = plan.element.body
    assert inline_widths(body) and all(w <= text // 2 for w in inline_widths(body))
    for paragraph in body.iter(qn("w:p")):  # the cover's two logos share one line, with
        assert sum(inline_widths(paragraph)) <= 0.8 * text  # room for the tab between
    header = section.header
    assert all(w <= text for w in inline_widths(header._element))
    stops = [(s.position, s.alignment) for s in header.paragraphs[0].paragraph_format.tab_stops
             if s.alignment == WD_TAB_ALIGNMENT.RIGHT]
    assert stops == [(pytest.approx(text, abs=TWIPS), WD_TAB_ALIGNMENT.RIGHT)]
    assert "ACME Corp letterhead" in section.first_page_header._element.xml
    assert section.footer._element.xml.count(" PAGE ") == 1


def test_a_reference_too_narrow_for_the_plan_is_one_configuration_error(tmp_path):
    brand = copy_brand(tmp_path)
    company_reference(brand, width=Mm(210), height=Mm(297), left=Mm(70), right=Mm(70),
                      top=Mm(20), bottom=Mm(20))
    result = run("build", ACCOUNTS, "--out", tmp_path / "out", "--formats", "docx",
                 "--brand", brand, *TODAY)
    assert result.exit_code == 2, result.output
    message = (f"brand DOCX reference {brand / 'reference.docx'} leaves a text area of 70 x "
               "257 mm (A4 portrait, margins left 70 mm, right 70 mm")
    assert result.output.count(message) == 1, result.output
    assert "the plan needs at least 80 x 80 mm: in Word, Layout > Margins" in result.output
    assert "built" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()

    company_reference(brand, width=Mm(210), height=Mm(297), left=Mm(120), right=Mm(120),
                      top=Mm(20), bottom=Mm(20))  # margins wider than the paper
    result = run("brand", "check", brand)
    assert result.exit_code == 2 and "leaves a text area of -30 x 257 mm" in result.output


def test_brand_check_prints_the_references_page_and_warns_when_the_pdf_differs(tmp_path):
    brand = copy_brand(tmp_path)
    result = run("brand", "check", brand)
    assert "page: none set (csplan's: the PDF's paper, 18 mm margins)" in result.output
    assert "warnings: none" in result.output
    company_reference(brand, **LETTER_1IN)
    set_spec(brand, "min_font_pt: 12", "min_font_pt: 12\npage_size: a4")
    result = run("brand", "check", brand)
    assert result.exit_code == 0, result.output
    assert ("  page: Letter portrait, margins left 25.4 mm, right 25.4 mm, top 25.4 mm, "
            "bottom 25.4 mm; header 12.7 mm and footer 10.2 mm from the edge; text width "
            "165 mm") in result.output
    warning = "warning BRAND the PDF is A4, the Word reference Letter: set page_size: letter " \
              "in brand.yaml"
    assert result.output.split("warnings:")[1].count(warning) == 1
    assert result.output.count(warning) == 1  # listed, not also printed as the brand loads
    result = build(brand, tmp_path / "out", "docx")
    assert result.exit_code == 0 and result.output.count(warning) == 1

    set_spec(brand, "page_size: a4", "page_size: letter")
    assert "warnings: none" in run("brand", "check", brand).output
    set_spec(brand, "page_size: letter", "")
    result = run("brand", "check", brand)
    assert "the Word reference is Letter, and the PDF's paper follows each account's " \
           "country (Letter in the US, A4 elsewhere): set page_size: letter" in result.output


def test_brand_page_size_sets_the_pdf_paper(tmp_path):
    brand = copy_brand(tmp_path)
    set_spec(brand, "min_font_pt: 12", "min_font_pt: 12\npage_size: a4")
    result = build(brand, tmp_path / "out", "pdf")  # Northwind is en-US: Letter by default
    assert result.exit_code == 0, result.output
    pdf = PdfReader(str(tmp_path / "out" / "northwind-freight" / PLAN.replace(".docx", ".pdf")))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == \
        (210, 297)


def test_brand_init_takes_the_paper_from_the_word_template(tmp_path):
    brand = copy_brand(tmp_path)
    company_reference(brand, **A4_LANDSCAPE)
    out = tmp_path / "acme-brand"
    result = run("brand", "init", "--from", brand / "master.pptx", "--docx",
                 brand / "reference.docx", "--out", out)
    assert result.exit_code == 0, result.output
    assert "\npage_size: a4 " in (out / "brand.yaml").read_text()
    assert "A4 landscape, margins left 25 mm" in result.output
    assert "warning BRAND" not in result.output


def test_python_docx_s_own_page_in_a_reference_from_an_older_csplan_is_not_kept(tmp_path):
    """csplan's reference.docx was made from python-docx's template until the reference's page
    set-up was kept: a brand folder copied then holds that template's page (Letter with
    1.25 in side margins), which nobody chose; its plans keep csplan's page."""
    brand = copy_brand(tmp_path)
    docx.Document().save(str(brand / "reference.docx"))  # python-docx's template, page and all
    assert "page: none set" in run("brand", "check", brand).output
    result = build(brand, tmp_path / "out", "docx")
    assert result.exit_code == 0, result.output
    section = docx.Document(str(tmp_path / "out" / "northwind-freight" / PLAN)).sections[0]
    assert (section.left_margin, section.right_margin) == pytest.approx(
        (Mm(18), Mm(18)), abs=TWIPS)
    assert (section.page_width, section.page_height) == pytest.approx(
        (Mm(215.9), Mm(279.4)), abs=TWIPS)  # Letter: Northwind is a US account
