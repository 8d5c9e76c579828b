"""What a slide master offers each kind of slide: its placeholders, its fixed shapes, the free
area they leave, its background colour and the colours that stay readable on it.

A company's master is not made for csplan: a layout may lack the subtitle or body
placeholder a slide needs, the master may carry a logo, bands or a photo, and its background
may be dark. The brand check (``inputs.brandcheck``) and the deck (``render.pptx``) ask this
module, so both see the same geometry:

- ``taken(layout)``: every placeholder of the layout (positions inherited from the master)
  and every fixed shape the layout shows (its own and the master's, unless the layout hides
  the master's), except a shape covering most of the slide, which is a background;
- ``free_area(...)``: the largest rectangle inside a region that overlaps none of them,
  found on a grid of 0.05 in cells (the largest rectangle under a histogram, row by row);
- ``free_spot(...)``: the first place, trying the corners of a region in order, where a
  box of a given size overlaps nothing (the account logo);
- ``background(layout)``: the slide's background colour (a solid fill, a theme colour
  through the master's colour map, the first stop of a gradient; white when it is a picture);
- ``readable(colour, background)``: ``colour``, or the nearest mix of it with black or
  white whose contrast with the background reaches WCAG AA (4.5:1 for text).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable, Optional

from lxml import etree

EMU_PER_IN = 914400
CELL = EMU_PER_IN // 20  # the free-area grid: 0.05 in
MARGIN = int(EMU_PER_IN * 0.4)  # nothing csplan adds comes closer to the slide's edge
GAP = int(EMU_PER_IN * 0.15)  # between what csplan adds and a shape of the master
AA_TEXT = 4.5

# python-pptx's PP_PLACEHOLDER values, as numbers so inputs need no enum
TITLE, BODY, CENTER_TITLE, SUBTITLE, VERTICAL_TITLE = 1, 2, 3, 4, 5
VERTICAL_BODY, OBJECT, CHART, TABLE, PICTURE = 6, 7, 8, 12, 18
SLIDE_NUMBER, FOOTER, DATE = 13, 15, 16
TITLES = (TITLE, CENTER_TITLE, VERTICAL_TITLE)
BODIES = (BODY, OBJECT, VERTICAL_BODY)
FOOTERS = (DATE, FOOTER, SLIDE_NUMBER)

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"


@dataclass(frozen=True)
class Rect:
    """A rectangle on the slide in EMU."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def overlaps(self, other: "Rect") -> bool:
        return self.left < other.right and other.left < self.right and \
            self.top < other.bottom and other.top < self.bottom

    def grown(self, by: int) -> "Rect":
        return Rect(self.left - by, self.top - by, self.width + 2 * by, self.height + 2 * by)


def rect_of(shape) -> Optional[Rect]:
    """Return where ``shape`` is (inherited from its layout or master), or None if nowhere."""
    try:
        left, top, width, height = shape.left, shape.top, shape.width, shape.height
    except (AttributeError, KeyError):
        return None
    if None in (left, top, width, height) or width < 0 or height < 0 or width + height == 0:
        return None
    # a line has no width or height, yet text must not run through it
    return Rect(int(left), int(top), max(int(width), 1), max(int(height), 1))


def placeholders(layout) -> dict[int, Rect]:
    """Return the placeholders of ``layout`` by type (the first of each type) with where
    they are."""
    out: dict[int, Rect] = {}
    for ph in layout.placeholders:
        kind = int(ph.placeholder_format.type)
        rect = rect_of(ph)
        if rect is not None and kind not in out:
            out[kind] = rect
    return out


def has(layout, kinds: Iterable[int]) -> bool:
    wanted = set(kinds)
    return any(int(ph.placeholder_format.type) in wanted for ph in layout.placeholders)


def _shows_master(layout) -> bool:
    return layout.element.get("showMasterSp") not in ("0", "false")


