"""What the deck carries over from the slide master: footers, dates and slide numbers.

python-pptx makes a slide with the layout's title and body placeholders only, so a company's
footer ("Confidential"), date and slide number never showed. ``carry_footers`` copies the
layout's slide-number placeholder (with its field, so PowerPoint numbers the slide) and its
footer and date placeholders when they hold text of their own, onto every slide but the
cover. A master without a slide-number placeholder gets a small number in a free corner at
the bottom of the slide, overlapping nothing of the master.
"""

from __future__ import annotations

import copy
from lxml import etree

from csplan.inputs.master import (DATE, FOOTER, SLIDE_NUMBER, Rect, footer_placeholder,
                                  number_spot, rect_of)

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{{{_A}}}t")).strip()


def _has_field(element, kind: str) -> bool:
    return any(f.get("type", "").startswith(kind) for f in element.iter(f"{{{_A}}}fld"))


def carry_footers(slide, width: int, height: int, colour: str) -> list[Rect]:
    """Copy the layout's slide number, and its footer and date when they hold their own
    text, onto ``slide``; return where they are. ``colour`` is for a number csplan adds."""
    layout = slide.slide_layout
    placed = []
    for kind in (SLIDE_NUMBER, FOOTER, DATE):
        ph = footer_placeholder(layout, kind)
        if ph is None:
            continue
        text = _text_of(ph._element)
        if kind == SLIDE_NUMBER and not _has_field(ph._element, "slidenum"):
            continue
        if kind == FOOTER and (not text or text.lower() == "footer"):
            continue
        if kind == DATE and (not text or _has_field(ph._element, "datetime")):
            continue  # a date field shows the day the deck is opened, not the QBR's
        element = copy.deepcopy(ph._element)
        rect = rect_of(ph)
        if rect is not None and element.find(".//{*}spPr") is not None and \
                element.find(".//{*}spPr/{*}xfrm") is None:
            _place(element, rect)  # a master's position, which the layout inherits
        slide.shapes._spTree.append(element)
        _renumber(slide, element)
        if rect is not None:
            placed.append(rect)
    if not any(int(ph.placeholder_format.type) == SLIDE_NUMBER for ph in slide.placeholders):
        spot = number_spot(layout, width, height)
        if spot is not None:
            _add_number(slide, spot, colour)
            placed.append(spot)
    return placed


def _place(element, rect: Rect) -> None:
    xfrm = etree.Element(f"{{{_A}}}xfrm")
    element.find(".//{*}spPr").insert(0, xfrm)
    etree.SubElement(xfrm, f"{{{_A}}}off", x=str(rect.left), y=str(rect.top))
    etree.SubElement(xfrm, f"{{{_A}}}ext", cx=str(rect.width), cy=str(rect.height))


def _renumber(slide, element) -> None:
    ids = [int(e.get("id")) for e in slide.shapes._spTree.iter() if
           etree.QName(e).localname == "cNvPr" and (e.get("id") or "").isdigit()]
    c_nv_pr = element.find(".//{*}cNvPr")
    if c_nv_pr is not None:
        c_nv_pr.set("id", str(max(ids, default=1) + 1))


def _add_number(slide, spot: Rect, colour: str) -> None:
    """Add a small right-aligned slide-number field at ``spot``."""
    from pptx.enum.text import PP_ALIGN

    box = slide.shapes.add_textbox(spot.left, spot.top, spot.width, spot.height)
    box.name = "slide number"
    p = box.text_frame.paragraphs[0]
    p.alignment = PP_ALIGN.RIGHT
    field = etree.Element(f"{{{_A}}}fld", id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}",
                          type="slidenum")
    r_pr = etree.SubElement(field, f"{{{_A}}}rPr", lang="en-US", sz="1100")
    fill = etree.SubElement(r_pr, f"{{{_A}}}solidFill")
    etree.SubElement(fill, f"{{{_A}}}srgbClr", val=colour.lstrip("#").upper())
    etree.SubElement(field, f"{{{_A}}}t").text = str(len(slide.part.package.presentation_part
                                                         .presentation.slides))
    end = p._p.find(f"{{{_A}}}endParaRPr")
    if end is not None:
        end.addprevious(field)
    else:
        p._p.append(field)
