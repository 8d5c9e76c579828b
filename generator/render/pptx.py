"""The QBR deck as PPTX: the brand's slide master, native charts, text that is measured to fit.

Slides are made from the master's layouts, found by the names in ``brand.yaml``
(``pptx_layouts``: title, content, title_only) in any of its slide masters by the brand check
(``inputs.brandcheck``), so a company's own master works through that mapping. Charts are
python-pptx chart parts whose data stays editable in PowerPoint. Every text frame and table
is measured with the brand's font files (see ``fit``): lists and tables that are too long
continue on a "(continued)" slide, long text shrinks down to the brand's
``min_font_pt``, and what still does not fit fails the build with the slide named.
"""

from __future__ import annotations

import io
from typing import Optional

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from csplan.inputs.brand import Brand
from csplan.inputs.master import (BODIES, FOOTERS, SUBTITLE, TITLES, Rect, background,
                                  background_behind, body_area, contrast,
                                  first_readable, logo_area, readable, subtitle_area,
                                  subtitle_placeholder,
                                  theme_colours, text_colour, title_area)
from csplan.render.master import carry_footers
from csplan.views.docinfo import office_package
from csplan.inputs.images import CheckedImage
from csplan.exceptions import BuildError
from csplan.render.fit import EMU_PER_PT, INSET_X, INSET_Y, Measure, Para, measure_for
from csplan.render import fontembed, officelang
from csplan.render.xpath import compile_office_xpath
from csplan.render.marks import stamp_slides
from csplan.views.customer import DeckMetric, QbrView, logo_alt
from csplan.words import N_, _, ngettext

TITLE_PT = 28
COVER_TITLE_PT = 40
BODY_PT = 18
TABLE_PT = 14
MAX_TABLE_ROWS = 12
ACTION_CARDS = 4  # up to this many action items are cards; more are a table
CLOSING_GOALS = 3  # the next quarter's goals the closing slide repeats
# The executive summary's headlines, least needed first: when not all fit, they give way in
# this order: the milestones' first (the plan-status card beside them says it), the asks' never.
HEADLINE_PRIORITY = ("milestones", "value", "risks", "lookback", "results", "next-quarter",
                 "asks")
