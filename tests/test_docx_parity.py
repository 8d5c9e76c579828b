"""The DOCX plan on a par with the PDF; alt text in all three formats; fonts travel.

Every test opens the built files (python-docx, zipfile, pypdf) and reads what a reader gets.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from pypdf import PdfReader

from csplan.cli import main
from csplan.paths import BRAND
from csplan.render import fontembed
from csplan.render.fit import measure_for
from tests.conftest import ACCOUNTS, replace_once
from tests.docs import pdf_text

TODAY = ["--today", "2026-11-23"]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
PRIMARY = "0E3B66"  # the default brand's primary colour
METRICS = ("On-time delivery rate", "Legacy routing licence spend",
           "Hours to plan the next day's routes", "Weekly active seats", "Dispatcher NPS")


def build(account: Path, out: Path) -> Path:
    result = CliRunner().invoke(main, ["build", str(account), "--out", str(out),
                                       "--formats", "docx,pdf,pptx", *TODAY],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return next(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("_"))


def localised(tmp_path: Path, locale: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(parents=True, exist_ok=True)
    import shutil
    shutil.copytree(ACCOUNTS / "logos", folder / "logos", dirs_exist_ok=True)
    text = (ACCOUNTS / "northwind-freight.yaml").read_text(encoding="utf-8")
    if locale != "en-US":
        text = replace_once(text, "locale: en-US", f"locale: {locale}")
    path = folder / "northwind-freight.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    folder = build(ACCOUNTS / "northwind-freight.yaml", tmp_path_factory.mktemp("out"))
    return {suffix: next(folder.glob(f"*{suffix}")) for suffix in (".docx", ".pdf", ".pptx")}


def part(path: Path, name: str):
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def test_docx_tables_have_the_brand_look_not_table_grid(built):
    body = part(built[".docx"], "word/document.xml")
    styles = part(built[".docx"], "word/styles.xml")
    grid_ids = {s.get(f"{{{W}}}styleId") for s in styles.iterfind("w:style", NS)
                if s.find("w:name", NS) is not None
                and s.find("w:name", NS).get(f"{{{W}}}val") == "Table Grid"}
    used = {s.get(f"{{{W}}}val") for s in body.iterfind(".//w:tblPr/w:tblStyle", NS)}
    assert not used & (grid_ids | {"TableGrid"})
    headed = [t for t in body.iterfind(".//w:tbl", NS)
              if t.find("w:tr/w:trPr/w:tblHeader", NS) is not None]
    assert len(headed) >= 8  # metrics, four phases, stakeholders, risks, communication, ...
    for table in headed:
        for cell in table.find("w:tr", NS).iterfind("w:tc", NS):
            assert cell.find("w:tcPr/w:shd", NS).get(f"{{{W}}}fill") == PRIMARY
            colours = {c.get(f"{{{W}}}val") for c in cell.iterfind(".//w:color", NS)}
            assert colours == {"FFFFFF"}  # readable on the dark primary colour
        borders = table.find("w:tblPr/w:tblBorders", NS)
        assert borders.find("w:insideV", NS).get(f"{{{W}}}val") == "nil"  # no black grid
        banded = [row.find("w:tc/w:tcPr/w:shd", NS) for row in table.findall("w:tr", NS)[2::2]]
        assert all(s is not None and s.get(f"{{{W}}}fill") == "EEF3F7" for s in banded)


def split(text: str) -> list[str]:
    """The words of ``text`` as a line breaks them: at spaces, not at no-break spaces."""
    return [w for w in re.split(r"[ \t\n\u2000-\u200b]+", text) if w]


def _docx_headers(docx: Path, body_too: bool = False) -> list[tuple[int, int, str]]:
    """Return (column width, insets, text) in twips of each header cell of the DOCX's
    tables (and of every cell's paragraph with ``body_too``)."""
    body = part(docx, "word/document.xml")
    cells = []
    for table in body.iterfind(".//w:tbl", NS):
        if table.find("w:tr/w:trPr/w:tblHeader", NS) is None:
            continue
        margins = table.find("w:tblPr/w:tblCellMar", NS)
        inset = sum(int(margins.find(f"w:{e}", NS).get(f"{{{W}}}w")) for e in ("left", "right"))
        cols = [int(c.get(f"{{{W}}}w")) for c in table.iterfind("w:tblGrid/w:gridCol", NS)]
        rows = table.findall("w:tr", NS)
        for row in rows if body_too else rows[:1]:
            for width, cell in zip(cols, row.findall("w:tc", NS)):
                for p in cell.iterfind("w:p", NS):
                    cells.append((width, inset, "".join(t.text or "" for t in
                                                        p.iterfind(".//w:t", NS))))
    return cells


@pytest.mark.parametrize("locale,word", [("en-US", "Likelihood"), ("es-ES", "Probabilidad"),
                                         ("de-DE", "Auslöser")])
def test_no_table_header_word_breaks_in_docx_or_pdf(tmp_path, locale, word):
    folder = build(localised(tmp_path, locale), tmp_path / "out")
    docx, pdf = next(folder.glob("*.docx")), next(folder.glob("*.pdf"))
    measure = measure_for(BRAND / "fonts/Lato-Regular.ttf", BRAND / "fonts/Lato-Bold.ttf", ())
    headers = _docx_headers(docx)
    shown = {w for _w, _i, text in headers for w in split(text)}
    assert word in shown
    broken = [w for width, inset, text in headers for w in split(text)
              if measure.width(w, 8.5, True) > (width - inset) / 20]
    assert broken == []
    # numbers and amounts never break either ("60.000 US$" with its no-break space)
    values = [w for width, inset, text in _docx_headers(docx, body_too=True)
              for w in split(text) if re.search(r"\d", w)
              and measure.width(w, 8.5, True) > (width - inset) / 20]
    assert values == []
    # the PDF's tables show the same header words, each whole (never "Likelihoo" + "d")
    tokens = set(re.split(r"\s+", pdf_text(pdf)))
    assert sorted(shown - tokens) == []


def test_docx_footer_is_page_x_of_y_on_every_page_cover_and_quote_box(built):
    import docx as python_docx

    document = python_docx.Document(str(built[".docx"]))
    section = document.sections[0]
    assert section.different_first_page_header_footer  # the cover has no running header
    for footer in (section.footer, section.first_page_footer):
        xml = footer._element.xml
        assert " PAGE " in xml and " NUMPAGES " in xml
        assert "Page" in "".join(t.text for t in footer._element.iter(f"{{{W}}}t"))
    quote = next(p for p in document.paragraphs if p.text.startswith("“We will call"))
    pPr = quote._p.pPr
    assert pPr.find(f"{{{W}}}pBdr") is not None and pPr.find(f"{{{W}}}shd") is not None
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)


