"""A company's Word reference as it is found in the wild: sample text, its own page numbers
in the footer, an even-page footer, a first-page letterhead, styles the plan needs missing.
The plan keeps its look and first page, never its sample text or a second page number.

Every reference is made here from the bundled one with python-docx and XML edits.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.test_templates import PLAN, build, copy_brand, run


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
