"""Early warning: the account's alert level (Watch, Warning, Critical), since when, the
response due and whether it is overdue; and the root cause behind it.

The levels, their triggers and response times are the program's ``early_warning`` settings
(defaults from common CS practice):

    Watch     health drops from green to yellow                -> CSM check-in within 7 days
    Warning   yellow for 21 days or more, or a dimension at 0  -> CSM escalates, mitigation
                                                                  plan, within 7 days
    Critical  health red, or a champion-departed or formal-    -> executive engagement within
              complaint event in the last 90 days                 2 days, and a save plan

The highest level whose trigger holds on ``today`` wins. Its ``since`` is the day its earliest
trigger that still holds began: the first week of the current red (or yellow) run, the day a
yellow run reached 21 days, the first week of a dimension's current run at 0, the event's
date. The response is due ``response_days`` after ``since`` and is overdue once ``today`` is
past that day (the level still holds, so the response has not made it go away).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, Optional

from csplan.derive.health import WeekHealth, streak_start
from csplan.inputs.model import Account, Event
from csplan.inputs.program import Program
from csplan.words import N_, _, ngettext

Level = Literal["watch", "warning", "critical"]
LEVELS: tuple[Level, ...] = ("watch", "warning", "critical")


@dataclass(frozen=True)
class Trigger:
    since: date
    text: str


@dataclass(frozen=True)
class AlertLevel:
    """The account's alert level on ``today``, with what triggered it."""

    level: Level
    since: date
    due: date
    overdue: bool
    response: str  # the program's response for the level
    triggers: tuple[Trigger, ...]  # every trigger of this level that holds, oldest first


def _days_in_band(series: list[WeekHealth], band: str, today: date) -> tuple[date, int]:
    """Return the first week of the newest run of ``band`` and how many days it has lasted
    (a week's row covers seven days; not counted past today)."""
    start = streak_start(series, band)
    end = min(today, series[-1].week + timedelta(days=7))
    return start, max(0, (end - start).days)


def active_events(account: Account, program: Program, today: date) -> list[Event]:
    """Return the Critical-level events on or before ``today`` within the program's
    ``critical.event_days``, oldest first."""
    rules = program.early_warning.critical
    return sorted((e for e in account.events
                   if e.type in rules.events and e.date <= today
                   and (today - e.date).days <= rules.event_days), key=lambda e: e.date)


def _triggers(account: Account, program: Program, series: list[WeekHealth],
              today: date) -> dict[Level, list[Trigger]]:
    ew = program.early_warning
    found: dict[Level, list[Trigger]] = {level: [] for level in LEVELS}
    last = series[-1] if series else None
    if last is not None and last.band == "red" and ew.critical.red:
        found["critical"].append(Trigger(streak_start(series, "red"), _(
            "health is red ({score})").format(score=f"{last.score:g}")))
    for event in active_events(account, program, today):
        found["critical"].append(Trigger(event.date, event_text(event)))
    if last is not None and last.band == "yellow":
        start, days = _days_in_band(series, "yellow", today)
        if days >= ew.warning.yellow_days:
            found["warning"].append(Trigger(start + timedelta(days=ew.warning.yellow_days),
                                            ngettext("yellow for {days} day",
                                                     "yellow for {days} days", days).format(
                                                days=days)))
        came_from_green = any(w.band == "green" for w in series if w.week < start)
        if ew.watch.from_green and came_from_green:
            found["watch"].append(Trigger(start, _("health went from green to yellow")))
    if last is not None and ew.warning.dimension_at_zero:
        for dimension, score in sorted(last.scores.items()):
            if score == 0:
                start = last.week
                for week in reversed(series):
                    if week.scores.get(dimension) != 0:
                        break
                    start = week.week
                found["warning"].append(Trigger(start, _("{dimension} scored 0").format(
                    dimension=dimension)))
    return found


def alert_level(account: Account, program: Program, series: list[WeekHealth],
                today: date) -> Optional[AlertLevel]:
    """Return the account's alert level on ``today``, or None when no trigger holds."""
    found = _triggers(account, program, series, today)
    for level in reversed(LEVELS):
        if found[level]:
            triggers = tuple(sorted(found[level], key=lambda t: t.since))
            since = triggers[0].since
            rules = getattr(program.early_warning, level)
            due = since + timedelta(days=rules.response_days)
            return AlertLevel(level, since, due, today > due, rules.response, triggers)
    return None


_EVENT_LABELS = {
    "champion-departed": N_("champion departed"), "formal-complaint": N_("formal complaint"),
    "competitor-mentioned": N_("competitor mentioned"), "meeting-no-show": N_("meeting no-show"),
    "payment-failure": N_("payment failure"), "budget-review": N_("budget review"),
    "new-decision-maker": N_("new decision maker"),
    "champion-promoted": N_("champion promoted"), "new-use-case": N_("new use case"),
    "access-request": N_("users asking for access"),
}


def event_label(kind: str) -> str:
    """Return an event kind in words, in the active language."""
    return _(_EVENT_LABELS[kind])


def event_text(event: Event) -> str:
    """Return an event in words: its kind, who it concerns, a successor, and the note."""
    text = event_label(event.type)
    if event.type == "champion-departed" and event.who:
        text = (_("champion departed: {who}, replaced by {successor}").format(
            who=event.who, successor=event.replaced_by) if event.replaced_by
            else _("champion departed: {who}, no successor named").format(who=event.who))
    elif event.who:
        text = f"{text}: {event.who}"
    return f"{text} ({event.note})" if event.note else text


@dataclass(frozen=True)
class DimensionFall:
    """One dimension's move from the reference week to the newest week."""

    dimension: str
    weight: float
    before: float
    now: float

    @property
    def points(self) -> float:
        """Points of the total score this move cost (weight x change / 100; negative: a
        loss)."""
        return round(self.weight * (self.now - self.before) / 100, 2)


@dataclass(frozen=True)
class RootCause:
    """What drove the score down: each dimension's fall since ``since`` (the last green week
    before the decline, else the oldest week of the last quarter), largest cost first, and
    the events since then."""

    since: date
    score_before: float
    score_now: float
    falls: tuple[DimensionFall, ...]
    events: tuple[tuple[date, str], ...]  # each event's date and the event in words


def root_cause(account: Account, series: list[WeekHealth], weights: dict[str, float],
               today: date) -> Optional[RootCause]:
    """Return the root cause of the account's decline, or None without weekly health."""
    if not series:
        return None
    last = series[-1]
    reference = None
    for week in reversed(series[:-1]):
        if week.band == "green":
            reference = week
            break
    if reference is None:
        recent = [w for w in series if w.week >= last.week - timedelta(weeks=13)]
        reference = recent[0]
    falls = [DimensionFall(d, weights[d], reference.scores.get(d, 0.0), last.scores.get(d, 0.0))
             for d in weights]
    falls = sorted((f for f in falls if f.now < f.before), key=lambda f: (f.points, f.dimension))
    events = tuple((e.date, event_text(e)) for e in sorted(
        (e for e in account.events if reference.week <= e.date <= today), key=lambda e: e.date))
    return RootCause(reference.week, reference.score, last.score, tuple(falls), events)
