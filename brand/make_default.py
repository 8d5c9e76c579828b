"""Write the default brand's Office templates from brand.yaml: reference.docx (Word styles)
and master.pptx (the 16:9 slide master of the QBR deck).

Run from the repository root after changing brand.yaml's fonts or colours:

    python brand/make_default.py

A company with its own Word template skips this: it points `docx_reference` in its own
brand.yaml at its .docx, whose styles (Normal, Title, Heading 1-3, List Bullet, Quote,
Table Grid) the plan uses by name.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import docx
import yaml
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor

from csplan.views.docinfo import DocInfo, office_package

HERE = Path(__file__).resolve().parent
# The templates' own date (SOURCE_DATE_EPOCH wins when set): regenerating them from an
# unchanged brand.yaml gives the same bytes. Documents never show it: every renderer writes
# its own properties (see csplan.docinfo).
MADE_ON = date(2026, 1, 1)


def save(document, target: Path, title: str, spec: dict) -> None:
    """Save a python-docx/python-pptx document with the brand's properties, not the
    library's (author "python-docx", "Steve Canny", dates from 2013, a stale thumbnail)."""
    out = io.BytesIO()
    document.save(out)
    info = DocInfo.on(MADE_ON, title=title, author=spec["name"], company=spec["name"])
    target.write_bytes(office_package(out.getvalue(), info))


def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def make_reference(spec: dict) -> None:
    doc = docx.Document()
    colours, family = spec["colours"], spec["fonts"]["family"]
    sizes = {"Normal": 10, "Title": 24, "Subtitle": 12, "Heading 1": 15, "Heading 2": 12,
             "Heading 3": 10.5, "Quote": 11, "List Bullet": 10, "Caption": 8.5}
    for name, size in sizes.items():
        style = doc.styles[name]
        style.font.name = family
        style.font.size = Pt(size)
        rfonts = style.element.rPr.rFonts
        fallbacks = [f["family"] for f in spec["fonts"].get("fallback", [])]
        for attr in ("w:ascii", "w:hAnsi"):
            rfonts.set(docx.oxml.ns.qn(attr), family)
        # complex scripts and CJK: the brand's fallback fonts, in order
        rfonts.set(docx.oxml.ns.qn("w:cs"), fallbacks[0] if fallbacks else family)
        rfonts.set(docx.oxml.ns.qn("w:eastAsia"), fallbacks[-1] if fallbacks else family)
        # theme fonts would override the explicit ones in Word
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            rfonts.attrib.pop(docx.oxml.ns.qn(attr), None)
        style.font.color.rgb = rgb(colours["text"])
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        doc.styles[name].font.color.rgb = rgb(colours["primary"])
        doc.styles[name].font.bold = True
    doc.styles["Subtitle"].font.color.rgb = rgb(colours["muted"])
    doc.styles["Caption"].font.color.rgb = rgb(colours["muted"])
    doc.styles["Quote"].font.italic = True
    doc.styles["Heading 1"].paragraph_format.space_before = Pt(16)
    doc.styles["Heading 1"].paragraph_format.space_after = Pt(6)
    doc.styles["Heading 2"].paragraph_format.space_before = Pt(10)
    doc.styles["Normal"].paragraph_format.space_after = Pt(4)
    if "Small" not in [s.name for s in doc.styles]:
        small = doc.styles.add_style("Small", WD_STYLE_TYPE.PARAGRAPH)
        small.base_style = doc.styles["Normal"]
        small.font.size = Pt(8.5)
        small.font.color.rgb = rgb(colours["muted"])
    # No page of its own: the plan takes the paper from the account's country (or brand.yaml
    # page_size) and csplan's margins. A company's reference keeps its page set-up.
    sect_pr = doc.sections[-1]._sectPr
    for tag in ("w:pgSz", "w:pgMar"):
        sect_pr.remove(sect_pr.find(docx.oxml.ns.qn(tag)))
    save(doc, HERE / spec["docx_reference"], f"{spec['name']} reference styles", spec)