def test_every_picture_and_chart_has_alt_text_naming_what_it_shows(built):
    with zipfile.ZipFile(built[".docx"]) as z:
        descr = [d.get("descr") for name in z.namelist() if name.startswith("word/")
                 and name.endswith(".xml")
                 for d in etree.fromstring(z.read(name)).iterfind(".//wp:docPr", NS)]
    assert len(descr) >= 7 and all(descr)
    for metric in METRICS:
        assert any(d.startswith(f"Line chart: {metric}, ") for d in descr), metric
    assert "Line chart: On-time delivery rate, Feb\u2009–\u2009Oct 2026, from 82% to 93%, " \
        "target 95%" in descr
    assert "Northwind Freight logo" in descr and "Fleetline logo" in descr
    with zipfile.ZipFile(built[".pptx"]) as z:
        slides = [etree.fromstring(z.read(n)) for n in z.namelist()
                  if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    charts = [f.find("p:nvGraphicFramePr/p:cNvPr", NS).get("descr") for s in slides
              for f in s.iterfind(".//p:graphicFrame", NS)
              if f.find(".//a:graphicData", NS).get("uri").endswith("/chart")]
    pictures = [p.find("p:nvPicPr/p:cNvPr", NS).get("descr") for s in slides
                for p in s.iterfind(".//p:pic", NS)]
    # 5 results charts and 4 KPI sparklines
    assert len(charts) == 9 and all(charts) and pictures and all(pictures)
    for metric in METRICS:
        assert any(f"Line chart: {metric}, " in c for c in charts), metric


def test_pdf_plan_is_pdf_ua_with_alt_on_every_figure(built):
    reader = PdfReader(str(built[".pdf"]))
    root = reader.trailer["/Root"]
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    figures = []

    def walk(element):
        element = element.get_object()
        if isinstance(element, dict) or hasattr(element, "get"):
            if element.get("/S") == "/Figure":
                figures.append(element)
            kids = element.get("/K")
            if kids is not None:
                for kid in (kids if isinstance(kids, list) else [kids]):
                    if hasattr(kid, "get_object") or isinstance(kid, (dict, list)):
                        walk(kid)
        elif isinstance(element, list):
            for kid in element:
                walk(kid)

    walk(root["/StructTreeRoot"])
    alts = [str(f.get("/Alt", "")) for f in figures]
    assert len(alts) >= 7 and all(alts)  # two logos, five charts
    for metric in METRICS:
        assert any(a.startswith(f"Line chart: {metric}, ") for a in alts), metric


def test_brand_font_is_embedded_and_deobfuscates_to_the_font(built):
    lato = {face: (BRAND / f"fonts/Lato-{face}.ttf").read_bytes()
            for face in ("Regular", "Bold", "Italic", "BoldItalic")}
    table = part(built[".docx"], "word/fontTable.xml")
    rels = part(built[".docx"], "word/_rels/fontTable.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    font = next(f for f in table.iterfind("w:font", NS) if f.get(f"{{{W}}}name") == "Lato")
    with zipfile.ZipFile(built[".docx"]) as z:
        for face, original in lato.items():
            embed = font.find(f"w:embed{face}", NS)
            key = embed.get(f"{{{W}}}fontKey")
            stored = z.read("word/" + targets[embed.get(f"{{{NS['r']}}}id")])
            assert stored != original  # obfuscated ...
            assert fontembed.obfuscate(stored, key) == original  # ... with its key
    with zipfile.ZipFile(built[".pptx"]) as z:
        presentation = etree.fromstring(z.read("ppt/presentation.xml"))
        rels = etree.fromstring(z.read("ppt/_rels/presentation.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        entry = presentation.find("p:embeddedFontLst/p:embeddedFont", NS)
        assert entry.find("p:font", NS).get("typeface") == "Lato"
        for tag, face in (("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"),
                          ("boldItalic", "BoldItalic")):
            rid = entry.find(f"p:{tag}", NS).get(f"{{{NS['r']}}}id")
            assert fontembed.eot_font(z.read("ppt/" + targets[rid])) == lato[face]


def _restricted(path: Path) -> None:
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    font["OS/2"].fsType = 0x0002  # Restricted License embedding
    font.save(str(path))


@pytest.mark.parametrize("embed", ["false", "restricted"])
def test_a_brand_can_keep_its_font_out_of_the_files(tmp_path, embed):
    import shutil

    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    yaml = (brand / "brand.yaml").read_text(encoding="utf-8")
    if embed == "restricted":  # the font forbids it: brand.yaml cannot overrule that
        _restricted(brand / "fonts/Lato-Regular.ttf")
    (brand / "brand.yaml").write_text(replace_once(
        yaml, "  family: Lato\n",
        f"  family: Lato\n  embed: {'true' if embed == 'restricted' else 'false'}\n"),
        encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(ACCOUNTS / "northwind-freight.yaml"),
                                       "--out", str(out), "--formats", "docx,pptx",
                                       "--brand", str(brand), *TODAY],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for path in (out / "northwind-freight").iterdir():
        with zipfile.ZipFile(path) as z:
            assert not [n for n in z.namelist() if n.endswith((".odttf", ".fntdata"))]


def test_documents_with_fonts_and_alt_text_are_reproducible(built, tmp_path):
    again = build(ACCOUNTS / "northwind-freight.yaml", tmp_path / "again")
    for suffix, first in built.items():
        assert next(again.glob(f"*{suffix}")).read_bytes() == first.read_bytes(), suffix
