"""Metrics: how far each metric has come from its baseline, and where its trend is heading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from csplan.inputs.model import Metric


@dataclass(frozen=True)
class MetricProgress:
    """How far a metric has come, and whether its trend gets there by its due date."""

    latest: Optional[float]
    latest_on: Optional[date]
    progress: Optional[float]  # share of baseline -> target covered; 1.0 = at target
    reached: bool
    projected: Optional[float]  # straight-line value on the due date
    on_track: Optional[bool]  # None when there is not enough data to say


def reached(metric: Metric, value: float) -> bool:
    """Return whether ``value`` is at or past the metric's target, in its direction."""
    if metric.target is None:
        return False
    return value >= metric.target if metric.direction == "up" else value <= metric.target


def metric_progress(metric: Metric, start: date, today: date) -> MetricProgress:
    """Return the metric's progress and on-track projection as of ``today``.

    Progress is (latest - baseline) / (target - baseline), which is direction-aware by
    construction. The projection is a least-squares line through the actuals up to today
    (with the baseline placed at contract ``start`` when there is only one actual), read at
    ``due``. A metric at target is on track; one past due and short of target is not.
    """
    actuals = sorted((a for a in metric.actuals if a.date <= today), key=lambda a: a.date)
    if not actuals:
        return MetricProgress(None, None, None, False, None, None)
    latest = actuals[-1]
    progress = None
    if metric.baseline is not None and metric.target is not None \
            and metric.target != metric.baseline:
        progress = (latest.value - metric.baseline) / (metric.target - metric.baseline)
    is_reached = reached(metric, latest.value)
    points = [(a.date.toordinal(), a.value) for a in actuals]
    if len(points) < 2 and metric.baseline is not None and start < latest.date:
        points.insert(0, (start.toordinal(), metric.baseline))
    projected = None
    on_track: Optional[bool] = None
    if metric.due is not None and metric.target is not None:
        if len(points) >= 2:
            projected = _line_at(points, metric.due.toordinal())
        if is_reached:
            on_track = True
        elif metric.due < today:
            on_track = False
        elif projected is not None:
            on_track = reached(metric, projected)
    return MetricProgress(latest.value, latest.date, progress, is_reached, projected, on_track)


def _line_at(points: list[tuple[int, float]], x: int) -> float:
    n = len(points)
    mean_x = sum(p[0] for p in points) / n
    mean_y = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mean_x) ** 2 for p in points)
    if sxx == 0:
        return mean_y
    slope = sum((p[0] - mean_x) * (p[1] - mean_y) for p in points) / sxx
    return mean_y + slope * (x - mean_x)