def fixed_shapes(layout, slide_width: int, slide_height: int) -> list[Rect]:
    """Return the shapes of the layout and (if it shows them) of its master that are not
    placeholders: logos, bands, lines. A shape over most of the slide is its background."""
    shapes = list(layout.shapes)
    if _shows_master(layout):
        shapes += list(layout.slide_master.shapes)
    out = []
    for shape in shapes:
        if shape.is_placeholder:
            continue
        rect = rect_of(shape)
        if rect is None or rect.width * rect.height > 0.6 * slide_width * slide_height:
            continue
        out.append(rect)
    return out


def taken(layout, slide_width: int, slide_height: int) -> list[Rect]:
    """Return every area of ``layout`` that csplan must not cover: its placeholders (those
    csplan fills are the caller's business) and the fixed shapes it shows."""
    rects = [r for ph in layout.placeholders if (r := rect_of(ph)) is not None]
    return rects + fixed_shapes(layout, slide_width, slide_height)


def _grid(region: Rect, obstacles: list[Rect]) -> tuple[list[list[bool]], int, int]:
    cols, rows = max(region.width // CELL, 0), max(region.height // CELL, 0)
    free = [[True] * cols for _ in range(rows)]
    for o in obstacles:
        c0 = max((o.left - region.left) // CELL, 0)
        c1 = min(-(-(o.right - region.left) // CELL), cols)
        r0 = max((o.top - region.top) // CELL, 0)
        r1 = min(-(-(o.bottom - region.top) // CELL), rows)
        for r in range(r0, r1):
            row = free[r]
            for c in range(c0, c1):
                row[c] = False
    return free, cols, rows


def free_area(region: Rect, obstacles: list[Rect]) -> Optional[Rect]:
    """Return the largest rectangle inside ``region`` that overlaps no obstacle (kept
    ``GAP`` away from each), or None if there is none."""
    grown = [o.grown(GAP) for o in obstacles if o.grown(GAP).overlaps(region)]
    free, cols, rows = _grid(region, grown)
    heights = [0] * cols
    best = (0, 0, 0, 0, 0)  # area, row (bottom), col, width, height in cells
    for r in range(rows):
        for c in range(cols):
            heights[c] = heights[c] + 1 if free[r][c] else 0
        stack: list[tuple[int, int]] = []  # (start column, height)
        for c in range(cols + 1):
            h = heights[c] if c < cols else 0
            start = c
            while stack and stack[-1][1] >= h:
                start, sh = stack.pop()
                area = sh * (c - start)
                if area > best[0]:
                    best = (area, r, start, c - start, sh)
            stack.append((start, h))
    area, r, c, w, h = best
    if not area:
        return None
    return Rect(region.left + c * CELL, region.top + (r - h + 1) * CELL, w * CELL, h * CELL)


def free_spot(region: Rect, obstacles: list[Rect], width: int, height: int,
              corners: Iterable[str] = ("top-right", "top-left", "bottom-right",
                                        "bottom-left")) -> Optional[Rect]:
    """Return a ``width`` x ``height`` box inside ``region`` overlapping no obstacle (kept
    ``GAP`` away), as near the first corner that has room as it can be; None if none has."""
    grown = [o.grown(GAP) for o in obstacles]
    step = CELL
    xs = list(range(region.left, region.right - width + 1, step))
    ys = list(range(region.top, region.bottom - height + 1, step))
    for corner in corners:
        xs_in = xs[::-1] if corner.endswith("right") else xs
        ys_in = ys[::-1] if corner.startswith("bottom") else ys
        for y in ys_in:
            for x in xs_in:
                box = Rect(x, y, width, height)
                if not any(box.overlaps(o) for o in grown):
                    return box
    return None


def slide_region(slide_width: int, slide_height: int) -> Rect:
    return Rect(MARGIN, MARGIN, slide_width - 2 * MARGIN, slide_height - 2 * MARGIN)


# ---------------------------------------------------------------------- colours
def theme_colours(master) -> dict[str, str]:
    """Return the theme colours of ``master`` by scheme name (dk1, lt1, accent1...), with the
    master's colour map applied too (bg1, tx1, bg2, tx2)."""
    try:
        part = master.part.part_related_by(_THEME)
    except KeyError:
        return {}
    root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False,
                                                       no_network=True))
    colours: dict[str, str] = {}
    scheme = root.find(f".//{_A}clrScheme")
    for element in (scheme if scheme is not None else []):
        if not isinstance(element.tag, str) or not len(element):
            continue
        value = element[0].get("lastClr") or element[0].get("val")
        if value and len(value) == 6:
            colours[etree.QName(element).localname] = f"#{value.upper()}"
    mapping = master.element.find(f"{_P}clrMap")
    for alias in ("bg1", "tx1", "bg2", "tx2"):
        target = mapping.get(alias) if mapping is not None else None
        target = target or {"bg1": "lt1", "tx1": "dk1", "bg2": "lt2", "tx2": "dk2"}[alias]
        if target in colours:
            colours[alias] = colours[target]
    return colours


def _colour_of(fill, colours: dict[str, str]) -> Optional[str]:
    """Return the colour of a DrawingML fill element's first colour child, or None."""
    for element in fill.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name == "srgbClr" and len(element.get("val", "")) == 6:
            return f"#{element.get('val').upper()}"
        if name == "schemeClr":
            return colours.get(element.get("val", ""))
        if name == "sysClr":
            value = element.get("lastClr") or ""
            return f"#{value.upper()}" if len(value) == 6 else None
        if name == "blipFill":
            return None
    return None


def _average(blob: bytes) -> Optional[str]:
    """Return the average colour of an image, or None if Pillow cannot read it."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(blob)) as image:
            image.draft("RGB", (64, 64))
            pixel = image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    except Exception:  # noqa: BLE001 - an unreadable picture: fall back to the theme
        return None
    return "#" + "".join(f"{c:02X}" for c in pixel)


def _cover_picture(owner, width: int, height: int) -> Optional[str]:
    """Return the average colour of a picture that covers most of the slide on ``owner``
    (a layout or master), the topmost first; None if there is none."""
    for shape in list(owner.shapes)[::-1]:
        r = rect_of(shape)
        if shape.shape_type == 13 and r is not None and \
                r.width * r.height > 0.6 * width * height:
            try:
                return _average(shape.image.blob)
            except (AttributeError, KeyError, ValueError):
                return None
    return None


def background(layout) -> str:
    """Return the background colour of slides made from ``layout`` (#RRGGBB): a picture
    over most of the slide (its average colour), the layout's or master's background fill
    (a picture's average colour again), else the theme's background colour."""
    master = layout.slide_master
    colours = theme_colours(master)
    presentation = master.part.package.presentation_part.presentation
    width, height = presentation.slide_width, presentation.slide_height
    owners = [layout, master] if _shows_master(layout) else [layout]
    for owner in owners:
        found = _cover_picture(owner, width, height)
        if found:
            return found
    for source in (layout, master):
        bg = source.element.find(f"{_P}cSld/{_P}bg")
        if bg is None:
            continue
        blip = bg.find(f"{_P}bgPr/{_A}blipFill/{_A}blip")
        if blip is not None:
            rid = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/"
                           "relationships}embed")
            try:
                found = _average(source.part.related_part(rid).blob)
            except (KeyError, AttributeError):
                found = None
            return found or colours.get("bg1", "#FFFFFF")
        found = _colour_of(bg, colours)
        if found:
            return found
    return colours.get("bg1", "#FFFFFF")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def is_dark(hex_colour: str) -> bool:
    return contrast(hex_colour, "#000000") < contrast(hex_colour, "#FFFFFF")


def mix(colour: str, other: str, share: float) -> str:
    """Return ``colour`` moved ``share`` (0 to 1) of the way to ``other``."""
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b))


def readable(colour: str, back: str, ratio: float = AA_TEXT) -> str:
    """Return ``colour`` if it reaches ``ratio`` against ``back``, else the least mix of it
    with white (on a dark background) or black (on a light one) that does."""
    if contrast(colour, back) >= ratio:
        return colour.upper()
    towards = "#FFFFFF" if is_dark(back) else "#000000"
    for step in range(1, 21):
        mixed = mix(colour, towards, step / 20)
        if contrast(mixed, back) >= ratio:
            return mixed
    return towards


def first_readable(candidates: Iterable[Optional[str]], back: str) -> Optional[str]:
    """Return the first of ``candidates`` that reaches AA against ``back``, or None."""
    for colour in candidates:
        if colour and contrast(colour, back) >= AA_TEXT:
            return colour.upper()
    return None


# ---------------------------------------------------------------------- areas of a layout
TITLE_BAND = int(EMU_PER_IN * 1.3)  # the height a title gets when the layout has no title
MIN_BODY = (int(EMU_PER_IN * 4), int(EMU_PER_IN * 2))  # the least room a slide's body needs


def _kinds(layout) -> dict[int, list[Rect]]:
    out: dict[int, list[Rect]] = {}
    for ph in layout.placeholders:
        rect = rect_of(ph)
        if rect is not None:
            out.setdefault(int(ph.placeholder_format.type), []).append(rect)
    return out


def title_area(layout, width: int, height: int) -> Optional[Rect]:
    """Return the title placeholder of ``layout``, else the largest free area of a band at
    the top of the slide (None if the master leaves none)."""
    kinds = _kinds(layout)
    for kind in TITLES:
        if kind in kinds:
            return kinds[kind][0]
    region = slide_region(width, height)
    band = Rect(region.left, region.top, region.width, TITLE_BAND)
    return free_area(band, taken(layout, width, height))


def body_area(layout, width: int, height: int, own: bool = True) -> Optional[Rect]:
    """Return where a slide's content goes: the layout's body placeholder (if ``own``), else
    the largest free area below the title that overlaps no other placeholder (body
    placeholders aside: the deck removes them) and no fixed shape."""
    kinds = _kinds(layout)
    for kind in BODIES if own else ():
        if kind in kinds:
            return kinds[kind][0]
    title = title_area(layout, width, height)
    region = slide_region(width, height)
    top = max(region.top, title.bottom + GAP) if title is not None else region.top
    inset = max(title.left - region.left, 0) if title is not None else 0  # align with it
    inset = min(inset, region.width // 4)
    below = Rect(region.left + inset, top, region.width - 2 * inset, region.bottom - top)
    obstacles = [r for kind, rects in kinds.items() if kind not in BODIES for r in rects]
    return free_area(below, obstacles + fixed_shapes(layout, width, height) +
                     list(footer_areas(layout, width, height).values()) +
                     ([title] if title is not None else []))


NUMBER_SIZE = (EMU_PER_IN * 8 // 10, EMU_PER_IN * 45 // 100)  # a number csplan adds: 0.8 x 0.45 in


def footer_placeholder(layout, kind: int):
    """Return the placeholder of type ``kind`` (a footer, date or slide number) on
    ``layout``, else on its master, whose position the layout inherits; None if neither."""
    for owner in (layout, layout.slide_master):
        for ph in owner.placeholders:
            if int(ph.placeholder_format.type) == kind:
                return ph
    return None


def number_spot(layout, width: int, height: int) -> Optional[Rect]:
    """Return where csplan puts a slide number on a layout whose master has none: a free
    bottom corner."""
    region = slide_region(width, height)
    low = Rect(region.left, region.bottom - NUMBER_SIZE[1] * 2, region.width,
               NUMBER_SIZE[1] * 2)
    return free_spot(low, taken(layout, width, height), *NUMBER_SIZE,
                     corners=("bottom-right", "bottom-left"))


def footer_areas(layout, width: int, height: int) -> dict[int, Rect]:
    """Return where the footer, date and slide number of slides of ``layout`` may be: the
    layout's or master's placeholders, or the spot of the number csplan adds."""
    out = {}
    for kind in FOOTERS:
        ph = footer_placeholder(layout, kind)
        rect = rect_of(ph) if ph is not None else None
        if rect is None and kind == SLIDE_NUMBER:
            rect = number_spot(layout, width, height)
        if rect is not None:
            out[kind] = rect
    return out


def subtitle_placeholder(layout_or_slide):
    """Return the placeholder the cover's subtitle goes in: the subtitle, else the first
    body placeholder (index 1), else None."""
    found = [ph for ph in layout_or_slide.placeholders
             if int(ph.placeholder_format.type) == SUBTITLE]
    found += [ph for ph in layout_or_slide.placeholders if ph.placeholder_format.idx == 1]
    return found[0] if found else None


def subtitle_area(layout, width: int, height: int) -> Optional[Rect]:
    """Return the cover's subtitle placeholder, else the largest free area below the title
    (the layout's body placeholders removed)."""
    ph = subtitle_placeholder(layout)
    return rect_of(ph) if ph is not None else body_area(layout, width, height, own=False)


def logo_area(layout, width: int, height: int, logo_width: int, logo_height: int,
              also: Iterable[Rect] = ()) -> Optional[Rect]:
    """Return where a logo of that size goes on slides of ``layout``: a corner that overlaps
    no placeholder, no fixed shape and nothing in ``also`` (the text csplan adds); a smaller
    logo (down to half) if no corner has room; None if none has room even then."""
    obstacles = taken(layout, width, height) + list(also)
    for share in (1.0, 0.75, 0.5):
        spot = free_spot(slide_region(width, height), obstacles, int(logo_width * share),
                         int(logo_height * share))
        if spot is not None:
            return spot
    return None


def text_colour(layout, kinds: Iterable[int] = TITLES) -> Optional[str]:
    """Return the colour the master gives the text of a placeholder of ``kinds`` on
    ``layout`` (the layout's placeholder, the master's, then the master's title or body
    style), else its text colour (tx1)."""
    colours = theme_colours(layout.slide_master)
    kinds = tuple(kinds)
    sources = []
    for owner in (layout, layout.slide_master):
        for ph in owner.placeholders:
            if int(ph.placeholder_format.type) in kinds:
                sources.append(ph._element.find(f".//{_A}lstStyle/{_A}lvl1pPr/{_A}defRPr"))
                break
    style = "titleStyle" if set(kinds) & set(TITLES) else "bodyStyle"
    sources.append(layout.slide_master.element.find(
        f".//{_P}{style}/{_A}lvl1pPr/{_A}defRPr"))
    for element in sources:
        fill = element.find(f"{_A}solidFill") if element is not None else None
        if fill is not None:
            return _colour_of(fill, colours)
    return colours.get("tx1")


def _own_fill(element, colours: dict[str, str]) -> Optional[str]:
    sp_pr = element.find(f"{_P}spPr")
    fill = sp_pr.find(f"{_A}solidFill") if sp_pr is not None else None
    return _colour_of(fill, colours) if fill is not None else None


def background_behind(layout, kinds: Iterable[int]) -> str:
    """Return the colour behind the text of the placeholder of ``kinds`` on ``layout``: its
    own fill (the layout's placeholder, else the master's), else the topmost fixed shape
    with a solid fill under its centre, else the slide's background."""
    colours = theme_colours(layout.slide_master)
    kinds = tuple(kinds)
    where = None
    for owner in (layout, layout.slide_master):
        ph = next((p for p in owner.placeholders if int(p.placeholder_format.type) in kinds),
                  None)
        if ph is None:
            continue
        own = _own_fill(ph._element, colours)
        if own:
            return own
        where = where or rect_of(ph)
        sp_pr = ph._element.find(f"{_P}spPr")
        if sp_pr is not None and any(sp_pr.find(f"{_A}{tag}") is not None for tag in
                                     ("noFill", "gradFill", "blipFill", "pattFill")):
            break  # a fill of its own that is not solid: the master's does not apply
    if where is not None:
        x, y = where.left + where.width // 2, where.top + where.height // 2
        shapes = list(layout.shapes)[::-1]
        if _shows_master(layout):
            shapes += list(layout.slide_master.shapes)[::-1]
        for shape in shapes:
            r = None if shape.is_placeholder else rect_of(shape)
            if r is not None and r.left <= x <= r.right and r.top <= y <= r.bottom:
                fill = _own_fill(shape._element, colours)
                if fill:
                    return fill
    return background(layout)
