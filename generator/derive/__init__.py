"""Derived values: plain functions of the account, the team's program and ``today``.

Nothing here is typed into an account file; everything is computed the same way for the
checks, the documents and the internal views (see account-format.md, "Derived values").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal, Optional

from csplan.inputs.model import Account, ActionItem, AgendaItem, Metric, Milestone, Qbr
from csplan.inputs.program import Program
from csplan.views.words import N_, _, ngettext

Band = Literal["green", "yellow", "red"]
MilestoneState = Literal["not-started", "in-progress", "done", "at-risk", "blocked", "stalled"]

DEFAULT_AGENDA: tuple[tuple[str, int], ...] = (
    (N_("Welcome and objectives"), 5),
    (N_("Results: goals vs actuals"), 15),
    (N_("Value realized"), 10),
    (N_("Challenges and open risks"), 10),
    (N_("Goals for next quarter"), 10),
    (N_("Roadmap and asks"), 10),
)


# ---------------------------------------------------------------------------- health

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


def green_days(series: list[WeekHealth], today: date) -> int:
    """Return how many consecutive days, up to today, health has been green.

    The run starts at the oldest week of the newest unbroken run of green weeks. A week's row
    covers seven days, so the run ends at the newest row + 7 days, or today if that is earlier:
    health is not assumed green past the data.
    """
    if not series or series[-1].band != "green":
        return 0
    start = series[-1].week
    for week in reversed(series):
        if week.band != "green":
            break
        start = week.week
    end = min(today, series[-1].week + timedelta(days=7))
    return max(0, (end - start).days)


# ---------------------------------------------------------------------------- milestones

def milestone_state(milestone: Milestone, today: date) -> MilestoneState:
    """Return the milestone's state on ``today``: as typed, except late open milestones.

    An open milestone past its due date is at risk 1-6 days late and stalled 7+ days late.
    """
    late = days_late(milestone, today)
    if late >= 7:
        return "stalled"
    if late >= 1:
        return "at-risk"
    return milestone.status


def days_late(milestone: Milestone, today: date) -> int:
    """Return how many days an open milestone is past due (0 if done, on time or undated)."""
    if milestone.status == "done" or milestone.due is None:
        return 0
    return max(0, (today - milestone.due).days)


# ---------------------------------------------------------------------------- metrics

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


# ---------------------------------------------------------------------------- expansion

@dataclass(frozen=True)
class Condition:
    name: str
    met: bool
    detail: str


@dataclass(frozen=True)
class ExpansionVerdict:
    """Whether the account has earned an expansion conversation, and each condition's state."""

    qualifies: bool
    conditions: tuple[Condition, ...]

    @property
    def unmet(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]


def expansion_verdict(account: Account, program: Program, today: date) -> ExpansionVerdict:
    """Return the expansion verdict under the program's gate (conditions a gate switches off
    are not listed)."""
    gate = program.expansion_gate
    series = health_series(account, program, today)
    days = green_days(series, today)
    conditions = [Condition(
        "health green", days >= gate.green_days,
        ngettext("health green for {days} consecutive day (needs {needed})",
                 "health green for {days} consecutive days (needs {needed})", days).format(
            days=days, needed=gate.green_days))]
    if gate.business_metric_at_target:
        at_target = [m.name for m in account.metrics if m.kind == "business"
                     and metric_progress(m, account.contract.start, today).reached]
        conditions.append(Condition(
            "business metric at target", bool(at_target),
            _("business metric at target: {metrics}").format(metrics=", ".join(at_target))
            if at_target else _("no business metric has reached its target")))
    if gate.champion_in_place:
        champions = account.stakeholders_with("champion")
        conditions.append(Condition(
            "champion in place", bool(champions),
            _("champion in place: {name}").format(name=champions[0].name) if champions
            else _("no champion named")))
    to_renewal = (account.contract.renewal - today).days
    conditions.append(Condition(
        "renewal far enough", to_renewal > gate.min_days_to_renewal,
        ngettext("renewal in {days} day (needs more than {needed})",
                 "renewal in {days} days (needs more than {needed})", to_renewal).format(
            days=to_renewal, needed=gate.min_days_to_renewal)))
    return ExpansionVerdict(all(c.met for c in conditions), tuple(conditions))


# ---------------------------------------------------------------------------- QBRs

def newest_qbr(account: Account) -> Optional[Qbr]:
    """Return the QBR a deck is built for: the newest by quarter."""
    qbrs = account.qbrs_by_date()
    return qbrs[-1] if qbrs else None


def previous_qbr(account: Account) -> Optional[Qbr]:
    """Return "last quarter": the QBR before the newest one."""
    qbrs = account.qbrs_by_date()
    return qbrs[-2] if len(qbrs) >= 2 else None


def agenda(qbr: Qbr) -> list[AgendaItem]:
    """Return the QBR's own agenda, or the default 60-minute one."""
    if qbr.agenda:
        return list(qbr.agenda)
    return [AgendaItem(section=s, minutes=m) for s, m in DEFAULT_AGENDA]


QBR_HORIZON_DAYS = 120


