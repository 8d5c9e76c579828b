"""Small metric charts: actuals against the target line, drawn from the view's numbers.

One geometry, two drawings: ``svg`` (vector, inlined in the PDF's HTML) and ``png`` (for the
DOCX, which has no native chart part python-docx can write). Both come from ``layout``, so
the two formats show the same chart.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from csplan.views.customer import Chart
from csplan.words import _

WIDTH, HEIGHT = 320, 140
LEFT, RIGHT, TOP, BOTTOM = 8, 12, 18, 22


@dataclass(frozen=True)
class Geometry:
    points: tuple[tuple[float, float], ...]
    baseline: tuple[float, float] | None  # the baseline drawn at the contract start
    target_y: float
    target_label: str
    latest_label: str
    start_label: str
    end_label: str
    # where the two labels go: (x, baseline y, "start" | "end" alignment)
    target_at: tuple[float, float, str] = (0.0, 0.0, "end")
    latest_at: tuple[float, float, str] = (0.0, 0.0, "start")

    @property
    def line(self) -> list[tuple[float, float]]:
        """Return the actuals line, starting from the baseline when there is one."""
        return ([self.baseline] if self.baseline else []) + list(self.points)


def layout(chart: Chart) -> Geometry:
    """Return the chart's shapes in a WIDTH x HEIGHT box (y grows downwards)."""
    values = [v for _, v in chart.points] + [chart.target]
    if chart.baseline is not None:
        values.append(chart.baseline)
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1
    low, high = low - pad, high + pad
    span_days = max((chart.end - chart.start).days, 1)

    def x(day) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - chart.start).days / span_days

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - value) / (high - low)

    baseline = (x(chart.start), y(chart.baseline)) if chart.baseline is not None else None
    points = tuple((round(x(d), 1), round(y(v), 1)) for d, v in chart.points)
    target_y = round(y(chart.target), 1)
    last_x, last_y = points[-1]
    # the latest value's label sits above its point (below it near the top, or when the
    # target's line runs just above it), on the inner side; the target's label goes to the
    # end of the line away from it
    latest_align = "end" if last_x > WIDTH * 0.7 else "start"
    under_target = 0 <= last_y - target_y < 16 and last_y + 12 < HEIGHT - BOTTOM + 4
    latest_at = (last_x - 4 if latest_align == "end" else last_x + 4,
                 last_y + 12 if under_target or last_y <= TOP + 10 else last_y - 6,
                 latest_align)
    target_text_y = target_y - 4 if target_y > TOP + 4 else target_y + 11
    target_at = (LEFT + 2, target_text_y, "start") if last_x > WIDTH * 0.55 else \
        (WIDTH - RIGHT, target_text_y, "end")
    return Geometry(
        points=points,
        baseline=(round(baseline[0], 1), round(baseline[1], 1)) if baseline else None,
        target_y=target_y, target_label=chart.target_label, latest_label=chart.latest_label,
        start_label=chart.start_label, end_label=chart.end_label, target_at=target_at,
        latest_at=latest_at)


def svg(chart: Chart, colours, families: list[str]) -> str:
    """Return the chart as an inline SVG element (text escaped, no external references)."""
    g = layout(chart)
    path = " ".join(f"{px},{py}" for px, py in g.line)
    label_x, label_y, anchor = g.latest_at
    target_x, target_y_text, target_anchor = g.target_at
    dots = "".join(f'<circle cx="{px}" cy="{py}" r="2.6" fill="{colours.primary}"/>'
                   for px, py in g.points)
    base = (f'<circle cx="{g.baseline[0]}" cy="{g.baseline[1]}" r="2.6" fill="white" '
            f'stroke="{colours.muted}" stroke-width="1.2"/>') if g.baseline else ""
    e = escape
    # the title is the figure's alternative text in the tagged PDF (/Alt)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{e(chart.alt)}" '
        f'font-family="{e(", ".join(families))}" font-size="9"><title>{e(chart.alt)}</title>'
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        f'stroke="{colours.light}" stroke-width="1"/>'
        f'<line x1="{LEFT}" y1="{g.target_y}" x2="{WIDTH - RIGHT}" y2="{g.target_y}" '
        f'stroke="{colours.accent}" stroke-width="1.4" stroke-dasharray="5 3"/>'
        f'<text x="{target_x}" y="{target_y_text}" text-anchor="{target_anchor}" '
        f'fill="{colours.accent}">{e(g.target_label)}</text>'
        f'<polyline points="{path}" fill="none" stroke="{colours.primary}" stroke-width="2"/>'
        f'{base}{dots}'
        f'<text x="{label_x}" y="{label_y}" text-anchor="{anchor}" font-weight="bold" '
        f'fill="{colours.primary}">{e(g.latest_label)}</text>'
        f'<text x="{LEFT}" y="{HEIGHT - 6}" fill="{colours.muted}">{e(g.start_label)}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end" '
        f'fill="{colours.muted}">{e(g.end_label)}</text>'
        f'</svg>')


