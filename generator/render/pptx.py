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
from dataclasses import dataclass
from typing import Optional

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE
from pptx.enum.text import MSO_ANCHOR
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
from csplan.words import _, ngettext

TITLE_PT = 28
COVER_TITLE_PT = 40
BODY_PT = 18
TABLE_PT = 14
MAX_TABLE_ROWS = 12
GAP = Inches(0.3)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def bottom(self) -> int:
        return self.top + self.height


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
        self.family = brand.spec.fonts.family
        self.floor = brand.spec.min_font_pt
        self.section_of: dict[str, tuple[str, int]] = _sections(view)
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
            area = title_area(slide.slide_layout, self.width, self.height)
            assert area is not None
            self.textbox(slide, Box(area.left, area.top, area.width, area.height),
                         [Para(title, size, bold=True)], "title", title, self.colours.primary,
                         MSO_ANCHOR.BOTTOM)
        if role != "title":
            carry_footers(slide, self.width, self.height, self.ink(slide, self.colours.muted))
        section, minutes = self.section_of.get(kind, ("", 0))
        # Translators: the first line of a slide's speaker notes
        lines = [_("Agenda: {section} ({minutes} minutes for this section).").format(
            section=section, minutes=minutes)] if section else []
        slide.notes_slide.notes_text_frame.text = "\n".join(lines + notes)
        return slide

    def body_box(self, slide) -> Box:
        """Return the area under the title where content goes: the body placeholder, else
        the free area the layout leaves below the title (clear of its footers and shapes)."""
        for ph in slide.placeholders:
            if ph.placeholder_format.idx == 1:
                return Box(ph.left, ph.top, ph.width, ph.height)
        area = body_area(slide.slide_layout, self.width, self.height)
        assert area is not None  # the brand check refuses a layout without one
        return Box(area.left, area.top, area.width, area.height)

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

    def fits(self, paras: list[Para], box: Box, measure: Optional[Measure] = None) -> bool:
        measure = measure or self.measure
        return measure.box_height(paras, box.width) <= box.height / EMU_PER_PT

    def fill(self, shape, paras: list[Para], what: str, slide_title: str,
             colour: Optional[str] = None, keep_style: bool = False, inked: bool = False
             ) -> None:
        """Put ``paras`` in ``shape``, shrinking to the floor if needed; fail if it cannot.
        ``colour`` is made readable on the slide's background unless it is ``inked``."""
        box = Box(shape.left, shape.top, shape.width, shape.height)
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

    def textbox(self, slide, box: Box, paras: list[Para], what: str, slide_title: str,
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

    def new_probe(self, role: str) -> Box:
        """Return the body box a slide of ``role`` would have (measured on a scratch slide)."""
        slide = self.prs.slides.add_slide(self.layouts[role])
        box = self.body_box(slide)
        _remove_slide(self.prs, slide)
        return box

    def _paginate(self, paras: list[Para], box: Box, title: str) -> list[list[Para]]:
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

    def _table(self, slide, body: Box, header, rows, col_widths, size, head, heights, tones,
               footer, foot) -> None:
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
                run.font.bold = bold or col in tone or None
                if col in tone:
                    run.font.color.rgb = _rgb(tone[col])
                elif row_index == 0 and header_ink:
                    run.font.color.rgb = _rgb(header_ink)

    # ------------------------------------------------------------------ charts
    def metric_slides(self) -> None:
        metrics = list(self.view.metrics)
        title = _("Results: goals vs actuals")
        if not metrics:
            self.text_slides("title_only", title, "results", [],
                             [_("No success metrics are agreed yet: agree them in this QBR.")],
                             _("No success metrics are agreed yet."))
            return
        per = self.kinds["results"].per_slide
        pages = [metrics[i:i + per] for i in range(0, len(metrics), per)]
        for number, page in enumerate(pages):
            shown = title if number == 0 else _continued(title)
            notes = [_metric_note(m) for m in page]
            slide = self.new_slide("title_only", shown, "results", notes)
            self.drop_body_placeholder(slide)
            body = self.body_box(slide)
            half = (body.width - GAP) // 2
            rows = 1 if per == 2 else 2
            height = (body.height - (rows - 1) * GAP) // rows
            for index, metric in enumerate(page):
                left = body.left + (index % 2) * (half + GAP)
                top = body.top + (index // 2) * (height + GAP)
                self._metric_panel(slide, Box(left, top, half, height), metric, shown)

    def _metric_panel(self, slide, box: Box, metric: DeckMetric, slide_title: str) -> None:
        row = metric.row
        heading = [Para(row.name, 16, bold=True)]
        head_h = int(self.measure.box_height(heading, box.width) * EMU_PER_PT)
        self.textbox(slide, Box(box.left, box.top, box.width, head_h), heading,
                     f"{row.name} heading", slide_title, self.colours.primary)
        latest = (_("Latest {value} ({day}) · Target {target} by {due}") if row.latest_on else
                  _("Latest {value} · Target {target} by {due}"))
        caption = [
            Para(latest.format(value=row.latest or "–", day=row.latest_on, target=row.target,
                               due=row.due), 12),
            Para(_("Baseline {baseline} · Progress {progress} · {state}").format(
                baseline=row.baseline, progress=row.progress or "–", state=row.state), 12,
                 bold=True)]
        cap_h = int(self.measure.box_height(caption, box.width) * EMU_PER_PT)
        chart_box = Box(box.left, box.top + head_h, box.width, box.height - head_h - cap_h)
        if chart_box.height < Inches(1.2):
            raise BuildError(f"slide '{slide_title}': the name of metric {row.name[:60]!r} "
                             "leaves no room for its chart; shorten it")
        self.textbox(slide, Box(box.left, chart_box.bottom, box.width, cap_h), caption,
                     f"{row.name} caption", slide_title,
                     self.tones[row.tone] if row.tone != "warning" else self.colours.text)
        if metric.chart is None:
            self.textbox(slide, chart_box, [Para(_("No data yet: the first reading will show "
                                                   "here."), 14)], f"{row.name} chart",
                         slide_title, self.colours.muted, MSO_ANCHOR.MIDDLE)
            return
        self._chart(slide, chart_box, metric)

    def _chart(self, slide, box: Box, metric: DeckMetric) -> None:
        chart_data = CategoryChartData(number_format=metric.chart.number_format)
        chart_data.categories = list(metric.chart.categories)
        # Translators: the three lines of a metric's chart (its legend)
        names = {"actual": _("Actual"), "target": _("Target"), "baseline": _("Baseline")}
        chart_data.add_series(names["actual"], metric.chart.actual)
        chart_data.add_series(names["target"], metric.chart.target)
        chart_data.add_series(names["baseline"], metric.chart.baseline)
        frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, box.left, box.top,
                                       box.width, box.height, chart_data)
        frame.name = f"{metric.row.name} chart"
        frame._element.nvGraphicFramePr.cNvPr.set("descr", metric.chart.alt)
        chart = frame.chart
        chart.font.size = Pt(11)
        chart.font.name = self.family
        chart.font.color.rgb = _rgb(self.ink(slide, self.colours.text))
        chart.has_title = False
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        styles = (("actual", self.colours.primary, 2.5, None, XL_MARKER_STYLE.CIRCLE),
                  ("target", self.colours.accent, 2.0, MSO_LINE.DASH, XL_MARKER_STYLE.NONE),
                  ("baseline", self.colours.muted, 1.25, MSO_LINE.ROUND_DOT,
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
        axis = chart.value_axis
        axis.tick_labels.number_format = metric.chart.number_format
        axis.tick_labels.number_format_is_linked = False
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = _rgb(self.colours.light)
        chart.category_axis.tick_labels.font.size = Pt(10)

    # ------------------------------------------------------------------ the storyline
    def build(self) -> bytes:
        v = self.view
        self.title_slide()
        self.agenda_slide()
        tone = self.tones
        if "lookback" in self.kinds:
            self.table_slides(
                _("Last quarter ({quarter}): what we committed, what happened").format(
                    quarter=v.previous_quarter),
                "lookback", (_("What we committed"), _("What happened")),
                [(c, h) for c, h, _t in v.committed], (55, 45),
                # Translators: a speaker note: what we committed, then what happened
                [_("{committed} -> {happened}").format(committed=c, happened=h)
                 for c, h, _t in v.committed],
                _("Nothing was committed at the last QBR."),
                tones=[{1: tone[t]} for _c, _h, t in v.committed])
        self.metric_slides()
        if "value" in self.kinds:
            self.table_slides(_("Value realized"), "value",
                              (_("What we achieved"), _("Value"), _("Basis")),
                              list(v.value), (38, 22, 40),
                              [_value_note(c, val, b) for c, val, b in v.value], "")
        attention = [m for m in v.milestones if m[5] in ("warning", "bad")]
        self.table_slides(
            _("Milestone progress"), "milestones",
            (_("Milestone"), _("Phase"), _("Owner"), _("Due"), _("State")),
            [m[:5] for m in v.milestones], (44, 14, 16, 14, 12),
            # Translators: the milestone summary as a sentence of the speaker notes
            [_("{summary}.").format(summary=v.milestone_summary)] + [
                _("Needs attention: {milestone} ({state}, owner {owner}).").format(
                    milestone=m[0], state=m[4], owner=m[2]) for m in attention],
            _("No milestones are open."), tones=[{4: tone[m[5]]} for m in v.milestones],
            footer=(v.milestone_summary, "", "", "", ""))
        paras = []
        if v.challenges:
            paras.append(Para(_("This quarter's challenges"), 18, bold=True, space_after=4))
            paras += [Para(f"• {c}", 16, space_after=6) for c in v.challenges]
        if v.risks:
            paras.append(Para(_("Open risks and how we manage them"), 18, bold=True,
                              space_after=4))
            paras += [Para(_risk_bullet(r, m, o), 16, space_after=6) for r, m, o in v.risks]
        self.text_slides("title_only", _("Challenges and open risks"), "challenges", paras,
                         [_("Name each challenge plainly, then what we do about it and who "
                            "owns it.")], _("No challenges or open risks are recorded."))
        self.text_slides("title_only", _("Goals for next quarter"), "goals",
                         [Para(f"• {g}", 20, space_after=8) for g in v.goals],
                         [_("Agree each goal with the champion; each needs an owner and a "
                            "number.")] + list(v.goals),
                         _("No goals for next quarter are set yet."))
        if "roadmap" in self.kinds:
            self.table_slides(_("Roadmap"), "roadmap",
                              (_("Coming"), _("Why it matters to you"), _("When")),
                              list(v.roadmap), (34, 50, 16),
                              [_roadmap_note(i, w) for i, w, _eta in v.roadmap], "")
        if "expansion" in self.kinds and v.expansion:
            opportunity, basis = v.expansion
            paras = [Para(opportunity, 24, bold=True, space_after=12)]
            if basis:
                paras.append(Para(_("Why now: {basis}").format(basis=basis), 18))
            self.text_slides("title_only", _("Where we can grow together"), "expansion", paras,
                             [_("Tie the opportunity to the value shown; ask for the next "
                                "step, not the signature.")], "")
        self.table_slides(_("Action items"), "actions", (_("Action"), _("Owner"), _("Due")),
                          list(v.actions), (60, 22, 18),
                          [_("Confirm each owner and date before closing.")]
                          # Translators: a speaker note: an action item, its owner and due date
                          + [_("{action} ({owner}, {due})").format(action=a, owner=o, due=d)
                             for a, o, d in v.actions],
                          _("No action items yet: agree them before closing."))
        problems = overflows(self.prs, self.measure, self.title_measure)
        if problems:
            raise BuildError("layout check: " + "; ".join(problems[:3]))
        if v.draft_mark:
            stamp_slides(self.prs, v.draft_mark, self.colours.bad, self.brand)
        officelang.slides(self.prs, v.info.language or "en-US")
        out = io.BytesIO()
        self.prs.save(out)
        return office_package(fontembed.pptx(out.getvalue(), self.brand), v.info)

    def title_slide(self) -> None:
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
            area = subtitle_area(layout, self.width, self.height)
            assert area is not None
            self.textbox(slide, Box(area.left, area.top, area.width, area.height), lines,
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

    def agenda_slide(self) -> None:
        v = self.view
        total = sum(m for _s, m, _o in v.agenda)
        notes = [ngettext("{section}: {minutes} minute.", "{section}: {minutes} minutes.",
                          m).format(section=s, minutes=m) for s, m, _o in v.agenda]

        def minutes(m: int) -> str:
            # Translators: a duration on the agenda slide, abbreviated
            return _("{minutes} min").format(minutes=m)

        if any(o for _s, _m, o in v.agenda):
            self.table_slides(_("Agenda"), "agenda", (_("Section"), _("Time"), _("Led by")),
                              [(s, minutes(m), o) for s, m, o in v.agenda], (60, 15, 25),
                              notes, "", footer=(_("Total"), minutes(total), ""))
        else:
            self.table_slides(_("Agenda"), "agenda", (_("Section"), _("Time")),
                              [(s, minutes(m)) for s, m, _o in v.agenda], (80, 20),
                              notes, "", footer=(_("Total"), minutes(total)))


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


def _remove_slides(prs) -> None:
    for slide in list(prs.slides):
        _remove_slide(prs, slide)


def _remove_slide(prs, slide) -> None:
    id_list = prs.slides._sldIdLst
    for sld_id in list(id_list):
        if prs.slides.part.related_part(sld_id.rId) is slide.part:
            prs.part.drop_rel(sld_id.rId)
            id_list.remove(sld_id)


_SECTION_WORDS = {
    "title": ("welcome", "objective", "intro"), "agenda": ("welcome", "objective"),
    "lookback": ("welcome", "objective", "last quarter", "review"),
    "results": ("result", "actual", "metric"), "milestones": ("result", "milestone"),
    "value": ("value", "roi"), "challenges": ("challenge", "risk"),
    "goals": ("goal", "next quarter"), "roadmap": ("roadmap", "ask"),
    "expansion": ("roadmap", "ask", "expansion", "growth"),
    "actions": ("action", "next step", "ask", "roadmap")}


def _sections(view: QbrView) -> dict[str, tuple[str, int]]:
    """Map each kind of slide to the agenda section it belongs to: the section that covers
    that kind (a default section, in any language), else the first section of an account's
    own agenda whose (English) words name it."""
    out = {}
    for kind, words in _SECTION_WORDS.items():
        covering = [(s, m) for (s, m, _o), kinds in zip(view.agenda, view.agenda_slides)
                    if kind in kinds]
        named = [(s, m) for (s, m, _o), kinds in zip(view.agenda, view.agenda_slides)
                 if not kinds and any(w in s.lower() for w in words)]
        if covering or named:
            out[kind] = (covering or named)[0]
    return out


def _value_note(claim: str, value: str, basis: str) -> str:
    """Return the speaker note of one value claim."""
    if basis:
        # Translators: a speaker note: a value claim, its value and the basis of the value
        return _("{claim}: {value} ({basis})").format(claim=claim, value=value, basis=basis)
    # Translators: a speaker note: a value claim and its value
    return _("{claim}: {value}").format(claim=claim, value=value)


def _risk_bullet(risk: str, mitigation: str, owner: str) -> str:
    """Return the bullet of one open risk: how we manage it and who owns it."""
    if owner:
        # Translators: a bullet on the risks slide: a risk, its mitigation and its owner
        return _("• {risk}: {mitigation} ({owner})").format(risk=risk, mitigation=mitigation,
                                                            owner=owner)
    # Translators: a bullet on the risks slide: a risk and its mitigation
    return _("• {risk}: {mitigation}").format(risk=risk, mitigation=mitigation)


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
