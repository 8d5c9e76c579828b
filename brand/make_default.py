"""Write the default brand's Office templates from brand.yaml: reference.docx (Word styles).

Run from the repository root after changing brand.yaml's fonts or colours:

    python brand/make_default.py

A company with its own Word template skips this: it points `docx_reference` in its own
brand.yaml at its .docx, whose styles (Normal, Title, Heading 1-3, List Bullet, Quote,
Table Grid) the plan uses by name.
"""

from __future__ import annotations

from pathlib import Path

import docx
import yaml
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent


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
    doc.core_properties.title = f"{spec['name']} reference styles"
    doc.core_properties.author = spec["name"]
    doc.save(HERE / spec["docx_reference"])


if __name__ == "__main__":
    make_reference(yaml.safe_load((HERE / "brand.yaml").read_text(encoding="utf-8")))
    print("wrote", HERE / "reference.docx")