def qbr_milestones(account: Account) -> list[Milestone]:
    """Return the milestones a QBR reviews, by due date: those done since the previous QBR
    (or in the 90 days before this one when there is none) and the open ones due before the
    next QBR (within ``QBR_HORIZON_DAYS`` of this one), late or undated. Later ones are
    counted, not listed: the success plan has them all."""
    current, prev = newest_qbr(account), previous_qbr(account)
    if current is None:
        return []
    since = prev.date if prev else current.date - timedelta(days=90)
    horizon = current.date + timedelta(days=QBR_HORIZON_DAYS)
    chosen = [m for m in account.milestones
              if (m.status == "done" and m.done_on is not None and m.done_on > since)
              or (m.status != "done" and (m.due is None or m.due <= horizon))]
    return sorted(chosen, key=lambda m: (m.due or date.max, m.title))


@dataclass(frozen=True)
class GoalOutcome:
    """A goal from the previous QBR and what answers it: a win or a milestone done since
    (``evidence`` text), or a metric's newest reading (``metric`` and ``reading``)."""

    goal: str
    evidence: Optional[str] = None
    source: Optional[Literal["win", "milestone", "metric"]] = None
    metric: Optional[Metric] = None
    reading: Optional[tuple[date, float]] = None


@dataclass(frozen=True)
class ActionOutcome:
    item: ActionItem
    state: Literal["done", "open", "overdue"]


@dataclass(frozen=True)
class Lookback:
    """Last quarter vs this quarter: the previous QBR's goals and actions beside what happened."""

    previous: Qbr
    goals: tuple[GoalOutcome, ...] = field(default_factory=tuple)
    actions: tuple[ActionOutcome, ...] = field(default_factory=tuple)


def last_quarter(account: Account, today: date) -> Optional[Lookback]:
    """Return the previous QBR's goals and action items with what happened since, or None.

    A goal's evidence is the newest QBR's win, a milestone done since the previous QBR, or
    a metric's latest reading that shares most of the goal's words; None when nothing does.
    """
    prev = previous_qbr(account)
    if prev is None:
        return None
    current = newest_qbr(account)
    candidates: list[tuple[str, GoalOutcome]] = [
        (win, GoalOutcome("", win, "win")) for win in (current.wins if current else [])]
    candidates += [(m.title, GoalOutcome("", m.title, "milestone")) for m in account.milestones
                   if m.status == "done" and m.done_on and m.done_on > prev.date]
    for metric in account.metrics:
        p = metric_progress(metric, account.contract.start, today)
        if p.latest is not None and p.latest_on and p.latest_on > prev.date:
            candidates.append((metric.name, GoalOutcome("", None, "metric", metric,
                                                         (p.latest_on, p.latest))))
    goals = []
    for goal in prev.next_quarter_goals:
        match = _best_match(goal, candidates)
        goals.append(GoalOutcome(goal, match.evidence, match.source, match.metric,
                                 match.reading) if match else GoalOutcome(goal))
    actions = tuple(
        ActionOutcome(a, "done" if a.done else
                      "overdue" if a.due is not None and a.due < today else "open")
        for a in prev.action_items)
    return Lookback(prev, tuple(goals), actions)


_STOP = {"a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "by", "at", "with",
         "from", "all", "our", "their", "its", "be", "is", "are", "was", "up", "down"}


def _words(text: str) -> set[str]:
    words = set()
    for w in re.findall(r"[a-z0-9%]+", text.lower()):
        if w in _STOP:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(w) > len(suffix) + 3 and w.endswith(suffix):
                w = w[: -len(suffix)]
                break
        words.add(w)
    return words


def _best_match(goal: str, candidates: list[tuple[str, GoalOutcome]]) -> Optional[GoalOutcome]:
    """Return the candidate sharing more than half of the goal's words, the most first."""
    wanted = _words(goal)
    if not wanted:
        return None
    best, best_score = None, 0.5
    for text, outcome in candidates:
        score = len(wanted & _words(text)) / len(wanted)
        if score > best_score:
            best, best_score = outcome, score
    return best


# ---------------------------------------------------------------------------- playbooks

@dataclass(frozen=True)
class PlaybookCall:
    """The playbook the health calls for, why, and the day it was triggered."""

    name: Literal["risk", "re-engagement", "growth"]
    reason: str
    triggered: date


def _streak_start(series: list[WeekHealth], band: str) -> date:
    start = series[-1].week
    for week in reversed(series):
        if week.band != band:
            break
        start = week.week
    return start


def playbook_call(account: Account, program: Program, today: date) -> Optional[PlaybookCall]:
    """Return the playbook the account's health calls for, or None.

    Risk: red, or usage down two weeks in a row. Re-engagement: yellow after green, yellow
    for three weeks, or yellow and falling. Growth: green with time to value reached. Risk
    wins over re-engagement, which wins over growth. The trigger day is when the condition
    began: the first week of the current band, the second week of falling usage, or the day
    time to value was reached if that came later.
    """
    series = health_series(account, program, today)
    if not series:
        return None
    last = series[-1]
    usage = [w.scores.get("usage") for w in series[-3:]]
    falling = len(usage) == 3 and None not in usage and usage[0] > usage[1] > usage[2]
    if last.band == "red":
        return PlaybookCall("risk", _("health is red ({score})").format(score=f"{last.score:g}"),
                            _streak_start(series, "red"))
    if falling:
        return PlaybookCall("risk", _("usage declined two weeks in a row"), series[-2].week)
    if last.band == "yellow":
        start = _streak_start(series, "yellow")
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
                            max(_streak_start(series, "green"), min(ttv)))
    return None


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
