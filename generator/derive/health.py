"""Health: the weekly score and band, green days, alerts, and the playbook the health calls for.

The score is sum(weight x sub-score) / 100 of each weekly row; the band comes from the
program's cut-offs (account-format.md, "Derived values").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Optional

from csplan.inputs.model import Account
from csplan.inputs.program import Program
from csplan.words import _, ngettext

Band = Literal["green", "yellow", "red"]


@dataclass(frozen=True)
class WeekHealth:
    """One week's health: weighted score 0-100, its band, and the drop from the week before."""

    week: date
    score: float
    band: Band
    scores: dict[str, float]
    drop: Optional[float] = None  # points lost since the previous week (negative: a gain)
    alert: bool = False


def band_of(score: float, program: Program) -> Band:
    """Return the band of ``score`` under the program's cut-offs (score >= cut-off)."""
    bands = program.health.bands
    if score >= bands.green:
        return "green"
    if score >= bands.yellow:
        return "yellow"
    return "red"


def health_weights(account: Account, program: Program) -> dict[str, float]:
    """Return the account's own weights, or the program's default ones."""
    if account.health is not None and account.health.weights:
        return dict(account.health.weights)
    return program.weights


def health_series(account: Account, program: Program, today: date) -> list[WeekHealth]:
    """Return the weekly health scores up to ``today``, oldest first, with drops and alerts.

    The score is sum(weight x sub-score) / 100. A week raises an alert when it is more than
    ``health.alert_drop`` points below the week before.
    """
    if account.health is None:
        return []
    weights = health_weights(account, program)
    out: list[WeekHealth] = []
    previous: Optional[float] = None
    for row in sorted(account.health.weekly, key=lambda r: r.week):
        if row.week > today:
            continue
        score = round(sum(w * row.scores.get(d, 0.0) for d, w in weights.items()) / 100, 2)
        drop = None if previous is None else round(previous - score, 2)
        out.append(WeekHealth(row.week, score, band_of(score, program), dict(row.scores), drop,
                              drop is not None and drop > program.health.alert_drop))
        previous = score
    return out


def streak_start(series: list[WeekHealth], band: str) -> date:
    """Return the first week of the newest unbroken run of ``band`` weeks."""
    start = series[-1].week
    for week in reversed(series):
        if week.band != band:
            break
        start = week.week
    return start


def green_days(series: list[WeekHealth], today: date) -> int:
    """Return how many consecutive days, up to today, health has been green.

    The run starts at the oldest week of the newest unbroken run of green weeks. A week's row
    covers seven days, so the run ends at the newest row + 7 days, or today if that is earlier:
    health is not assumed green past the data.
    """
    if not series or series[-1].band != "green":
        return 0
    start = streak_start(series, "green")
    end = min(today, series[-1].week + timedelta(days=7))
    return max(0, (end - start).days)


@dataclass(frozen=True)
class HealthAlert:
    week: date
    text: str


def health_alerts(series: list[WeekHealth], program: Program) -> list[HealthAlert]:
    """Return the alerts in the weekly health: drops over the program's alert_drop, any
    dimension at 0, and weeks in yellow."""
    out = []
    for w in series:
        if w.alert:
            out.append(HealthAlert(w.week, _("dropped {drop} points (more than {limit})").format(
                drop=f"{w.drop:g}", limit=f"{program.health.alert_drop:g}")))
        for dimension, score in sorted(w.scores.items()):
            if score == 0:
                out.append(HealthAlert(w.week, _("{dimension} scored 0").format(
                    dimension=dimension)))
        # never shown as it is: the brief says runs of yellow weeks in a sentence of its own
        if w.band == "yellow":
            out.append(HealthAlert(w.week, f"yellow ({w.score:g})"))
    return out


@dataclass(frozen=True)
class PlaybookCall:
    """The playbook the health calls for, why, and the day it was triggered."""

    name: Literal["risk", "re-engagement", "growth"]
    reason: str
    triggered: date


def playbook_call(account: Account, series: list[WeekHealth]) -> Optional[PlaybookCall]:
    """Return the playbook the account's health ``series`` calls for, or None.

    Risk: red, or usage down two weeks in a row. Re-engagement: yellow after green, yellow
    for three weeks, or yellow and falling. Growth: green with time to value reached. Risk
    wins over re-engagement, which wins over growth. The trigger day is when the condition
    began: the first week of the current band, the second week of falling usage, or the day
    time to value was reached if that came later.
    """
    if not series:
        return None
    last = series[-1]
    usage = [w.scores.get("usage") for w in series[-3:]]
    falling = len(usage) == 3 and None not in usage and usage[0] > usage[1] > usage[2]
    if last.band == "red":
        return PlaybookCall("risk", _("health is red ({score})").format(score=f"{last.score:g}"),
                            streak_start(series, "red"))
    if falling:
        return PlaybookCall("risk", _("usage declined two weeks in a row"), series[-2].week)
    if last.band == "yellow":
        start = streak_start(series, "yellow")
        weeks = sum(1 for w in series if w.week >= start)
        came_from_green = any(w.band == "green" for w in series if w.week < start)
        if came_from_green and weeks == 1:
            return PlaybookCall("re-engagement", _("health went from green to yellow"), start)
        if weeks >= 3:
            return PlaybookCall("re-engagement", ngettext(
                "yellow for {weeks} week", "yellow for {weeks} weeks", weeks).format(
                weeks=weeks), start)
        if len(series) >= 2 and last.score < series[-2].score:
            return PlaybookCall("re-engagement", _("yellow and trending down"), start)
        if came_from_green:
            return PlaybookCall("re-engagement", _("health went from green to yellow"), start)
        return None
    ttv = [m.done_on for m in account.milestones
           if m.time_to_value and m.status == "done" and m.done_on]
    if ttv:
        return PlaybookCall("growth", _("green with time to value reached"),
                            max(streak_start(series, "green"), min(ttv)))
    return None
