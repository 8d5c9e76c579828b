"""The plan as DOCX: the brand's reference document's styles, real headings and tables.

The document starts from ``brand/<docx_reference>`` with its body emptied, so a company's
own Word template (fonts, heading colours, page set-up, first-page letterhead) applies as it
is; everything csplan places (tables, charts, logos, the header's tab stop) is sized to the
section's real text width. A reference that sets no page (the bundled one) gets csplan's.
Styles used by name: Title, Subtitle, Heading 1-3, List Bullet, Quote, Normal, Table Grid.
Charts are PNGs drawn from the same numbers as the PDF's SVG charts.
"""

from __future__ import annotations

import io
import re
from typing import Optional

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor

from csplan.render import charts, fontembed, tables
from csplan.render.fit import EMU_PER_PT, column_widths
from csplan.inputs.brand import Brand
from csplan.views.docinfo import DocInfo, office_package
from csplan.inputs.images import CheckedImage
from csplan.render import officelang
from csplan.render.xpath import compile_office_xpath
from csplan.views.customer import PlanView, Table, logo_alt
from csplan.words import _

PAGE = {"A4": (Mm(210), Mm(297)), "Letter": (Mm(215.9), Mm(279.4))}
MARGIN = Mm(18)
CELL_PT, SUB_PT = 8.5, 7.0  # table text and its small second line
CELL_INSET = 5.4  # points left and right in each cell (108 twips, Word's default)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class _Writer:
    """A DOCX from the brand's reference document, with the helpers every document uses."""

    def __init__(self, brand: Brand, header: str, page_size: str, internal: bool = False,
                 mark: str = ""):
        # The reference as load_brand checked and cleaned it, never the file again.
        reference = brand.docx_reference
        self.doc = docx.Document(io.BytesIO(reference)) if reference else docx.Document()
        self.brand, self.header, self.page_size, self.internal = brand, header, page_size, \
            internal
        self.colours = brand.colours
        self.mark = mark  # e.g. "DRAFT", in the header of every page
        # Style ids by name, read once: python-docx looks a style up by name on every paragraph
        # (a scan of every style in the document), a third of the DOCX time.
        self.style_ids = {s.name: s.style_id for s in self.doc.styles}
        self.styles = set(self.style_ids)
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    # ------------------------------------------------------------------ helpers
    def style(self, name: str, fallback: str = "Normal") -> str:
        return name if name in self.styles else fallback

    def para(self, text: str = "", style: str = "Normal", bold: bool = False,
             italic: bool = False, colour: Optional[str] = None, size: Optional[float] = None):
        p = self.doc.add_paragraph()
        name = self.style(style)
        if name != "Normal":
            p._p.style = self.style_ids[name]
        if text:
            run = p.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
            if colour:
                run.font.color.rgb = _rgb(colour)
            if size:
                run.font.size = Pt(size)
        return p

    def heading(self, text: str, level: int):
        p = self.para(text, f"Heading {level}")
        p.paragraph_format.keep_with_next = True  # never last on a page, away from its text
        return p

    def bullets(self, items) -> None:
        for item in items:
            self.para(item, "List Bullet")

    def empty(self, sentence: str) -> None:
        self.para(sentence, italic=True, colour=self.colours.muted)

    @property
    def tones(self) -> dict[str, str]:
        """Return the brand colour of each state tone (done/on track, at risk, stalled)."""
        c = self.colours
        return {"good": c.good, "warning": c.warning, "bad": c.bad, "neutral": c.muted}

    @property
    def usable_width(self) -> int:
        """The text width of the (one) section: the page less margins and gutter."""
        section = self.doc.sections[-1]
        return section.page_width - section.left_margin - section.right_margin - (
            section.gutter or 0)

    def picture(self, run, image: CheckedImage, height: int, share: float):
        """Add ``image`` to ``run`` ``height`` high, or narrower if it would take more than
        ``share`` of the text width (a wide logo on a narrow page), with its proportions."""
        width = height * image.width / image.height
        most = self.usable_width * share
        if width > most:
            return run.add_picture(io.BytesIO(image.data), width=Emu(int(most)))
        return run.add_picture(io.BytesIO(image.data), height=height)

    def table(self, header, rows, weights, tones=None, keep_short: bool = True) -> None:
        """Add a table in the brand's table look: header row in the primary colour, light
        banding, thin rules, no grid; column widths from its words (see ``tables``).

        A cell is a text or (main, sub, bold); ``tones`` gives per row {column: colour}.
        With ``keep_short``, a table of up to ``tables.SHORT_ROWS`` rows stays on one page.
        """
        table = self.doc.add_table(rows=1, cols=len(header))
        _brand_table(table, self.colours)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        total = self.usable_width / EMU_PER_PT
        columns = tables._columns(header, rows, tables.Style(
            CELL_PT * tables.HEADROOM, SUB_PT * tables.HEADROOM, 0))
        points = column_widths(tables.measure(self.brand), columns, tuple(weights), total,
                               2 * CELL_INSET + CELL_PT)
        col_widths = [Emu(int(self.usable_width * w / total)) for w in points]
        for column, width in zip(table.columns, col_widths):
            column.width = width  # the table grid: LibreOffice lays out from it
        head = table.rows[0]
        _repeat_header(head)
        _no_split(head)
        on_primary = _readable_on(self.colours.primary, self.colours.text)
        for cell, text, width in zip(head.cells, header, col_widths):
            cell.width = width
            _shade(cell, self.colours.primary)
            self._cell_text(cell, text, bold=True, colour=on_primary)
        for index, cells in enumerate(rows):
            row = table.add_row()
            _no_split(row)
            tone = tones[index] if tones else {}
            for column, (cell, value, width) in enumerate(zip(row.cells, cells, col_widths)):
                cell.width = width
                if index % 2:
                    _shade(cell, self.colours.light)
                if isinstance(value, tuple):
                    self._cell_rich(cell, value, tone.get(column))
                else:
                    self._cell_text(cell, value, colour=tone.get(column))
        if keep_short and len(rows) <= tables.SHORT_ROWS:  # on one page, as in the PDF
            for row in table.rows[:-1]:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        paragraph.paragraph_format.keep_with_next = True
        self.doc.add_paragraph().paragraph_format.space_after = Pt(2)

    def _cell_text(self, cell, text: str, bold: bool = False, colour: Optional[str] = None):
        p = cell.paragraphs[0]
        run = p.add_run(text)
        run.font.size = Pt(CELL_PT)
        run.bold = bold or None
        if colour:
            run.font.color.rgb = _rgb(colour)

    def _cell_rich(self, cell, parts, colour: Optional[str] = None) -> None:
        """parts: (main text, sub text, bold)"""
        main, sub, bold = parts
        self._cell_text(cell, main, bold=bold, colour=colour)
        if sub:
            small = cell.add_paragraph()
            r = small.add_run(sub)
            r.font.size = Pt(SUB_PT)
            r.font.color.rgb = _rgb(self.colours.muted)

    # ------------------------------------------------------------------ page
    def page_setup(self, cover: bool = False) -> None:
        """Page size and margins, the reference's if it sets them, else csplan's; the header
        (brand logo on the left margin, the document on the right one) and the footer ("Page
        X of Y" as PAGE and NUMPAGES fields). With ``cover`` the first page has no header,
        as its cover block shows the logos."""
        width, height = PAGE[self.page_size]
        for section in self.doc.sections:
            if self.brand.docx_page is None:
                section.orientation = WD_ORIENT.PORTRAIT
                section.page_width, section.page_height = width, height
                # in Word's attribute order, so a fresh <w:pgMar> reads as the old ones did
                section.top_margin, section.right_margin = Mm(20), MARGIN
                section.bottom_margin, section.left_margin = Mm(18), MARGIN
                section.header_distance = section.footer_distance = Mm(8)
                section.gutter = 0
            section.different_first_page_header_footer = cover
            header = section.header
            header.is_linked_to_previous = False
            hp = header.paragraphs[0]
            hp.text = ""
            self._right_tab_only(hp)
            if self.brand.logo:
                _describe(self.picture(hp.add_run(), self.brand.logo, Mm(7), 0.4),
                          logo_alt(self.brand.spec.name))
            hp.add_run("\t")
            r = hp.add_run(self.header)
            r.font.size = Pt(8)
            r.font.color.rgb = _rgb(self.colours.muted)
            if self.internal:
                r = hp.add_run("  " + _("INTERNAL - DO NOT SHARE"))
                r.font.size, r.font.bold = Pt(8), True
                r.font.color.rgb = _rgb(self.colours.bad)
            if self.mark:
                r = hp.add_run("  " + self.mark)
                r.font.size, r.font.bold = Pt(10), True
                r.font.color.rgb = _rgb(self.colours.bad)
                if cover:  # the cover page has no running header but shows the mark too
                    first = section.first_page_header.paragraphs[0]
                    first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    r = first.add_run(self.mark)
                    r.font.size, r.font.bold = Pt(10), True
                    r.font.color.rgb = _rgb(self.colours.bad)
            footers = [section.footer] + ([section.first_page_footer] if cover else [])
            for footer in footers:
                footer.is_linked_to_previous = False
                self._page_x_of_y(footer.paragraphs[0])

    def _right_tab_only(self, paragraph) -> None:
        """Give ``paragraph`` one right tab stop on the right margin, clearing the ones its
        style sets (the Header style's stops are for Letter with 1-inch margins)."""
        style = self.doc.styles[paragraph.style.name] if paragraph.style is not None else None
        stops = paragraph.paragraph_format.tab_stops
        if style is not None:
            for stop in style.paragraph_format.tab_stops:
                stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(Emu(self.usable_width), WD_TAB_ALIGNMENT.RIGHT)

    def _page_x_of_y(self, fp) -> None:
        fp.text = ""
        fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        # Translators: the page footer of every document; {page} and {pages} are numbers
        message = _("Page {page} of {pages}")
        for index, piece in enumerate(re.split(r"\{(page|pages)\}", message)):
            if index % 2:
                _field(fp, {"page": "PAGE", "pages": "NUMPAGES"}[piece], self.colours.muted)
            elif piece:
                r = fp.add_run(piece)
                r.font.size = Pt(8)
                r.font.color.rgb = _rgb(self.colours.muted)

    def save(self, info: DocInfo) -> bytes:
        """Return the document's bytes, with ``info`` as its properties (see ``docinfo``)."""
        _word_2013(self.doc.settings.element)
        officelang.word(self.doc, info.language or "en-US")
        out = io.BytesIO()
        self.doc.save(out)
        return office_package(fontembed.docx(out.getvalue(), self.brand), info)