@lru_cache(maxsize=8)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def png(chart: Chart, colours, regular: Path, bold: Path, scale: int = 2) -> bytes:
    """Return the same chart as a PNG, ``scale`` times the SVG's size, for the DOCX.

    Twice the size is about 200 dpi at the half-page width the DOCX gives a chart; fast
    zlib settings, as a plan has a chart per metric and these bytes are a small part of it.
    """
    g = layout(chart)
    s = scale
    img = Image.new("RGB", (WIDTH * s, HEIGHT * s), "white")
    d = ImageDraw.Draw(img)
    font, bold_font = _font(str(regular), 9 * s), _font(str(bold), 9 * s)

    def at(px: float, py: float) -> tuple[float, float]:
        return px * s, py * s

    d.line([at(LEFT, HEIGHT - BOTTOM), at(WIDTH - RIGHT, HEIGHT - BOTTOM)],
           fill=colours.light, width=s)
    x = LEFT
    while x < WIDTH - RIGHT:  # dashed target line
        d.line([at(x, g.target_y), at(min(x + 5, WIDTH - RIGHT), g.target_y)],
               fill=colours.accent, width=int(1.4 * s))
        x += 8
    pillow_anchor = {"start": "ls", "end": "rs"}
    target_x, target_y_text, target_align = g.target_at
    d.text(at(target_x, target_y_text), g.target_label, font=font, fill=colours.accent,
           anchor=pillow_anchor[target_align])
    if len(g.line) > 1:
        d.line([at(*p) for p in g.line], fill=colours.primary, width=2 * s, joint="curve")
    r = 2.6 * s
    if g.baseline:
        bx, by = at(*g.baseline)
        d.ellipse([bx - r, by - r, bx + r, by + r], fill="white", outline=colours.muted,
                  width=max(1, int(1.2 * s)))
    for p in g.points:
        px, py = at(*p)
        d.ellipse([px - r, py - r, px + r, py + r], fill=colours.primary)
    label_x, label_y, label_align = g.latest_at
    d.text(at(label_x, label_y), g.latest_label, font=bold_font, fill=colours.primary,
           anchor=pillow_anchor[label_align])
    d.text(at(LEFT, HEIGHT - 6), g.start_label, font=font, fill=colours.muted, anchor="ls")
    d.text(at(WIDTH - RIGHT, HEIGHT - 6), g.end_label, font=font, fill=colours.muted,
           anchor="rs")
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def health_svg(trend, green_at: float, yellow_at: float, colours, families: list[str],
               labels: tuple[str, str]) -> str:
    """Return the weekly health score as an inline SVG line over green/yellow/red bands."""
    width, height, left, right, top, bottom = 480, 150, 26, 8, 8, 18
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(score: float) -> float:
        return round(top + plot_h * (100 - score) / 100, 1)

    n = len(trend)
    xs = [round(left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2), 1) for i in range(n)]
    bands = (
        f'<rect x="{left}" y="{y(100)}" width="{plot_w}" height="{y(green_at) - y(100)}" '
        f'fill="{colours.good}" fill-opacity="0.08"/>'
        f'<rect x="{left}" y="{y(green_at)}" width="{plot_w}" '
        f'height="{y(yellow_at) - y(green_at)}" fill="{colours.warning}" fill-opacity="0.08"/>'
        f'<rect x="{left}" y="{y(yellow_at)}" width="{plot_w}" height="{y(0) - y(yellow_at)}" '
        f'fill="{colours.bad}" fill-opacity="0.08"/>')
    ticks = "".join(f'<text x="{left - 4}" y="{y(v) + 3}" text-anchor="end">{v:g}</text>'
                    for v in (0, yellow_at, green_at, 100))
    line = " ".join(f"{x},{y(s)}" for x, (_week, s) in zip(xs, trend))
    dots = "".join(f'<circle cx="{x}" cy="{y(s)}" r="2.4" fill="{colours.primary}"/>'
                   for x, (_week, s) in zip(xs, trend))
    e = escape
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{e(_("Weekly health score"))}" '
            f'font-family="{e(", ".join(families))}" font-size="8" fill="{colours.muted}">'
            f'<title>{e(_("Weekly health score"))}</title>'
            f'{bands}{ticks}'
            + (f'<polyline points="{line}" fill="none" stroke="{colours.primary}" '
               f'stroke-width="1.8"/>{dots}' if n else "")
            + f'<text x="{left}" y="{height - 4}">{e(labels[0])}</text>'
            f'<text x="{width - right}" y="{height - 4}" text-anchor="end">{e(labels[1])}</text>'
            "</svg>")