A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def _theme(master, spec: dict) -> None:
    """Set the theme's colour scheme and fonts to the brand's."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    c = spec["colours"]
    scheme = {"dk2": c["primary"], "lt2": c["light"], "accent1": c["primary"],
              "accent2": c["accent"], "accent3": c["good"], "accent4": c["warning"],
              "accent5": c["bad"], "accent6": c["muted"]}
    clr = root.find(f".//{A}clrScheme")
    clr.set("name", spec["name"])
    for name, value in scheme.items():
        slot = clr.find(f"{A}{name}")
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{A}srgbClr", val=value.lstrip("#").upper())
    fallbacks = [f["family"] for f in spec["fonts"].get("fallback", [])]
    for kind in ("majorFont", "minorFont"):
        font = root.find(f".//{A}{kind}")
        font.find(f"{A}latin").set("typeface", spec["fonts"]["family"])
        font.find(f"{A}ea").set("typeface", fallbacks[-1] if fallbacks else "")
        font.find(f"{A}cs").set("typeface", fallbacks[0] if fallbacks else "")
    root.find(f".//{A}fontScheme").set("name", spec["name"])
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _text_styles(master) -> None:
    """Titles left-aligned in the primary colour; body text a readable size."""
    title = master.element.find(f".//{P}titleStyle/{A}lvl1pPr")
    title.set("algn", "l")
    rpr = title.find(f"{A}defRPr")
    rpr.set("sz", "2800")
    rpr.set("b", "1")
    rpr.find(f"{A}solidFill/{A}schemeClr").set("val", "accent1")
    body = master.element.find(f".//{P}bodyStyle")
    for level, size in (("lvl1pPr", "2000"), ("lvl2pPr", "1800"), ("lvl3pPr", "1600")):
        body.find(f"{A}{level}/{A}defRPr").set("sz", size)


def _place(shape, left, top, width, height) -> None:
    shape.left, shape.top, shape.width, shape.height = left, top, width, height


def _left_aligned(placeholder, size: int) -> None:
    """Make a layout placeholder's text left-aligned at ``size`` (hundredths of a point)."""
    from lxml import etree

    body = placeholder.element.find(f".//{P}txBody")
    lst = body.find(f"{A}lstStyle")
    for child in list(lst):
        lst.remove(child)
    lvl = etree.SubElement(lst, f"{A}lvl1pPr", marL="0", indent="0", algn="l")
    etree.SubElement(lvl, f"{A}buNone")
    etree.SubElement(lvl, f"{A}defRPr", sz=str(size))


def make_master(spec: dict) -> None:
    from pptx import Presentation
    from pptx.oxml.shapes.picture import CT_Picture
    from pptx.util import Emu, Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    width, height = prs.slide_width, prs.slide_height
    margin = Inches(0.6)
    master = prs.slide_master
    _theme(master, spec)
    _text_styles(master)
    title_box = (margin, Inches(0.35), width - 2 * margin - Inches(2.6), Inches(0.95))
    body_box = (margin, Inches(1.45), width - 2 * margin, height - Inches(1.45) - Inches(0.8))
    foot_y, foot_h = height - Inches(0.55), Inches(0.35)
    footers = {10: (margin, foot_y, Inches(3), foot_h),
               11: (Inches(4.2), foot_y, width - Inches(8.4), foot_h),
               12: (width - margin - Inches(2), foot_y, Inches(2), foot_h)}
    for layout in [master, *prs.slide_layouts]:
        for ph in layout.placeholders:
            idx = ph.placeholder_format.idx
            if idx in footers:
                _place(ph, *footers[idx])
            elif layout.name == "Title Slide":
                box = (Inches(0.8), Inches(2.3), Inches(10), Inches(1.6)) if idx == 0 else \
                    (Inches(0.8), Inches(4.0), Inches(10), Inches(1.9))
                _place(ph, *box)
            elif idx == 0:
                _place(ph, *title_box)
            elif layout.name == "Two Content":
                half = (body_box[2] - Inches(0.4)) // 2
                left = body_box[0] if idx == 1 else body_box[0] + half + Inches(0.4)
                _place(ph, left, body_box[1], half, body_box[3])
            elif idx == 1:
                _place(ph, *body_box)
    title_slide = prs.slide_layouts.get_by_name("Title Slide")
    for ph in title_slide.placeholders:
        if ph.placeholder_format.idx in (0, 1):
            _left_aligned(ph, 4000 if ph.placeholder_format.idx == 0 else 2000)
    logo = HERE / spec["logo"]
    image_part, rid = master.part.get_or_add_image_part(str(logo))
    logo_h = Inches(0.5)
    logo_w = Emu(int(logo_h * image_part.image.size[0] / image_part.image.size[1]))
    pic = CT_Picture.new_pic(100, "Logo", spec["name"], rid, width - margin - logo_w,
                             Inches(0.5), logo_w, logo_h)
    master.shapes._spTree.append(pic)
    save(prs, HERE / spec["pptx_master"], f"{spec['name']} QBR master", spec)


if __name__ == "__main__":
    brand = yaml.safe_load((HERE / "brand.yaml").read_text(encoding="utf-8"))
    make_reference(brand)
    print("wrote", HERE / brand["docx_reference"])
    make_master(brand)
    print("wrote", HERE / brand["pptx_master"])