GAP = Inches(0.3)
BAR = Inches(0.08)  # the width of a card's coloured bar
CARD_HEADROOM = 0.85  # cards measure their text 15% narrower than they are (see ``fill``)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class _Deck:
    def __init__(self, view: QbrView, brand: Brand, logo: Optional[CheckedImage]):
        # The master as load_brand checked and cleaned it (and opened once), never the file.
        if brand.pptx_master is None:
            raise BuildError("the brand has no pptx_master; add one to brand.yaml")
        self.prs = Presentation(io.BytesIO(brand.pptx_master))
        _remove_slides(self.prs)
        # the layouts load_brand found for each kind of slide, in any of the slide masters
        masters = self.prs.slide_masters
        self.layouts = {role: masters[m].slide_layouts[index]
                        for role, (m, index) in brand.pptx_layouts.items()}
        files = brand.font_files
        fallbacks = tuple(p for _, p in brand.fallback_fonts)
        # text is measured in the fonts it renders in: the master's theme fonts (inputs.fonts)
        fonts = brand.deck_fonts
        self.measure, self.title_measure = (
            measure_for(fonts[k].regular, fonts[k].bold, fallbacks, fonts[k].headroom)
            if k in fonts else measure_for(files["regular"], files["bold"], fallbacks)
            for k in ("minor", "major"))
        self.view, self.brand, self.logo = view, brand, logo
        self.colours = brand.colours
        self.width, self.height = self.prs.slide_width, self.prs.slide_height
        self._backgrounds: dict[str, tuple[str, dict[str, str]]] = {}
        self._areas: dict[tuple[str, str], Optional[Rect]] = {}
        self.family = brand.spec.fonts.family
        self.floor = brand.spec.min_font_pt
        self.section_of: dict[str, tuple[str, int]] = view.section_of
        # the storyline: the kinds of slide the view says the deck has (first of each kind)
        self.kinds = {s.kind: s for s in reversed(view.slides)}

    @property
    def tones(self) -> dict[str, str]:
        """Return the brand colour of each state tone; neutral text stays the text colour."""
        c = self.colours
        return {"good": c.good, "warning": c.warning, "bad": c.bad, "neutral": c.text}

    # ------------------------------------------------------------------ colours
    def _background(self, slide) -> tuple[str, dict[str, str]]:
        """Return the background colour of ``slide`` and its master's theme colours."""
        layout = slide.slide_layout
        key = str(layout.part.partname)
        if key not in self._backgrounds:
            self._backgrounds[key] = (background(layout), theme_colours(layout.slide_master))
        return self._backgrounds[key]

    def ink(self, slide, colour: str, ratio: float = 4.5) -> str:
        """Return ``colour`` as it stays readable on ``slide``'s background: the brand's text
        colour, else the master's own text colour if it passes; any other colour mixed
        towards white or black until it reaches ``ratio`` (WCAG AA)."""
        back, theme = self._background(slide)
        if colour == self.colours.text:
            chosen = first_readable((colour, theme.get("tx1"), theme.get("tx2")), back)
            if chosen:
                return chosen
        return readable(colour, back, ratio)

    def keep(self, slide, kinds, instead: str) -> Optional[str]:
        """Return None (keep the master's colour for a placeholder of ``kinds``) if it is
        readable on ``slide``, else the colour to use ``instead`` (made readable)."""
        shown = text_colour(slide.slide_layout, kinds)
        behind = background_behind(slide.slide_layout, kinds)
        return None if shown is None or contrast(shown, behind) >= 4.5 else \
            readable(instead, behind)

    def table_header_ink(self, slide) -> Optional[str]:
        """Return the colour for table headers if the table style's (the theme's light text
        on its accent 1 fill) is unreadable on that fill, else None."""
        theme = self._background(slide)[1]
        fill, text = theme.get("accent1"), theme.get("lt1")
        if not fill or not text or contrast(text, fill) >= 4.5:
            return None
        return first_readable((theme.get("dk1"), "#000000", "#FFFFFF"), fill)

    # ------------------------------------------------------------------ slides
    def new_slide(self, role: str, title: str, kind: str, notes: list[str]):
        slide = self.prs.slides.add_slide(self.layouts[role])
        title_shape = slide.shapes.title
        size = COVER_TITLE_PT if role == "title" else TITLE_PT
        if title_shape is not None:
            self.fill(title_shape, [Para(title, size, bold=True)], what="title",
                      slide_title=title, colour=self.keep(slide, TITLES, self.colours.primary),
                      keep_style=True, inked=True)
        else:  # a layout without a title placeholder: the free band at the top (brand check)
            area = self.area(slide.slide_layout, title_area)
            assert area is not None
            self.textbox(slide, area, [Para(title, size, bold=True)], "title", title,
                         self.colours.primary, MSO_ANCHOR.BOTTOM)
        if role != "title":
            carry_footers(slide, self.width, self.height, self.ink(slide, self.colours.muted))
        section, minutes = self.section_of.get(kind, ("", 0))
        # Translators: the first line of a slide's speaker notes
        lines = [_("Agenda: {section} ({minutes} minutes for this section).").format(
            section=section, minutes=minutes)] if section else []
        slide.notes_slide.notes_text_frame.text = "\n".join(lines + notes)
        return slide

    def body_box(self, slide) -> Rect:
        """Return the area under the title where content goes: the body placeholder, else
        the free area the layout leaves below the title (clear of its footers and shapes)."""
        for ph in slide.placeholders:
            if ph.placeholder_format.idx == 1:
                return Rect(ph.left, ph.top, ph.width, ph.height)
        area = self.area(slide.slide_layout, body_area)
        assert area is not None  # the brand check refuses a layout without one
        return area

    def area(self, layout, find) -> Optional[Rect]:
        """Return ``find(layout, width, height)`` (an area the layout leaves free), computed
        once per layout: every slide on that layout has the same."""
        key = (str(layout.part.partname), find.__name__)
        if key not in self._areas:
            self._areas[key] = find(layout, self.width, self.height)
        return self._areas[key]

    def drop_body_placeholder(self, slide) -> None:
        for ph in list(slide.placeholders):
            if ph.placeholder_format.idx != 0 and ph.placeholder_format.type not in (13, 15, 16):
                ph._element.getparent().remove(ph._element)

    # ------------------------------------------------------------------ text
    def sizes(self, preferred: float) -> list[float]:
        out, size = [], preferred
        while size >= self.floor:
            out.append(size)
            size -= 1
        return out or [self.floor]

    def fits(self, paras: list[Para], box: Rect, measure: Optional[Measure] = None) -> bool:
        measure = measure or self.measure
        return measure.box_height(paras, box.width) <= box.height / EMU_PER_PT

    def fits_at_floor(self, paras: list[Para], box: Rect) -> bool:
        """Return whether ``paras`` fit ``box`` once shrunk to the brand's smallest size."""
        return self.fits([Para(p.text, min(p.size, self.floor), p.bold, p.space_after,
                               p.indent) for p in paras],
                         Rect(box.left, box.top, int(box.width * CARD_HEADROOM), box.height))

    def fill(self, shape, paras: list[Para], what: str, slide_title: str,
             colour: Optional[str] = None, keep_style: bool = False, inked: bool = False,
             headroom: float = 1.0) -> None:
        """Put ``paras`` in ``shape``, shrinking to the floor if needed; fail if it cannot.
        ``colour`` is made readable on the slide's background unless it is ``inked``.
        ``headroom`` below 1 measures the text that much narrower, for a wider fallback font
        where the brand's font is not installed."""
        box = Rect(shape.left, shape.top, int(shape.width * headroom), shape.height)
        chosen = None
        for size in self.sizes(max(p.size for p in paras)):
            scaled = [Para(p.text, min(p.size, size), p.bold, p.space_after, p.indent)
                      for p in paras]
            if self.fits(scaled, box, self.title_measure if what == "title" else None):
                chosen = scaled
                break
        if chosen is None:
            raise BuildError(f"slide '{slide_title}': the {what} does not fit even at "
                             f"{self.floor:g} pt; shorten it ({paras[0].text[:60]!r})")
        tf = shape.text_frame
        tf.word_wrap = True
        for index, para in enumerate(chosen):
            p = tf.paragraphs[0] if index == 0 else tf.add_paragraph()
            p.text = ""
            run = p.add_run()
            run.text = para.text
            run.font.size = Pt(para.size)
            if para.bold or not keep_style:
                run.font.bold = para.bold
            if colour:
                run.font.color.rgb = _rgb(colour if inked else self.ink(shape.part.slide,
                                                                        colour))
            if para.space_after:
                p.space_after = Pt(para.space_after)

    def textbox(self, slide, box: Rect, paras: list[Para], what: str, slide_title: str,
                colour: Optional[str] = None, anchor=MSO_ANCHOR.TOP):
        shape = slide.shapes.add_textbox(box.left, box.top, box.width, box.height)
        shape.name = what
        shape.text_frame.vertical_anchor = anchor
        self.fill(shape, paras, what, slide_title, colour or self.colours.text)
        return shape

    def text_slides(self, role: str, title: str, kind: str, paras: list[Para],
                    notes: list[str], empty: str) -> None:
        """Lay ``paras`` out on as many slides as they need at the largest size that fits."""
        paras = paras or [Para(empty, BODY_PT)]
        pages = None
        for size in self.sizes(max(p.size for p in paras)):
            scaled = [Para(p.text, min(p.size, size) if p.size >= size else p.size, p.bold,
                           p.space_after, p.indent) for p in paras]
            probe = self.new_probe(role)
            pages = self._paginate(scaled, probe, title)
            if len(pages) == 1:
                break
        assert pages is not None
        for number, page in enumerate(pages):
            shown = title if number == 0 else _continued(title)
            slide = self.new_slide(role, shown, kind, notes)
            box = self.body_box(slide)
            self.drop_body_placeholder(slide)
            self.textbox(slide, box, page, "text", shown)

    def new_probe(self, role: str) -> Rect:
        """Return the body box a slide of ``role`` would have (measured on a scratch slide)."""
        slide = self.prs.slides.add_slide(self.layouts[role])
        box = self.body_box(slide)
        _remove_slide(self.prs, slide)
        return box

    def _paginate(self, paras: list[Para], box: Rect, title: str) -> list[list[Para]]:
        pages: list[list[Para]] = [[]]
        for para in paras:
            if not self.fits([para], box):
                raise BuildError(f"slide '{title}': a paragraph does not fit even at "
                                 f"{self.floor:g} pt; shorten it ({para.text[:60]!r})")
            if self.fits(pages[-1] + [para], box):
                pages[-1].append(para)
            else:
                pages.append([para])
        return pages

    # ------------------------------------------------------------------ tables
    def table_slides(self, title: str, kind: str, header: tuple[str, ...],
                     rows: list[tuple[str, ...]], widths: tuple[int, ...],
                     notes: list[str], empty: str,
                     tones: Optional[list[dict[int, str]]] = None,
                     footer: Optional[tuple[str, ...]] = None) -> None:
        """Lay a table out over as many slides as its rows need, header repeated."""
        if not rows:
            self.text_slides("title_only", title, kind, [], notes, empty)
            return
        box = self.new_probe("title_only")
        col_widths = [int(box.width * w / sum(widths)) for w in widths]

        def row_height(cells, size, bold=False) -> float:
            return max(self.measure.box_height([Para(c, size, bold)], w)
                       for c, w in zip(cells, col_widths))

        best = None  # (pages, -size, layout): fewest slides, then the largest text
        for size in self.sizes(TABLE_PT):
            head = row_height(header, size, True)
            heights = [row_height(r, size) for r in rows]
            foot = row_height(footer, size, True) if footer else 0
            available = box.height / EMU_PER_PT - head
            if not all(h <= available - foot for h in heights):
                continue
            pages = _paginate_rows(heights, available, foot if footer else None)
            candidate = (len(pages), -size, (size, head, heights, foot, pages))
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is None:
            heights = [row_height(r, self.floor) for r in rows]
            worst = max(range(len(rows)), key=lambda i: heights[i])
            raise BuildError(f"slide '{title}': the row {rows[worst][0][:60]!r} does not fit "
                             f"even at {self.floor:g} pt; shorten it")
        size, head, heights, foot, pages = best[2]
        for number, page in enumerate(pages):
            shown = title if number == 0 else _continued(title)
            slide = self.new_slide("title_only", shown, kind, notes)
            self.drop_body_placeholder(slide)
            body = self.body_box(slide)
            page_rows = [rows[i] for i in page]
            page_tones = [(tones or [{}] * len(rows))[i] for i in page]
            page_heights = [heights[i] for i in page]
            with_footer = footer is not None and number == len(pages) - 1
            self._table(slide, body, header, page_rows, col_widths, size, head, page_heights,
                        page_tones, footer if with_footer else None, foot)

    def _table(self, slide, body: Rect, header, rows, col_widths, size, head, heights, tones,
               footer, foot, bold_last: bool = False) -> None:
        count = len(rows) + 1 + (1 if footer else 0)
        total = head + sum(heights) + (foot if footer else 0)
        shape = slide.shapes.add_table(count, len(header), body.left, body.top, body.width,
                                       Emu(int(total * EMU_PER_PT)))
        shape.name = "table"
        table = shape.table
        for column, width in zip(table.columns, col_widths):
            column.width = Emu(width)
        header_ink = self.table_header_ink(slide)
        all_rows = [(header, head, True, {})] + [
            (r, h, False, t) for r, h, t in zip(rows, heights, tones)]
        if footer:
            all_rows.append((footer, foot, True, {}))
        for row_index, (cells, height, bold, tone) in enumerate(all_rows):
            table.rows[row_index].height = Emu(int(height * EMU_PER_PT))
            for col, text in enumerate(cells):
                cell = table.cell(row_index, col)
                cell.margin_left = cell.margin_right = Emu(int(INSET_X * EMU_PER_PT))
                cell.margin_top = cell.margin_bottom = Emu(int(INSET_Y * EMU_PER_PT))
                tf = cell.text_frame
                tf.word_wrap = True
                p = tf.paragraphs[0]
                run = p.add_run()
                run.text = text
                run.font.size = Pt(size)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                last = bold_last and row_index == len(all_rows) - 1
                run.font.bold = bold or last or col in tone or None
                if col in tone:
                    run.font.color.rgb = _rgb(tone[col])
                elif row_index == 0 and header_ink:
                    run.font.color.rgb = _rgb(header_ink)

    # ------------------------------------------------------------------ charts
    def _metric_panel(self, slide, box: Rect, metric: DeckMetric, slide_title: str,
                      alone: bool = False) -> None:
        row = metric.row
        # the finding heads the panel; a metric alone on its slide has it as the slide title
        heading = [Para(row.name if alone else metric.finding or row.name, 16, bold=True)]
        # measured 20% narrower: room for a wider fallback font where the brand's is missing
        head_h = int(self.measure.box_height(heading, int(box.width * 0.8)) * EMU_PER_PT)
        latest = (_("Latest {value} ({day}) · Target {target} by {due}") if row.latest_on else
                  _("Latest {value} · Target {target} by {due}"))
        caption = [
            Para(latest.format(value=row.latest or "–", day=row.latest_on, target=row.target,
                               due=row.due), 12),
            Para(_("Baseline {baseline} · Progress {progress} · {state}").format(
                baseline=row.baseline, progress=row.progress or "–", state=row.state), 12,
                 bold=True)]
        cap_h = int(self.measure.box_height(caption, box.width) * EMU_PER_PT)
        if box.height - head_h - cap_h < Inches(1.8):  # a small panel: the name, no finding
            heading = [Para(row.name, 16, bold=True)]
            head_h = int(self.measure.box_height(heading, int(box.width * 0.8)) * EMU_PER_PT)
        self.textbox(slide, Rect(box.left, box.top, box.width, head_h), heading,
                     f"{row.name} heading", slide_title, self.colours.primary)
        chart_box = Rect(box.left, box.top + head_h, box.width, box.height - head_h - cap_h)
        if chart_box.height < Inches(1.2):
            raise BuildError(f"slide '{slide_title}': the name of metric {row.name[:60]!r} "
                             "leaves no room for its chart; shorten it")
        self.textbox(slide, Rect(box.left, chart_box.bottom, box.width, cap_h), caption,
                     f"{row.name} caption", slide_title,
                     self.tones[row.tone] if row.tone != "warning" else self.colours.text)
        if metric.chart is None:
            self.textbox(slide, chart_box, [Para(_("No data yet: the first reading will show "
                                                   "here."), 14)], f"{row.name} chart",
                         slide_title, self.colours.muted, MSO_ANCHOR.MIDDLE)
            return
        self._chart(slide, chart_box, metric)

    def _chart(self, slide, box: Rect, metric: DeckMetric) -> None:
        """A line chart on a date axis: the actuals, the target and the baseline as thin
        lines labelled once at their start, the latest value labelled away from the target."""
        c = metric.chart
        chart_data = CategoryChartData(number_format=c.number_format)
        chart_data.categories = list(metric.dates)
        # Translators: the three lines of a metric's chart
        names = {"actual": _("Actual"), "target": _("Target"), "baseline": _("Baseline")}
        chart_data.add_series(names["actual"], c.actual)
        chart_data.add_series(names["target"], c.target)
        chart_data.add_series(names["baseline"], c.baseline)
        frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, box.left, box.top,
                                       box.width, box.height, chart_data)
        frame.name = f"{metric.row.name} chart"
        frame._element.nvGraphicFramePr.cNvPr.set("descr", metric.chart.alt)
        chart = frame.chart
        chart.font.size = Pt(11)
        chart.font.name = self.family
        chart.font.color.rgb = _rgb(self.ink(slide, self.colours.text))
        chart.has_title = False
        chart.has_legend = False
        styles = (("actual", self.colours.primary, 2.5, None, XL_MARKER_STYLE.CIRCLE),
                  ("target", self.colours.accent, 1.5, MSO_LINE.DASH, XL_MARKER_STYLE.NONE),
                  ("baseline", self.colours.muted, 1.0, MSO_LINE.ROUND_DOT,
                   XL_MARKER_STYLE.NONE))
        for series, (_key, colour, width, dash, marker) in zip(chart.plots[0].series, styles):
            colour = self.ink(slide, colour, 3.0)  # graphics: WCAG's 3:1
            series.smooth = False
            line = series.format.line
            line.color.rgb = _rgb(colour)
            line.width = Pt(width)
            if dash is not None:
                line.dash_style = dash
            series.marker.style = marker
            if marker != XL_MARKER_STYLE.NONE:
                series.marker.size = 7
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = _rgb(colour)
                series.marker.format.line.color.rgb = _rgb(colour)
        actual, target, baseline = chart.plots[0].series
        latest, goal = c.actual[-1], c.target[0]
        above = latest >= goal
        # the target and baseline are labelled at their first point, on the side away from
        # each other (a line at zero, the axis's floor, is labelled above it), moved right
        # off the value axis's numbers; the latest value on the side away from the target
        floor = min((*c.actual, goal, c.baseline[0], 0))

        def side(up: bool, value: float):
            return XL_LABEL_POSITION.ABOVE if up or value <= floor else XL_LABEL_POSITION.BELOW

        for series, text, up, colour in (
                (target, _("Target {value}").format(value=metric.row.target),
                 goal >= c.baseline[0], self.colours.accent),
                # Translators: the label of a chart's baseline line, e.g. "Baseline 82%"
                (baseline, _("Baseline {value}").format(value=metric.row.baseline),
                 goal < c.baseline[0], self.colours.muted)):
            label = self._label(series.points[0], text, side(up, series.values[0]), colour)
            _shift_right(label, text, box.width)
        self._label(actual.points[len(c.actual) - 1], None,
                    XL_LABEL_POSITION.ABOVE if above else XL_LABEL_POSITION.BELOW,
                    self.colours.primary)
        axis = chart.value_axis
        axis.tick_labels.number_format = c.number_format
        axis.tick_labels.number_format_is_linked = False
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = _rgb(self.colours.light)
        axis.format.line.fill.background()
        dates = chart.category_axis
        dates.tick_labels.font.size = Pt(10)
        dates.tick_labels.number_format = "mmm yy"
        dates.tick_labels.number_format_is_linked = False
        _month_ticks(chart, metric.dates)

    def _label(self, point, text: Optional[str], position, colour: str):
        """Label one point of a chart: its value, or ``text``."""
        label = point.data_label
        label.position = position
        label.font.size = Pt(10)
        label.font.bold = True
        label.font.color.rgb = _rgb(colour)
        if text is None:
            label.show_value = True
        else:
            label.text_frame.text = text
        return label

    # ------------------------------------------------------------------ shapes
    def card(self, slide, box: Rect, paras: list[Para], what: str, slide_title: str,
             fill: Optional[str] = None, colour: Optional[str] = None,
             bar: Optional[str] = None, anchor=MSO_ANCHOR.TOP):
        """Draw a card: a filled rectangle (the brand's light colour), an optional coloured bar
        on its left edge, and ``paras`` measured to fit inside it."""
        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, box.left, box.top, box.width,
                                       box.height)
        shape.name = what
        shape.shadow.inherit = False
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(fill or self.colours.light)
        shape.line.fill.background()
        shape.text_frame.vertical_anchor = anchor
        headroom = CARD_HEADROOM
        if bar:  # the text starts an inset away from the bar, not against it
            shape.text_frame.margin_left = BAR + Pt(INSET_X)
            headroom *= 1 - BAR / box.width
        # read against the card's own fill, not the slide's background
        self.fill(shape, paras, what, slide_title,
                  readable(colour or self.colours.text, fill or self.colours.light),
                  inked=True, headroom=headroom)
        for paragraph in shape.text_frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT
        if bar:
            edge = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, box.left, box.top, BAR,
                                          box.height)
            edge.name = f"{what} mark"
            edge.shadow.inherit = False
            edge.fill.solid()
            edge.fill.fore_color.rgb = _rgb(bar)
            edge.line.fill.background()
        return shape

    def grid(self, box: Rect, count: int, columns: int, gap: int = GAP) -> list[Rect]:
        """Return ``count`` equal cells filling ``box``, ``columns`` to a row."""
        rows = max(1, -(-count // columns))
        width = (box.width - (columns - 1) * gap) // columns
        height = (box.height - (rows - 1) * gap) // rows
        return [Rect(box.left + (i % columns) * (width + gap),
                    box.top + (i // columns) * (height + gap), width, height)
                for i in range(count)]

    def content_slide(self, title: str, kind: str, notes: list[str]):
        """Return a new title-only slide of ``kind`` and its body area."""
        slide = self.new_slide("title_only", title, kind, notes)
        self.drop_body_placeholder(slide)
        return slide, self.body_box(slide)

    # ------------------------------------------------------------------ the storyline
    def build(self) -> bytes:
        v = self.view
        made = set()
        for spec in v.slides:
            if spec.kind in made:
                continue
            made.add(spec.kind)
            getattr(self, f"slide_{spec.kind}")()
        problems = overflows(self.prs, self.measure, self.title_measure)
        if problems:
            raise BuildError("layout check: " + "; ".join(problems[:3]))
        if v.draft_mark:
            stamp_slides(self.prs, v.draft_mark, self.colours.bad, self.brand)
        officelang.slides(self.prs, v.info.language or "en-US")
        out = io.BytesIO()
        self.prs.save(out)
        return office_package(fontembed.pptx(out.getvalue(), self.brand), v.info)

    def slide_title(self) -> None:
        v = self.view
        slide = self.new_slide("title", v.account_name, "title", [
            _("Welcome {attendees}.").format(attendees=v.attendee_list),
            _("Purpose: review results against the joint success plan and agree next "
              "quarter's goals.")])
        subtitle = subtitle_placeholder(slide)
        lines = [Para(_("Quarterly business review · {quarter} · {day}").format(
            quarter=v.quarter_shown, day=v.date), 20, bold=True, space_after=6)]
        if v.attendee_list:
            lines.append(Para(_("With {attendees}").format(attendees=v.attendee_list), 16))
        layout = slide.slide_layout
        added: list[Rect] = []
        if subtitle is None:  # the free area below the title (the brand check warned)
            self.drop_body_placeholder(slide)
            area = self.area(layout, subtitle_area)
            assert area is not None
            self.textbox(slide, area, lines,
                         "subtitle", v.account_name)
            added.append(area)
        else:
            self.fill(subtitle, lines, "subtitle", v.account_name, keep_style=True,
                      colour=self.keep(slide, (SUBTITLE, *BODIES), self.colours.text),
                      inked=True)
        if slide.shapes.title is None or not slide.shapes.title.is_placeholder:
            added += [Rect(s.left, s.top, s.width, s.height) for s in slide.shapes
                      if s.name == "title"]
        if self.logo is not None:
            height = Inches(0.9)
            width = int(height * self.logo.width / max(self.logo.height, 1))
            spot = logo_area(layout, self.width, self.height, width, height, added)
            if spot is not None:  # else no corner has room: the cover shows no logo
                picture = slide.shapes.add_picture(io.BytesIO(self.logo.data), spot.left,
                                                   spot.top, spot.width, spot.height)
                picture.name = "logo"
                picture._element.nvPicPr.cNvPr.set("descr", logo_alt(v.account_name))

    def slide_agenda(self) -> None:
        v = self.view
        notes = [ngettext("{section}: {minutes} minute.", "{section}: {minutes} minutes.",
                          m).format(section=s, minutes=m) for s, m, _o in v.agenda]
        slide, body = self.content_slide(_("Agenda"), "agenda", notes)
        total = sum(m for _s, m, _o in v.agenda) or 1
        bar_h = Inches(0.5)
        left = body.left
        palette = (self.colours.primary, self.colours.accent)
        for index, (_section, minutes, _owner) in enumerate(v.agenda):
            width = int(body.width * minutes / total)
            shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, body.top, width, bar_h)
            shape.name = "time bar"
            shape.shadow.inherit = False
            shape.fill.solid()
            shape.fill.fore_color.rgb = _rgb(palette[index % 2])
            shape.line.color.rgb = _rgb("#FFFFFF")
            tf = shape.text_frame
            tf.margin_left = tf.margin_right = 0
            run = tf.paragraphs[0].add_run()
            run.text = str(minutes)
            run.font.size = Pt(11)
            run.font.bold = True
            fill = palette[index % 2]  # white, else the brand's text colour, readable on it
            run.font.color.rgb = _rgb(first_readable(("#FFFFFF", self.colours.text, "#000000"),
                                                     fill) or "#000000")
            left += width

        def minutes(m: int) -> str:
            # Translators: a duration on the agenda slide, abbreviated
            return _("{minutes} min").format(minutes=m)

        rows = []
        for (section, m, owner), at in zip(v.agenda, v.agenda_clock):
            # Translators: an agenda section's clock times, e.g. "10:00–10:05"
            when = _("{start}–{end}").format(start=at[0], end=at[1]) if at else ""
            rows.append((when, section, minutes(m), owner))
        rows.append(("", _("Total"), minutes(total), ""))
        table_box = Rect(body.left, body.top + bar_h + GAP // 2, body.width,
                        body.height - bar_h - GAP // 2)
        self.grid_table(slide, table_box, (_("Time"), _("Section"), _("Minutes"), _("Led by")),
                        rows, (16, 50, 12, 22), _("Agenda"), bold_last=True)

    def grid_table(self, slide, box: Rect, header, rows, widths, slide_title: str,
                   tones: Optional[list[dict[int, str]]] = None, bold_last: bool = False):
        """Draw a table that fills ``box``: its rows share the height, text measured to fit."""
        col_widths = [int(box.width * w / sum(widths)) for w in widths]
        for size in self.sizes(TABLE_PT):
            heights = [max(self.measure.box_height([Para(c, size, i == 0)], w)
                           for c, w in zip(cells, col_widths))
                       for i, cells in enumerate([header] + list(rows))]
            if sum(heights) <= box.height / EMU_PER_PT:
                break
        else:
            raise BuildError(f"slide '{slide_title}': the table does not fit even at "
                             f"{self.floor:g} pt; shorten it")
        spare = (box.height / EMU_PER_PT - sum(heights)) / max(1, len(rows))
        heights = [heights[0]] + [h + spare for h in heights[1:]]
        self._table(slide, box, header, list(rows), col_widths, size, heights[0],
                    heights[1:], tones or [{}] * len(rows), None, 0, bold_last=bold_last)

    def slide_summary(self) -> None:
        v = self.view
        # Translators: an agenda section and its headline: section names may hold a colon
        # ("Results: goals vs actuals"), so a dash sets the headline apart
        notes = [_("{section} — {headline}.").format(section=s, headline=h)
                 for s, h, _part in v.headlines]
        title = _("Executive summary")
        slide, body = self.content_slide(title, "summary", notes)
        tiles_h = int(body.height * 0.46)
        tiles = self.grid(Rect(body.left, body.top, body.width, tiles_h),
                          max(1, len(v.kpis)), max(1, len(v.kpis)))
        for box, metric in zip(tiles, v.kpis):
            self._kpi_tile(slide, box, metric, title)
        lower = Rect(body.left, body.top + tiles_h + GAP, body.width,
                    body.height - tiles_h - GAP)
        status_w = lower.width // 3
        status = [Para(_("Plan status"), 14, bold=True, space_after=6)]
        status += [Para(f"{count}  {state}", 20, bold=True, space_after=4)
                   for state, count, _t in v.plan_status]
        status.append(Para(v.milestone_summary, 11))
        self.card(slide, Rect(lower.left, lower.top, status_w, lower.height), status,
                  "plan status", title, bar=self.colours.primary)
        shown = list(v.headlines)
        box = Rect(lower.left + status_w + GAP, lower.top, lower.width - status_w - GAP,
                  lower.height)
        inner = Rect(box.left, box.top, box.width - int(2 * INSET_X * EMU_PER_PT),
                    box.height - int(2 * INSET_Y * EMU_PER_PT))

        def paras() -> list[Para]:
            return [Para(_("{section} — {headline}").format(section=s, headline=h), 16,
                         space_after=6) for s, h, _part in shown]
        # Where they do not all fit (a longer language, a narrow master), the headlines go in
        # this order, the asks last; the notes keep all of them.
        while len(shown) > 1 and not self.fits_at_floor(paras(), inner):
            shown.remove(min(shown, key=lambda h: HEADLINE_PRIORITY.index(h[2])
                             if h[2] in HEADLINE_PRIORITY else -1))
        heads = paras()
        self.card(slide, box, heads or [Para("", 13)], "headlines", title, fill="#FFFFFF")

    def _kpi_tile(self, slide, box: Rect, metric: DeckMetric, slide_title: str) -> None:
        r = metric.row
        paras = [Para(r.name, 12, bold=True, space_after=2),
                 Para(r.latest or "–", 28, bold=True, space_after=2),
                 Para(_("Target {target} by {due}").format(target=r.target, due=r.due), 11),
                 Para(metric.change or " ", 11),
                 Para(r.state, 12, bold=True)]
        self.card(slide, box, paras, f"{r.name} tile", slide_title, bar=self.tones[r.tone])
        if metric.chart is not None and len(metric.chart.actual) > 1:
            need = int(self.measure.box_height(paras, box.width) * EMU_PER_PT)
            spark = Rect(box.left + Inches(0.15), box.top + need,
                        box.width - Inches(0.3), box.height - need - Inches(0.05))
            if spark.height > Inches(0.3):
                self._sparkline(slide, spark, metric)

    def _sparkline(self, slide, box: Rect, metric: DeckMetric) -> None:
        data = CategoryChartData()
        data.categories = list(metric.dates)
        data.add_series(metric.row.name, metric.chart.actual)
        frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE, box.left, box.top, box.width,
                                       box.height, data)
        frame.name = f"{metric.row.name} sparkline"
        frame._element.nvGraphicFramePr.cNvPr.set("descr", metric.chart.alt)
        chart = frame.chart
        chart.font.color.rgb = _rgb(self.ink(slide, self.colours.text))
        chart.has_legend = False
        chart.has_title = False
        chart.value_axis.visible = False
        chart.value_axis.has_major_gridlines = False
        chart.category_axis.visible = False
        series = chart.plots[0].series[0]
        series.smooth = False
        series.format.line.color.rgb = _rgb(self.colours.primary)
        series.format.line.width = Pt(1.75)

    def slide_lookback(self) -> None:
        v = self.view
        # Translators: the title of "we said / we did": the quarter of the previous QBR
        title = _("We said, we did: since our {quarter} QBR").format(quarter=v.previous_quarter)
        notes = [_("{committed} -> {happened}").format(committed=c.said, happened=c.did)
                 + f" ({c.verdict})" for c in v.committed]
        rows = [(c.said, c.did, c.verdict) for c in v.committed] or [
            (_("Nothing was committed at the last QBR."), "", "")]
        tones = [{2: self.tones[c.tone]} for c in v.committed] or [{}]
        self._balanced_tables(title, "lookback", notes,
                              (_("We said"), _("We did"), _("Verdict")), rows, (45, 40, 15),
                              tones)

    def _balanced_tables(self, title, kind, notes, header, rows, widths, tones,
                         per_slide: int = 8) -> None:
        """Tables over as few slides as hold ``per_slide`` rows each, balanced, each filling
        its slide's body."""
        parts = max(1, -(-len(rows) // per_slide))
        size = -(-len(rows) // parts)
        for number in range(parts):
            shown = title if number == 0 else _continued(title)
            slide, body = self.content_slide(shown, kind, notes)
            chunk = slice(number * size, (number + 1) * size)
            self.grid_table(slide, body, header, rows[chunk], widths, shown, tones[chunk])

    def slide_results(self) -> None:
        title = _("Results: goals vs actuals")
        if not self.view.metrics:
            self.text_slides("title_only", title, "results", [],
                             [_("No success metrics are agreed yet.")],
                             _("No success metrics are agreed yet."))
            return
        for shown, page in self.view.results:
            notes = [_metric_note(m) for m in page]
            slide, body = self.content_slide(shown, "results", notes)
            columns = min(2, len(page))
            for box, metric in zip(self.grid(body, len(page), columns), page):
                self._metric_panel(slide, box, metric, shown, alone=len(page) == 1)

    def slide_milestones(self) -> None:
        v = self.view
        spec = self.kinds["milestones"]
        items = list(v.timeline)
        title = v.milestone_summary.split(";")[0]
        attention = [m for m in items if m.tone in ("warning", "bad")]
        notes = [_("{summary}.").format(summary=v.milestone_summary)] + [
            _("Needs attention: {milestone} ({state}, owner {owner}).").format(
                milestone=m.title, state=m.state, owner=m.owner) for m in attention]
        if not items:
            self.text_slides("title_only", title, "milestones", [], notes,
                             _("No milestones are open."))
            return
        per = spec.per_slide
        pages = [items[i:i + per] for i in range(0, len(items), per)]
        first, last = v.timeline_span
        span = max((last - first).days, 1)
        for number, page in enumerate(pages):
            shown = title if number == 0 else _continued(title)
            slide, body = self.content_slide(shown, "milestones", notes)
            label_w = int(body.width * 0.42)
            axis = Rect(body.left + label_w + GAP // 2, body.top,
                       body.width - label_w - GAP // 2 - Inches(1.5), body.height)
            band_h = Inches(0.45)
            self._phase_chevrons(slide, Rect(body.left, body.top, body.width, band_h), shown)
            caption = [Para(v.timeline_caption, 11)]
            caption_box = Rect(body.left, body.top + band_h + Inches(0.05), label_w,
                               Inches(0.3))
            if self.fits_at_floor(caption, caption_box):  # a narrow master goes without
                self.textbox(slide, caption_box, caption, "milestones shown", shown,
                             self.colours.muted)
            rows_top = body.top + band_h + Inches(0.4)
            dates_h = Inches(0.3)  # the timeline's months, under it
            row_h = (body.bottom - dates_h - rows_top) // len(page)

            def x(day, axis=axis) -> int:
                return axis.left + int(axis.width * (day - first).days / span)

            for index, m in enumerate(page):
                top = rows_top + index * row_h
                label_box = Rect(body.left, top + Inches(0.01), label_w, row_h - Inches(0.02))
                label = [Para(m.title, 12, bold=True),
                         Para(_("{phase} · {owner} · due {due}").format(
                             phase=_(_PHASES[m.phase]), owner=m.owner, due=m.due), 10)]
                if not self.fits_at_floor(label, label_box):  # a tight row: one line
                    label = [Para(_("{action} ({owner}, {due})").format(
                        action=m.title, owner=m.owner, due=m.due), 10)]
                self.card(slide, label_box, label, f"milestone {index + 1}", shown,
                          bar=self.tones[m.tone], anchor=MSO_ANCHOR.MIDDLE)
                if m.on is not None:
                    size = min(Inches(0.24), row_h // 2)
                    mark = slide.shapes.add_shape(
                        MSO_SHAPE.OVAL if m.tone == "good" else MSO_SHAPE.DIAMOND,
                        x(m.on) - size // 2, top + row_h // 2 - size // 2, size, size)
                    mark.name = f"milestone {index + 1} on the timeline"
                    mark.shadow.inherit = False
                    mark.fill.solid()
                    mark.fill.fore_color.rgb = _rgb(self.tones[m.tone])
                    mark.line.fill.background()
                    self.textbox(slide, Rect(x(m.on) + size, top + row_h // 2 - Inches(0.15),
                                            Inches(1.3), Inches(0.3)),
                                 [Para(m.state, 10, bold=True)], f"milestone {index + 1} state",
                                 shown, self.tones[m.tone])
            axis_y = body.bottom - dates_h
            rule = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, axis.left, axis_y,
                                              axis.right, axis_y)
            rule.name = "timeline axis"
            rule.line.color.rgb = _rgb(self.colours.muted)
            rule.line.width = Pt(0.75)
            for tick, (day, label_text) in enumerate(v.timeline_ticks):
                self.textbox(slide, Rect(x(day) - Inches(0.6), axis_y, Inches(1.2), dates_h),
                             [Para(label_text, 10)], f"month {tick + 1}", shown,
                             self.colours.muted).text_frame.paragraphs[0].alignment = \
                    PP_ALIGN.CENTER
            today_x = x(v.today)
            # Translators: the label of the "today" line on the milestone timeline
            self.textbox(slide, Rect(today_x - Inches(0.6), body.top + band_h + Inches(0.05),
                                    Inches(1.2), Inches(0.3)),
                         [Para(_("Today"), 10, bold=True)], "today", shown,
                         self.colours.accent).text_frame.paragraphs[0].alignment = \
                PP_ALIGN.CENTER
            line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, today_x, rows_top,
                                              today_x, axis_y)
            line.name = "today line"
            line.line.color.rgb = _rgb(self.colours.accent)
            line.line.width = Pt(1.5)
            line.line.dash_style = MSO_LINE.DASH

    def _phase_chevrons(self, slide, box: Rect, slide_title: str) -> None:
        """Draw the plan's four phases as chevrons: done ones in the good colour, the current
        one in the primary colour, later ones light."""
        current = self.view.current_phase
        keys = list(_PHASES)
        for index, (cell, key) in enumerate(zip(self.grid(box, 4, 4, -Inches(0.1)), keys)):
            shape = slide.shapes.add_shape(MSO_SHAPE.CHEVRON if index else MSO_SHAPE.PENTAGON,
                                           cell.left, cell.top, cell.width, cell.height)
            shape.name = f"phase {key}"
            shape.shadow.inherit = False
            shape.fill.solid()
            past = current in keys and index < keys.index(current)
            fill = (self.colours.good if past else self.colours.primary if key == current
                    else self.colours.light)
            shape.fill.fore_color.rgb = _rgb(fill)
            shape.line.fill.background()
            self.fill(shape, [Para(_(_PHASES[key]), 12, bold=True)], f"phase {key}",
                      slide_title, first_readable(("#FFFFFF", self.colours.text, "#000000"),
                                                  fill) or "#000000", inked=True)

    def slide_value(self) -> None:
        v = self.view
        title = _("Value realized and wins")
        notes = [_value_note(c, val, b) for c, val, b in v.value] + list(v.wins)
        slide, body = self.content_slide(title, "value", notes)
        cards = [[Para(val, 32, bold=True, space_after=6), Para(claim, 16, bold=True,
                                                                 space_after=6),
                  Para(basis, 12)] for claim, val, basis in v.value]
        wins = [Para(_("Wins this quarter"), 14, bold=True, space_after=6)] + [
            Para(f"✓ {w}", 16, space_after=8) for w in v.wins]
        if cards and v.wins:
            value_w = int(body.width * 0.62)
            area = Rect(body.left, body.top, value_w, body.height)
            wins_box = Rect(body.left + value_w + GAP, body.top, body.width - value_w - GAP,
                           body.height)
        else:
            area = wins_box = body
        if cards:
            columns = 1 if len(cards) == 1 else 2
            for index, (box, paras) in enumerate(zip(self.grid(area, len(cards), columns),
                                                     cards)):
                self.card(slide, box, paras, f"value {index + 1}", title,
                          bar=self.colours.good, anchor=MSO_ANCHOR.MIDDLE)
        if v.wins:
            self.card(slide, wins_box, wins, "wins", title, bar=self.colours.accent,
                      anchor=MSO_ANCHOR.MIDDLE)  # centred, as the value cards beside them

    def slide_challenges(self) -> None:
        v = self.view
        title = _("Challenges and open risks")
        notes = list(v.challenges) + [_risk_line(r.title, r.mitigation, r.owner)
                                      for r in v.risks]
        slide, body = self.content_slide(title, "challenges", notes)
        cards = [[Para(c, 16, bold=True)] for c in v.challenges]
        cards += [[Para(r.title, 16, bold=True, space_after=6),
                   Para(_("Likelihood {likelihood} · impact {impact}").format(
                       likelihood=r.likelihood, impact=r.impact), 13, bold=True,
                       space_after=6),
                   Para(r.mitigation, 14, space_after=6),
                   Para(_("Owner: {owner}").format(owner=r.owner) if r.owner else "", 13)]
                  for r in v.risks]
        bars = [self.colours.warning] * len(v.challenges) + [self.tones[r.tone]
                                                              for r in v.risks]
        if not cards:
            self.card(slide, body, [Para(_("No challenges or open risks are recorded."),
                                         BODY_PT)], "text", title, anchor=MSO_ANCHOR.MIDDLE)
            return
        columns = 2 if len(cards) <= 4 else 3
        boxes = self.grid(body, len(cards), columns)
        if len(cards) > 6 or not all(self.fits_at_floor(p, b) for p, b in zip(cards, boxes)):
            # too many or too long for cards: a list, its text sized to fit
            _remove_slide(self.prs, slide)
            paras = []
            if v.challenges:
                paras.append(Para(_("This quarter's challenges"), 18, bold=True,
                                  space_after=4))
                paras += [Para(_bullet(c), 16, space_after=6) for c in v.challenges]
            if v.risks:
                paras.append(Para(_("Open risks and how we manage them"), 18, bold=True,
                                  space_after=4))
                paras += [Para(_bullet(_risk_line(r.title, r.mitigation, r.owner)), 16,
                               space_after=6) for r in v.risks]
            self.text_slides("title_only", title, "challenges", paras, notes, "")
            return
        for index, (box, paras, bar) in enumerate(zip(boxes, cards, bars)):
            self.card(slide, box, paras, f"risk {index + 1}", title, bar=bar)

    def slide_goals(self) -> None:
        v = self.view
        title = _("Next quarter: goals and roadmap")
        notes = list(v.goals) + [_roadmap_note(i, w) for i, w, _eta in v.roadmap]
        slide, body = self.content_slide(title, "goals", notes)
        goals_w = body.width // 3
        goals = [Para(_("Goals for next quarter"), 16, bold=True, space_after=10)] + [
            Para(_bullet(g), 16, space_after=10) for g in v.goals] if v.goals else [
            Para(_("No goals for next quarter are set yet."), 14)]
        self.card(slide, Rect(body.left, body.top, goals_w, body.height), goals, "goals",
                  title, bar=self.colours.primary)
        lanes = Rect(body.left + goals_w + GAP, body.top, body.width - goals_w - GAP,
                    body.height)
        for box, (horizon, items) in zip(self.grid(lanes, 3, 3, Inches(0.15)), v.horizons):
            paras = [Para(horizon, 16, bold=True, space_after=10)]
            paras += [p for item, why in items for p in (
                Para(item, 14, bold=True, space_after=2), Para(why, 12, space_after=10))]
            if not items:
                # Translators: a Now/Next/Later lane of the roadmap without items
                paras.append(Para(_("Nothing planned yet"), 12))
            self.card(slide, box, paras, f"roadmap {horizon}", title)

    def slide_expansion(self) -> None:
        v = self.view
        if v.expansion is None:
            return
        opportunity, basis = v.expansion
        title = _("Where we can grow together")
        slide, body = self.content_slide(title, "expansion", [opportunity] + (
            [basis] if basis else []))
        paras = [Para(opportunity, 28, bold=True, space_after=16)]
        if basis:
            paras.append(Para(_("Why now: {basis}").format(basis=basis), 18))
        self.card(slide, body, paras, "expansion", title, bar=self.colours.accent,
                  anchor=MSO_ANCHOR.MIDDLE)

    def slide_actions(self) -> None:
        v = self.view
        title = _("Asks and action items")
        notes = [_("{action} ({owner}, {due})").format(action=a, owner=o, due=d)
                 for a, o, d in v.actions]
        if 0 < len(v.actions) <= ACTION_CARDS:  # a few: cards, not a table of tall rows
            slide, body = self.content_slide(title, "actions", notes)
            columns = 1 if len(v.actions) == 1 else 2
            for box, (action, owner, due) in zip(self.grid(body, len(v.actions), columns),
                                                 v.actions):
                # Translators: under an action item on the deck: who does it, by when
                who = _("{owner} · due {due}").format(owner=owner, due=due) \
                    if owner and due else owner or due
                self.card(slide, box, [Para(action, 20, bold=True, space_after=10),
                                       Para(who, 14)], "action", title,
                          bar=self.colours.accent, anchor=MSO_ANCHOR.MIDDLE)
            return
        rows = list(v.actions) or [(_("No action items yet: agree them before closing."),
                                    "", "")]
        self._balanced_tables(title, "actions", notes, (_("Action"), _("Owner"), _("Due")),
                              rows, (60, 22, 18), [{}] * len(rows),
                              per_slide=self.kinds["actions"].per_slide)

    def slide_closing(self) -> None:
        """The next QBR and what the two teams work on until then, on a panel in the brand's
        colour; beside it the people to call, one card each, filling the slide."""
        v = self.view
        title = _("Thank you")
        # Translators: the closing slide: when the next QBR is planned
        next_qbr = _("Next QBR: {day}").format(day=v.next_qbr)
        # Translators: a contact in the closing slide's notes: "Customer success manager:
        # Priya Shah"
        slide, body = self.content_slide(title, "closing", [next_qbr] + [
            _("{role}: {name}").format(role=r, name=n) for r, n, _e in v.contacts])
        paras = [Para(next_qbr, 28, bold=True, space_after=18)]
        if v.goals:
            # Translators: the closing slide: above the goals agreed for the next quarter
            paras.append(Para(_("Until then"), 16, bold=True, space_after=6))
            paras += [Para(goal, 14, space_after=8) for goal in v.goals[:CLOSING_GOALS]]
        panel = body.width * 5 // 12 if v.contacts else body.width
        self.card(slide, Rect(body.left, body.top, panel, body.height), paras, "next QBR",
                  title, fill=self.colours.primary, colour="#FFFFFF",
                  anchor=MSO_ANCHOR.MIDDLE)
        if not v.contacts:
            return
        column = Rect(body.left + panel + GAP, body.top, body.width - panel - GAP, body.height)
        for box, (role, name, email) in zip(self.grid(column, len(v.contacts), 1),
                                            v.contacts):
            self.card(slide, box, [Para(role, 12, bold=True, space_after=2),
                                   Para(name, 20, bold=True, space_after=2),
                                   Para(email, 12)], "contact", title,
                      bar=self.colours.primary, anchor=MSO_ANCHOR.MIDDLE)


_PHASES = {"onboard": N_("Onboard"), "adopt": N_("Adopt"), "value": N_("Value"),
           "renew-expand": N_("Renew and expand")}


def _shift_right(label, text: str, chart_width: int) -> None:
    """Move a data label at a chart's first point right by about half its width, so that
    it starts at the point instead of covering the value axis's numbers (a manual layout:
    an offset from its position, as a share of the chart's width)."""
    d_lbl = label._get_or_add_dLbl()
    layout = d_lbl.find(qn("c:layout"))
    if layout is None:
        layout = d_lbl.makeelement(qn("c:layout"), {})
        d_lbl.find(qn("c:idx")).addnext(layout)  # CT_DLbl: idx, then layout
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    half = len(text) * Pt(10) * 0.3  # half the width of 10 pt bold text, roughly
    etree.SubElement(manual, qn("c:x")).set("val", f"{min(0.4, half / chart_width):.4f}")
    etree.SubElement(manual, qn("c:y")).set("val", "0")


def _month_ticks(chart, dates) -> None:
    """Tick the chart's date axis every few months (PowerPoint and LibreOffice would tick
    every day of a daily base unit): about five labels across the span."""
    axis = chart._chartSpace.find(".//" + qn("c:dateAx"))
    if axis is None or not dates:
        return
    months = max(1, ((dates[-1].year - dates[0].year) * 12 + dates[-1].month
                     - dates[0].month) // 5 + 1)
    for tag in ("c:baseTimeUnit", "c:majorUnit", "c:majorTimeUnit"):
        for old in axis.findall(qn(tag)):
            axis.remove(old)
    anchor = axis.find(qn("c:lblOffset"))
    at = list(axis).index(anchor) + 1 if anchor is not None else len(axis)
    for offset, (tag, value) in enumerate((("c:baseTimeUnit", "days"),
                                           ("c:majorUnit", str(months)),
                                           ("c:majorTimeUnit", "months"))):
        element = axis.makeelement(qn(tag), {"val": value})
        axis.insert(at + offset, element)


def _paginate_rows(heights: list[float], available: float,
                   footer: Optional[float]) -> list[list[int]]:
    """Return row indexes per slide: as many rows as fit (at most MAX_TABLE_ROWS), with the
    footer row on the last slide."""
    pages: list[list[int]] = [[]]
    used = 0.0
    for index, h in enumerate(heights):
        if pages[-1] and (used + h > available or len(pages[-1]) >= MAX_TABLE_ROWS):
            pages.append([])
            used = 0.0
        pages[-1].append(index)
        used += h
    if footer is not None and used + footer > available:
        pages.append([])
    return pages


_SECTIONS = "{http://schemas.microsoft.com/office/powerpoint/2010/main}sectionLst"


def _remove_slides(prs) -> None:
    """Remove the master file's own slides (a company's samples), and the custom shows and
    sections that list them: a custom show's link would keep a slide, its pictures and its
    notes in the package, and a section would name the deck's slides, which get the same
    ids again."""
    for slide in list(prs.slides):
        _remove_slide(prs, slide)
    root = prs.part._element
    for shows in root.findall(qn("p:custShowLst")):
        for link in shows.iter(qn("p:sld")):
            prs.part.drop_rel(link.get(qn("r:id")))
        root.remove(shows)
    for sections in list(root.iter(_SECTIONS)):
        ext = sections.getparent()
        ext.getparent().remove(ext)  # the <p:ext> that holds only the section list


def _remove_slide(prs, slide) -> None:
    id_list = prs.slides._sldIdLst
    for sld_id in list(id_list):
        if prs.slides.part.related_part(sld_id.rId) is slide.part:
            prs.part.drop_rel(sld_id.rId)
            id_list.remove(sld_id)


def _value_note(claim: str, value: str, basis: str) -> str:
    """Return the speaker note of one value claim."""
    if basis:
        # Translators: a speaker note: a value claim, its value and the basis of the value
        return _("{claim}: {value} ({basis})").format(claim=claim, value=value, basis=basis)
    # Translators: a speaker note: a value claim and its value
    return _("{claim}: {value}").format(claim=claim, value=value)


def _bullet(item: str) -> str:
    """Return one item of a bulleted list on a slide."""
    # Translators: one item of a bulleted list on a slide; keep {item} and write the bullet
    # sign your language uses (Japanese: ・ with no space)
    return _("• {item}").format(item=item)


def _risk_line(risk: str, mitigation: str, owner: str) -> str:
    """Return one open risk in a line: how we manage it and who owns it."""
    if owner:
        # Translators: a line on the risks slide: a risk, its mitigation and its owner
        return _("{risk}: {mitigation} ({owner})").format(risk=risk, mitigation=mitigation,
                                                          owner=owner)
    # Translators: a line on the risks slide: a risk and its mitigation
    return _("{risk}: {mitigation}").format(risk=risk, mitigation=mitigation)


def _roadmap_note(item: str, why: str) -> str:
    """Return the speaker note of one roadmap item."""
    # Translators: a speaker note: a roadmap item and why it matters to the customer
    return _("{item}: {why}").format(item=item, why=why) if why else item


def _continued(title: str) -> str:
    """Return the title of a slide that continues the one titled ``title``."""
    return _("{title} (continued)").format(title=title)


def _metric_note(m: DeckMetric) -> str:
    r = m.row
    if r.progress:
        note = _("{metric}: {latest} against a target of {target} by {due}; {progress} "
                 "progress from the baseline of {baseline}; {state}. Source: {source}.")
    else:
        note = _("{metric}: {latest} against a target of {target} by {due}; no progress from "
                 "the baseline of {baseline}; {state}. Source: {source}.")
    return note.format(metric=r.name, latest=r.latest or _("no reading yet"), target=r.target,
                       due=r.due, progress=r.progress, baseline=r.baseline,
                       state=r.state_in_sentence, source=r.source or _("not set"))


def overflows(prs, measure: Measure, title_measure: Optional[Measure] = None) -> list[str]:
    """Return a message for every text frame or table of ``prs`` whose text does not fit,
    and every shape that sits outside the slide."""
    problems = []
    width, height = prs.slide_width, prs.slide_height
    for number, slide in enumerate(prs.slides, 1):
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        where = f"slide {number} ('{title[:40]}')"
        for shape in slide.shapes:
            if shape.left is None or shape.is_placeholder and \
                    int(shape.placeholder_format.type) in FOOTERS:
                continue  # the master's footer, date and number: its own size, not ours
            if shape.left < 0 or shape.top < 0 or shape.left + shape.width > width + 1 or \
                    shape.top + shape.height > height + 1:
                problems.append(f"{where}: {shape.name} is outside the slide")
            if shape.has_text_frame and shape.text_frame.text.strip():
                paras = _paras(shape.text_frame)
                used = title_measure if title_measure and shape.name == "title" or \
                    shape.is_placeholder and int(shape.placeholder_format.type) in TITLES \
                    else measure
                need = (used or measure).box_height(paras, shape.width) * EMU_PER_PT
                if need > shape.height + EMU_PER_PT:
                    problems.append(f"{where}: the text of {shape.name} needs "
                                    f"{need / 914400:.2f} in, the box is "
                                    f"{shape.height / 914400:.2f} in")
            if shape.has_table:
                table = shape.table
                need = 0.0
                for row in table.rows:
                    need += max(measure.box_height(_paras(cell.text_frame), col.width)
                                for cell, col in zip(row.cells, table.columns)) * EMU_PER_PT
                if shape.top + need > height - Inches(0.5):
                    problems.append(f"{where}: the table runs past the bottom of the slide")
    return problems


def _paras(text_frame) -> list[Para]:
    out = []
    for p in text_frame.paragraphs:
        sizes = [r.font.size.pt for r in p.runs if r.font.size is not None] or [BODY_PT]
        bold = any(r.font.bold for r in p.runs)
        space = p.space_after.pt if p.space_after is not None else 0.0
        out.append(Para(p.text if hasattr(p, "text") else "", max(sizes), bold, space))
    return out


def deck_pptx(view: QbrView, brand: Brand, logo: Optional[CheckedImage]) -> bytes:
    """Return the QBR deck as PPTX bytes, with the slides of the view's storyline (the SP023
    rule has checked their number); raise BuildError naming what does not fit."""
    compile_office_xpath()
    return _Deck(view, brand, logo).build()


__all__ = ["deck_pptx", "overflows"]


def render(view: QbrView, ctx) -> bytes:
    """The registry's entry point for ``pptx``: the QBR deck."""
    return deck_pptx(view, ctx.brand, ctx.logo)
