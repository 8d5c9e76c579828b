"""Marks stamped on every page of a document that is not final: ``DRAFT`` on every slide.

Kept apart from the deck's layout: the mark is added after the slides are laid out and
measured, in the top right corner, above everything else on the slide.
"""

from __future__ import annotations

from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Pt

MARK_WIDTH = Emu(2_400_000)  # 2.6 in
MARK_HEIGHT = Emu(400_000)


def stamp_slides(prs, mark: str, colour: str, brand) -> None:
    """Put ``mark`` (e.g. "DRAFT") in bold, in ``colour``, at the top right of every slide
    of ``prs``."""
    left = Emu(prs.slide_width - MARK_WIDTH - Emu(150_000))
    for slide in prs.slides:
        box = slide.shapes.add_textbox(left, Emu(60_000), MARK_WIDTH, MARK_HEIGHT)
        box.name = "csplan draft mark"
        frame = box.text_frame
        frame.word_wrap = False
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.RIGHT
        run = paragraph.add_run()
        run.text = mark
        run.font.size, run.font.bold = Pt(16), True
        run.font.name = brand.spec.fonts.family
        run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