class _PlanWriter(_Writer):
    def __init__(self, view: PlanView, brand: Brand, logo: Optional[CheckedImage]):
        super().__init__(brand, _("{account} · Joint success plan").format(
            account=view.account_name), brand.paper(view.page_size), mark=view.draft_mark)
        self.view, self.logo = view, logo

    # ------------------------------------------------------------------ content
    def title_block(self) -> None:
        v = self.view
        logos = self.doc.add_paragraph()
        logos.paragraph_format.space_after = Mm(6)
        # the vendor's logo on the left margin, the customer's flush with the right one
        logos.paragraph_format.tab_stops.add_tab_stop(Emu(self.usable_width),
                                                      WD_TAB_ALIGNMENT.RIGHT)
        # at most 40 % of the text width each: LibreOffice wraps the second logo under the
        # first when the two fill more than about 85 % of the line
        if self.brand.logo:
            _describe(self.picture(logos.add_run(), self.brand.logo, Mm(11), 0.4),
                      logo_alt(v.vendor_name))
        if self.logo:
            logos.add_run("\t")
            _describe(self.picture(logos.add_run(), self.logo, Mm(13), 0.4),
                      logo_alt(v.account_name))
        self.para(_("Joint success plan").upper(), bold=True, colour=self.colours.accent,
                  size=8.5)
        self.para(v.account_name, "Title")
        if v.industry:
            self.para(v.industry, "Subtitle")
        self.para(_("Prepared by {vendor} on {day}").format(vendor=v.vendor_name,
                                                           day=v.generated_on),
                  colour=self.colours.muted, size=8.5)
        facts = self.doc.add_table(rows=0, cols=2)
        facts.autofit = False
        facts.columns[0].width = Mm(48)
        facts.columns[1].width = Emu(self.usable_width - Mm(48))
        for label, value in v.header:
            row = facts.add_row()
            row.cells[0].width, row.cells[1].width = Mm(48), Emu(self.usable_width - Mm(48))
            self._cell_text(row.cells[0], label, bold=True, colour=self.colours.muted)
            self._cell_text(row.cells[1], value)
        _rule_below(self.para(), self.colours.primary)  # the cover block ends

    def objectives(self) -> None:
        v = self.view
        self.heading(f"1 {_('Partnership objectives')}", 1)
        if not v.has_objectives:
            self.empty(v.empty["objectives"])
            return
        if v.summary:
            self.para(v.summary)
        if v.primary_goal:
            p = self.para(_("Primary goal:") + " ", bold=True)
            p.add_run(v.primary_goal)
        if v.secondary_goals:
            self.para(_("Secondary goals"), bold=True)
            self.bullets(v.secondary_goals)
        if v.success_quote:
            # Translators: the customer's own words, in the quotation marks of the language
            quote = self.para(_("“{quote}”").format(quote=v.success_quote), italic=True,
                              size=11)
            _box(quote, self.colours, top=True, bottom=not v.success_by)
            if v.success_by:
                by = self.para(f"— {v.success_by}", colour=self.colours.muted, size=8.5)
                _box(by, self.colours, top=False, bottom=True)

    def metrics(self) -> None:
        v = self.view
        self.heading(f"2 {_('Success metrics')}", 1)
        if v.metrics:
            tone = self.tones
            # tall rows: split where the page ends, as the PDF does, not moved whole
            self.table(tables.metric_header(), tables.metric_rows(v), tables.METRIC_WEIGHTS,
                       [{6: tone[m.tone]} for m in v.metrics], keep_short=False)
            self.chart_grid()
        else:
            self.empty(v.empty["metrics"])
        self.heading(_("Leading indicators"), 3)
        if v.indicators:
            self.bullets(v.indicators)
        else:
            self.empty(v.empty["indicators"])

    def chart_grid(self) -> None:
        with_charts = [m for m in self.view.metrics if m.chart is not None]
        if not with_charts:
            return
        files = self.brand.font_files
        grid = self.doc.add_table(rows=0, cols=2)
        grid.autofit = False
        half = Emu(self.usable_width // 2)
        for column in grid.columns:
            column.width = half
        for i in range(0, len(with_charts), 2):
            row = grid.add_row()
            _no_split(row)
            for cell, m in zip(row.cells, with_charts[i:i + 2]):
                cell.width = half
                cap = cell.paragraphs[0]
                cap.paragraph_format.keep_with_next = True
                r = cap.add_run(m.name)
                r.bold, r.font.size = True, Pt(8.5)
                image = charts.png(m.chart, self.colours, files["regular"], files["bold"])
                picture = cell.add_paragraph().add_run().add_picture(
                    io.BytesIO(image), width=Emu(int(half * 0.94)))
                _describe(picture, m.chart.alt)
        self.para()

    def milestones(self) -> None:
        v = self.view
        self.heading(f"3 {_('Milestone roadmap')}", 1)
        if not v.phases:
            self.empty(v.empty["milestones"])
        tone = self.tones
        for phase in v.phases:
            self.heading(phase.name, 3)
            self.table(tables.milestone_header(), tables.milestone_rows(phase.milestones),
                       tables.MILESTONE_WEIGHTS, [{3: tone[m.tone]} for m in phase.milestones])

    def commitments(self) -> None:
        v = self.view
        self.heading(f"4 {_('Mutual commitments')}", 1)
        for party, items, empty in (
                (v.vendor_name, v.commitments_vendor, "commitments_vendor"),
                (v.account_name, v.commitments_customer, "commitments_customer")):
            title = _("{party} commits to").format(party=party)
            self.heading(title, 3)
            if items:
                self.bullets(items)
            else:
                self.empty(v.empty[empty])

    def simple(self, number: int, title: str, table: Table, empty: str) -> None:
        self.heading(f"{number} {title}", 1)
        if table.rows:
            self.table(table.header, [r.cells for r in table.rows], table.widths)
        else:
            self.empty(self.view.empty[empty])

    def render(self) -> bytes:
        v = self.view
        self.page_setup(cover=True)
        self.title_block()
        self.changes()
        self.objectives()
        self.metrics()
        self.milestones()
        self.commitments()
        self.simple(5, _("Stakeholder engagement plan"), v.stakeholders, "stakeholders")
        self.simple(6, _("Risks and mitigations"), v.risks, "risks")
        self.simple(7, _("Communication plan"), v.communication, "communication")
        self.simple(8, _("Escalation path"), v.escalation, "escalation")
        self.signoff()
        return self.save(v.info)

    def changes(self) -> None:
        """What changed since the revision the customer last reviewed (none: no section)."""
        if self.view.changes:
            self.heading(self.view.changes_heading, 2)
            self.bullets(self.view.changes)

    def signoff(self) -> None:
        """The "Agreed by" block: the customer's side and the vendor's, side by side, each
        person with name, title, role, and lines to sign and date."""
        v = self.view
        self.heading(_("Agreed by"), 1)
        grid = self.doc.add_table(rows=0, cols=2)
        grid.autofit = False
        half = Emu(self.usable_width // 2)
        for column in grid.columns:  # python-docx's own grid forgets a gutter
            column.width = half
        for index in range(max(len(v.signoff_customer), len(v.signoff_vendor))):
            row = grid.add_row()
            _no_split(row)
            for cell, side in zip(row.cells, (v.signoff_customer, v.signoff_vendor)):
                cell.width = half
                if index >= len(side):
                    continue
                person = side[index]
                lines = ([(person.name, True)] if person.name else [("", False)]) + (
                    [(person.title, False)] if person.title else [])
                first = cell.paragraphs[0]
                for number, (text, bold) in enumerate(lines):
                    p = first if number == 0 else cell.add_paragraph()
                    if text:
                        r = p.add_run(text)
                        r.bold = bold or None
                    elif not person.name:
                        _rule(p)
                if not person.name:
                    self._small(cell.add_paragraph(), _("Name"))
                self._small(cell.add_paragraph(), person.role)
                for label in (_("Signature"), _("Date")):
                    _rule(cell.add_paragraph())
                    self._small(last := cell.add_paragraph(), label)
                last.paragraph_format.space_after = Pt(14)

    def _small(self, paragraph, text: str) -> None:
        r = paragraph.add_run(text)
        r.font.size = Pt(8)
        r.font.color.rgb = _rgb(self.colours.muted)


def plan_docx(view: PlanView, brand: Brand, logo: Optional[CheckedImage] = None) -> bytes:
    """Return the plan as DOCX bytes."""
    compile_office_xpath()
    return _PlanWriter(view, brand, logo).render()


def program_docx(view, brand: Brand) -> bytes:
    """Return the team's CS program (see ``programview``) as DOCX bytes, marked internal."""
    compile_office_xpath()
    w = _Writer(brand, f"{view.vendor_name} · {view.title}", "A4", internal=True)
    w.page_setup()
    w.para(_("INTERNAL - DO NOT SHARE"), bold=True, colour=w.colours.bad, size=8.5)
    w.para(view.title, "Title")
    w.para(_("Prepared on {day}").format(day=view.generated_on), colour=w.colours.muted,
           size=8.5)
    for section in view.sections:
        w.heading(section.title, 1)
        for paragraph in section.intro:
            w.para(paragraph)
        for table in section.tables:
            if table.caption:
                w.heading(table.caption, 3)
            if table.rows:
                w.table(table.header, [r.cells for r in table.rows], table.widths)
            elif table.empty:
                w.empty(table.empty)
        if section.bullets:
            w.bullets(section.bullets)
    return w.save(view.info)


# Word's own settings order (CT_Settings): a missing <w:compat> goes before the first of these.
_AFTER_COMPAT = ("w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
                 "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
                 "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
                 "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
                 "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
                 "w:listSeparator")


def _word_2013(settings) -> None:
    """Declare Word 2013+ layout (compatibilityMode 15), so Word opens the document without
    Compatibility Mode, whatever the reference document said."""
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        following = [settings.find(qn(tag)) for tag in _AFTER_COMPAT]
        following = [element for element in following if element is not None]
        if following:
            following[0].addprevious(compat)
        else:
            settings.append(compat)
    modes = [s for s in compat.findall(qn("w:compatSetting"))
             if s.get(qn("w:name")) == "compatibilityMode"]
    for extra in modes[1:]:
        compat.remove(extra)
    mode = modes[0] if modes else OxmlElement("w:compatSetting")
    if not modes:
        compat.append(mode)
    mode.set(qn("w:name"), "compatibilityMode")
    mode.set(qn("w:uri"), "http://schemas.microsoft.com/office/word")
    mode.set(qn("w:val"), "15")


RULE = "D5DDE5"  # the thin rule between table rows, as in the PDF


def _brand_table(table, colours) -> None:
    """Give a table the brand's look by direct formatting (whatever the reference document's
    table styles): no style of its own (never "Table Grid"), no vertical lines, thin rules
    under the rows, roomy cell insets."""
    tblPr = table._tbl.tblPr
    style = tblPr.find(qn("w:tblStyle"))
    if style is not None:
        tblPr.remove(style)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        if edge in ("bottom", "insideH"):
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), RULE)
        else:
            el.set(qn("w:val"), "nil")
        borders.append(el)
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (("top", 50), ("left", round(CELL_INSET * 20)), ("bottom", 50),
                        ("right", round(CELL_INSET * 20))):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    # CT_TblPr order: ... tblW, jc, ..., tblBorders, shd, tblLayout, tblCellMar, tblLook
    look = tblPr.find(qn("w:tblLook"))
    for el in (borders, margins):
        if look is not None:
            look.addprevious(el)
        else:
            tblPr.append(el)


