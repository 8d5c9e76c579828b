"""Text fitting for the deck: measure text with the brand's real font files.

Design note. PowerPoint does not lay text out when a file is written; python-pptx cannot
either, and its ``fit_text`` is no layout check (it ignores paragraph breaks, assumes a line
height of ~0.92 em, cannot find fonts on Linux, and rewrites every run's font). PowerPoint's
own "shrink on overflow" flag is ignored until someone edits the slide. So csplan measures
every text box itself before saving:

- widths come from Pillow's ``ImageFont.getlength`` on the brand's TTF files, character by
  character run: a character the main font lacks is measured with the first fallback font
  whose cmap has it (CJK, Arabic), as a renderer would draw it;
- words wrap greedily at spaces; a word longer than the line breaks between characters;
- a line is 1.2 em high (PowerPoint's single spacing for fonts like Lato); paragraphs add
  their space-after; text boxes and table cells lose their insets (0.1 in left and right,
  0.05 in top and bottom) before measuring.

The deck builder uses ``Measure`` to decide font sizes (shrinking within the brand's floor)
and where tables and lists continue on a "(continued)" slide; ``overflows`` then re-measures
every text frame and table of the finished deck, and the build fails naming the slide and
the shape if anything still does not fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

EMU_PER_PT = 12700
LINE = 1.2  # line height in em
INSET_X = 7.2  # points: 0.1 in
INSET_Y = 3.6  # points: 0.05 in
_SCALE = 4  # fonts are loaded at 4x the point size for sub-point precision


@lru_cache(maxsize=16)
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=128)
def _font(path: str, size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(1, round(size * _SCALE)))


@dataclass(frozen=True)
class Para:
    """One paragraph to measure: its text, size in points, weight, and space after it."""

    text: str
    size: float
    bold: bool = False
    space_after: float = 0.0
    indent: float = 0.0  # points lost on the left (bullets)


@lru_cache(maxsize=8)
def measure_for(regular: Path, bold: Path, fallbacks: tuple[Path, ...],
                headroom: float = 1.0) -> "Measure":
    """Return the (cached) Measure for these font files: word widths are kept per process.
    ``headroom`` widens every width (text measured in a stand-in for a missing font)."""
    return Measure(regular, bold, list(fallbacks), headroom)


class Measure:
    """Measure text in the brand's fonts (see the module's design note)."""

    def __init__(self, regular: Path, bold: Path, fallbacks: list[Path], headroom: float = 1.0):
        self.regular, self.bold = str(regular), str(bold)
        self.fallbacks = [str(p) for p in fallbacks]
        self.headroom = headroom

    def _face(self, char: str, bold: bool) -> str:
        main = self.bold if bold else self.regular
        if ord(char) in _cmap(main) or char.isspace():
            return main
        for path in self.fallbacks:
            if ord(char) in _cmap(path):
                return path
        return main

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Return the width of one line of ``text`` in points (words measured once each)."""
        words = text.split(" ")
        space = self._run_width(" ", size, bold) if len(words) > 1 else 0.0
        return sum(self._run_width(w, size, bold) for w in words) + space * (len(words) - 1)

    @lru_cache(maxsize=100_000)  # noqa: B019 - one Measure per brand, kept for the process
    def _run_width(self, text: str, size: float, bold: bool) -> float:
        total, run, face = 0.0, "", None
        for char in text:
            this = self._face(char, bold)
            if this != face and run:
                total += _font(face, size).getlength(run)
                run = ""
            face = this
            run += char
        if run:
            total += _font(face, size).getlength(run)
        return total / _SCALE * self.headroom

    def wrap(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        """Return ``text`` broken into lines no wider than ``width`` points."""
        lines: list[str] = []
        space = self._run_width(" ", size, bold)
        for hard in text.split("\n"):
            line, used = "", 0.0
            for word in hard.split(" "):
                word_width = self._run_width(word, size, bold)
                if not line and word_width <= width:
                    line, used = word, word_width
                    continue
                if line and used + space + word_width <= width:
                    line, used = f"{line} {word}", used + space + word_width
                    continue
                if line:
                    lines.append(line)
                line, used = "", 0.0
                while self.width(word, size, bold) > width and len(word) > 1:
                    cut = len(word)
                    while cut > 1 and self.width(word[:cut], size, bold) > width:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                line, used = word, self._run_width(word, size, bold)
            lines.append(line)
        return lines

    def height(self, paras: list[Para], width: float) -> float:
        """Return the height in points of ``paras`` wrapped at ``width`` points."""
        total = 0.0
        for p in paras:
            lines = self.wrap(p.text, p.size, max(width - p.indent, 1), p.bold)
            total += len(lines) * p.size * LINE + p.space_after
        return total

    def box_height(self, paras: list[Para], box_width_emu: int) -> float:
        """Return the height in points a text box of that width needs, insets included."""
        return self.height(paras, box_width_emu / EMU_PER_PT - 2 * INSET_X) + 2 * INSET_Y


def words(text: str) -> list[str]:
    """Return the pieces of ``text`` a line may break between: at spaces, never at a
    no-break space ("60.000\u00a0US$", "88\u202f%" stay whole)."""
    return [w for w in _BREAKS.split(text) if w]


_BREAKS = re.compile(r"[ \t\n\u2000-\u200b]+")


def longest_word(measure: Measure, text: str, size: float, bold: bool = False) -> float:
    """Return the width in points of the widest word of ``text`` (what a column must hold so
    that no word of it breaks)."""
    return max((measure.width(w, size, bold) for w in words(text)), default=0.0)


def column_widths(measure: Measure, columns: list[list[tuple[str, float, bool]]],
                  weights: tuple[int, ...], total: float, pad: float) -> list[float]:
    """Return the widths (points, summing to ``total``) of a table's columns.

    ``columns[i]`` lists the texts of column i as (text, size, bold): the header first, then
    the cells. The widths follow ``weights`` where the words allow; a column too narrow for
    its longest word (plus ``pad``: the cell's insets and some headroom for other renderers)
    is widened, and the others give up the space in proportion. Header words always get
    their room if the table can hold them at all; cell words get it where room is left (a
    long cell word can still break, a header word never does).
    """
    def need(texts) -> float:
        return max((longest_word(measure, t, s, b) for t, s, b in texts), default=0.0) + pad

    heads = [need(c[:1]) for c in columns]
    cells = [max(h, need(c)) for h, c in zip(heads, columns)]
    floor = cells if sum(cells) <= total else heads
    if sum(floor) > total:  # not even the headers fit: share the width by need
        return [total * f / sum(floor) for f in floor]
    widths = [0.0] * len(weights)
    fixed: set[int] = set()
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        left = total - sum(floor[i] for i in fixed)
        share = sum(weights[i] for i in free)
        for i in free:
            widths[i] = left * weights[i] / share
        short = [i for i in free if widths[i] < floor[i]]
        if not short:
            break
        for i in short:
            fixed.add(i)
            widths[i] = floor[i]
    return widths


def broken_words(measure: Measure, text: str, width: float, size: float, bold: bool,
                 pad: float) -> list[str]:
    """Return the words of ``text`` that would break in a column ``width`` points wide with
    ``pad`` points of insets."""
    return [w for w in words(text) if measure.width(w, size, bold) > width - pad]
