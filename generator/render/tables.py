"""The plan's tables as the DOCX and the PDF lay them out: headers, and widths from the words.

Both formats give each column the room its longest word needs (measured in the brand's font
with ``fit``), so no header word breaks ("Likelihoo d", "Probabilida d") in any language,
then share the rest as the view's relative widths say. Each format passes its own type
sizes and cell insets; the widths come back as fractions of the table's width.
"""

from __future__ import annotations

from dataclasses import dataclass

from csplan.inputs.brand import Brand
from csplan.render.fit import Measure, column_widths, measure_for
from csplan.views.customer import PlanView
from csplan.words import _, pgettext

MM = 72 / 25.4  # points per millimetre
HEADROOM = 1.06  # other renderers' fonts and kerning may run a few percent wider
SHORT_ROWS = 6  # a table of at most this many rows is kept on one page, never split


@dataclass(frozen=True)
class Style:
    """How a format sets table text: sizes in points, and the cells' left + right insets."""

    size: float
    sub: float  # the small second line of a cell
    pad: float


def metric_header() -> tuple[str, ...]:
    return (_("Metric"), _("Baseline"), _("Latest"), _("Target"),
            pgettext("column: the date a target is due", "By"), _("Progress"), _("State"))


METRIC_WEIGHTS = (31, 10, 13, 10, 13, 10, 13)


def milestone_header() -> tuple[str, ...]:
    return (_("Milestone"), _("Owner"), _("Due"), _("State"))


MILESTONE_WEIGHTS = (50, 18, 20, 12)


def metric_rows(view: PlanView) -> list[tuple]:
    """Return the metrics table's rows; a cell is a text or (main, sub, bold)."""
    return [((r.name, _("{kind} · Source: {source} · Owner: {owner}").format(
        kind=r.kind, source=r.source or _("not set"), owner=r.owner), True), r.baseline,
        (r.latest or "–", r.latest_on, False), r.target, r.due, r.progress or "–",
        (r.state, "", True)) for r in view.metrics]


def milestone_rows(milestones) -> list[tuple]:
    """Return a phase's milestone table rows; a cell is a text or (main, sub, bold)."""
    return [((m.title, _("Time-to-value milestone") if m.time_to_value else "", False),
             m.owner, (m.due, _("Done {day}").format(day=m.done_on) if m.done_on else "",
                       False), (m.state, "", True)) for m in milestones]


def measure(brand: Brand) -> Measure:
    """Return the measure of the brand's fonts (the fonts the documents are set in)."""
    files = brand.font_files
    return measure_for(files["regular"], files["bold"],
                       tuple(path for _f, path in brand.fallback_fonts))


def _columns(header, rows, s: Style) -> list[list[tuple[str, float, bool]]]:
    """Return each column's texts as (text, size, bold), the header first; a cell is a text
    or a (main, sub, bold) tuple."""
    columns = [[(h, s.size, True)] for h in header]
    for row in rows:
        for column, cell in zip(columns, row):
            if isinstance(cell, tuple):
                main, sub, bold = cell
                column += [(main, s.size, bold), (sub, s.sub, False)]
            else:
                column.append((cell, s.size, False))
    return columns


def plan_widths(view: PlanView, brand: Brand, total: float, s: Style) -> dict[str, list[float]]:
    """Return the column widths of each plan table as fractions of ``total`` points: keys
    metrics, milestones (one set for every phase), stakeholders, risks, communication,
    escalation."""
    m = measure(brand)
    pad = s.pad + s.size  # insets plus about one space of headroom

    def fractions(header, rows, weights) -> list[float]:
        columns = _columns(header, rows, Style(s.size * HEADROOM, s.sub * HEADROOM, s.pad))
        return [w / total for w in column_widths(m, columns, weights, total, pad)]

    widths = {"metrics": fractions(metric_header(), metric_rows(view), METRIC_WEIGHTS),
              "milestones": fractions(milestone_header(), milestone_rows(
                  [m for phase in view.phases for m in phase.milestones]),
                  MILESTONE_WEIGHTS)}
    for key in ("stakeholders", "risks", "communication", "escalation"):
        table = getattr(view, key)
        widths[key] = fractions(table.header, [r.cells for r in table.rows], table.widths)
    return widths