def _luminance(hex_colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    value = hex_colour.lstrip("#")
    r, g, b = (channel(int(value[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _readable_on(background: str, dark: str) -> str:
    """Return white or ``dark`` (the brand's text colour), whichever reads better on
    ``background`` (WCAG contrast)."""
    bg = _luminance(background)
    on_white = (1.05) / (bg + 0.05)
    on_dark = (max(bg, _luminance(dark)) + 0.05) / (min(bg, _luminance(dark)) + 0.05)
    return "#FFFFFF" if on_white >= on_dark else dark


def _box(paragraph, colours, top: bool, bottom: bool) -> None:
    """Set ``paragraph`` in the quote box: a thick accent rule on the left, the light
    panel colour behind it (paragraphs boxed alike join into one box)."""
    pPr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for key, value in (("val", "single"), ("sz", "24"), ("space", "8"),
                       ("color", colours.accent.lstrip("#").upper())):
        left.set(qn(f"w:{key}"), value)
    borders.append(left)
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colours.light.lstrip("#").upper())
    # CT_PPr order: pStyle, keepNext, keepLines, ..., pBdr, shd, tabs, ..., spacing, ind, jc
    following = [pPr.find(qn(f"w:{tag}")) for tag in (
        "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
        "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
        "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
        "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
        "sectPr", "pPrChange")]
    following = [el for el in following if el is not None]
    for el in (borders, shd):
        if following:
            following[0].addprevious(el)
        else:
            pPr.append(el)
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.right_indent = Mm(3), Mm(3)
    fmt.space_before = Pt(6) if top else Pt(0)
    fmt.space_after = Pt(8) if bottom else Pt(0)
    fmt.keep_together = True
    if not bottom:
        fmt.keep_with_next = True


def _describe(shape, text: str) -> None:
    """Give an inline picture its alternative text (wp:docPr descr), what a screen reader
    reads and Word shows as "Alt Text"."""
    shape._inline.docPr.set("descr", text)


def _rule_below(paragraph, hex_colour: str) -> None:
    """Draw the cover block's closing rule under ``paragraph`` (a bottom border)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "16"), ("space", "6"),
                       ("color", hex_colour.lstrip("#").upper())):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    pPr = paragraph._p.get_or_add_pPr()
    anchor = next((el for el in (pPr.find(qn(f"w:{t}")) for t in (
        "shd", "tabs", "spacing", "ind", "jc", "rPr")) if el is not None), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        pPr.append(borders)


def _shade(cell, hex_colour: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_colour.lstrip("#").upper())
    cell._tc.get_or_add_tcPr().append(shd)


def _rule(paragraph) -> None:
    """Give ``paragraph`` a bottom border and some height: a line to write on."""
    ppr = paragraph._p.get_or_add_pPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "360")
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)
    ppr.append(spacing)


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)


def _no_split(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trPr.append(el)


def _field(paragraph, instruction: str, colour: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    def run_with(element):
        r = paragraph.add_run()
        r.font.size = Pt(8)
        r.font.color.rgb = _rgb(colour)
        r._r.append(element)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    r = paragraph.add_run("1")
    r.font.size = Pt(8)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def render(view: PlanView, ctx) -> bytes:
    """The registry's entry point for ``docx``: the plan as DOCX."""
    return plan_docx(view, ctx.brand, ctx.logo)
