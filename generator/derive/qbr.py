"""QBRs: the newest and the previous QBR, the agenda, the milestones a QBR reviews, and last
quarter's goals and actions beside what happened since."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal, Optional

from csplan.derive.metrics import MetricProgress
from csplan.derive.outcomes import CADENCE_DAYS
from csplan.inputs.model import (Account, ActionItem, AgendaItem, Metric, Milestone, Qbr,
                                 QbrGoal)
from csplan.words import N_, _

# (section, minutes, the part of the deck it covers): the default 60-minute QBR. The slides
# find their section by the part they belong to (``SECTION_OF_SLIDE``), whatever language the
# section's title is shown in, never by its words.
DEFAULT_AGENDA: tuple[tuple[str, int, str], ...] = (
    (N_("Welcome and objectives"), 5, "welcome"),
    (N_("Last quarter: we said, we did"), 5, "lookback"),
    (N_("Results: goals vs actuals"), 10, "results"),
    (N_("Milestones"), 5, "milestones"),
    (N_("Value realized"), 5, "value"),
    (N_("Challenges and open risks"), 10, "risks"),
    (N_("Next quarter: goals and roadmap"), 10, "next-quarter"),
    (N_("Asks and action items"), 10, "asks"),
)
# the part of the deck (an agenda item's ``covers``) each kind of slide belongs to
SECTION_OF_SLIDE = {
    "title": "welcome", "agenda": "welcome", "summary": "welcome", "lookback": "lookback",
    "results": "results", "milestones": "milestones", "value": "value", "challenges": "risks",
    "goals": "next-quarter", "roadmap": "next-quarter", "expansion": "next-quarter",
    "actions": "asks", "closing": "asks"}
# the agenda titles of earlier csplan versions, still known by their words' part
_OLDER_TITLES = {"goals for next quarter": "next-quarter", "roadmap and asks": "asks"}
QBR_HORIZON_DAYS = 120  # a QBR reviews the open milestones due this many days on, at least


def newest_qbr(account: Account) -> Optional[Qbr]:
    """Return the QBR a deck is built for: the newest by quarter."""
    qbrs = account.qbrs_by_date()
    return qbrs[-1] if qbrs else None


def previous_qbr(account: Account) -> Optional[Qbr]:
    """Return "last quarter": the QBR before the newest one."""
    qbrs = account.qbrs_by_date()
    return qbrs[-2] if len(qbrs) >= 2 else None


def agenda(qbr: Qbr, account: Optional[Account] = None) -> list[AgendaItem]:
    """Return the QBR's own agenda, or the default 60-minute one, led by the account's CSM
    (without a previous QBR to look back on, its minutes go to the welcome)."""
    if qbr.agenda:
        return [item if item.covers else item.model_copy(update={"covers": covers(item.section)})
                for item in qbr.agenda]
    csm = next((p.id for p in account.vendor_team if p.role == "csm"), None) if account else None
    looks_back = account is not None and previous_qbr(account) is not None
    items = []
    for section, minutes, part in DEFAULT_AGENDA:
        if part == "lookback" and not looks_back:
            continue
        if part == "welcome" and not looks_back:
            minutes += 5
        items.append(AgendaItem(section=section, minutes=minutes, owner=csm, covers=[part]))
    return items


def covers(section: str) -> list[str]:
    """Return the part of the deck a section of an account's own agenda covers when its title
    is a default section's (in English or the active language, in any case); [] for another:
    such a section says what it covers with ``covers``."""
    folded = section.strip().casefold()
    for title, _m, part in DEFAULT_AGENDA:
        if folded in (title.casefold(), _(title).casefold()):
            return [part]
    return [_OLDER_TITLES[folded]] if folded in _OLDER_TITLES else []


def clock(start: Optional[str], items: list[AgendaItem]) -> list[Optional[tuple[str, str]]]:
    """Return each agenda item's (from, to) clock times, "HH:MM", from the QBR's ``start``;
    None for each without a start time."""
    if start is None:
        return [None] * len(items)
    hours, minutes = (int(x) for x in start.split(":"))
    at = hours * 60 + minutes
    out = []
    for item in items:
        out.append((_hhmm(at), _hhmm(at + item.minutes)))
        at += item.minutes
    return out


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def qbr_horizon(current: Qbr, next_qbr: date) -> date:
    """Return the last due date of the open milestones a QBR reviews: the next QBR's date,
    but at least ``QBR_HORIZON_DAYS`` on."""
    return max(next_qbr, current.date + timedelta(days=QBR_HORIZON_DAYS))


def qbr_milestones(account: Account, current: Optional[Qbr],
                   prev: Optional[Qbr], horizon: Optional[date]) -> list[Milestone]:
    """Return the milestones the ``current`` QBR reviews, by due date: those done since the
    previous QBR ``prev`` (or in the 90 days before this one when there is none) and the open
    ones due by ``horizon`` (``qbr_horizon``), late or undated. Later ones are counted, not
    listed: the success plan has them all."""
    if current is None or horizon is None:
        return []
    since = prev.date if prev else current.date - timedelta(days=90)
    chosen = [m for m in account.milestones
              if (m.status == "done" and m.done_on is not None and m.done_on > since)
              or (m.status != "done" and (m.due is None or m.due <= horizon))]
    return sorted(chosen, key=lambda m: (m.due or date.max, m.title))


State = Literal["met", "missed", "open", "unknown"]


@dataclass(frozen=True)
class GoalOutcome:
    """A goal from the previous QBR and what answers it: its linked metric's newest reading
    since (``metric``, ``reading``) or its linked milestone; without a link, a win, a
    milestone done since or a metric that shares most of its words (``paired`` "text");
    ``state``: met, missed, open (still running) or unknown (nothing answers it)."""

    goal: QbrGoal
    index: int  # its place in the previous QBR's next_quarter_goals
    state: State = "unknown"
    paired: Literal["link", "text", "none"] = "none"
    evidence: Optional[str] = None  # a win's text or a milestone's title
    source: Optional[Literal["win", "milestone", "metric"]] = None
    metric: Optional[Metric] = None
    reading: Optional[tuple[date, float]] = None
    milestone: Optional[Milestone] = None


@dataclass(frozen=True)
class ActionOutcome:
    """An action item from the previous QBR: done (met), past due (missed) or open, with its
    linked metric's reading (the newest since the previous QBR, if taken on or after the
    item's due date) or milestone."""

    item: ActionItem
    state: Literal["met", "missed", "open"]
    metric: Optional[Metric] = None
    reading: Optional[tuple[date, float]] = None
    milestone: Optional[Milestone] = None


@dataclass(frozen=True)
class Lookback:
    """Last quarter vs this quarter: the previous QBR's goals and actions beside what happened."""

    previous: Qbr
    goals: tuple[GoalOutcome, ...] = field(default_factory=tuple)
    actions: tuple[ActionOutcome, ...] = field(default_factory=tuple)


def last_quarter(account: Account, current: Optional[Qbr], prev: Optional[Qbr],
                 progress: dict[str, MetricProgress], today: date) -> Optional[Lookback]:
    """Return the previous QBR's goals and action items with what happened since, or None.

    A goal or action item pairs by its link (``metric:`` or ``milestone:`` id). A goal without
    one falls back to the newest QBR's win, a milestone done since the previous QBR, or a
    metric read since, that shares most of the goal's words (the SP028 rule warns about it).
    """
    if prev is None:
        return None
    metrics = {m.id: m for m in account.metrics}
    milestones = {m.id: m for m in account.milestones}

    def reading(metric: Metric) -> Optional[tuple[date, float]]:
        p = progress[metric.id]
        if p.latest is not None and p.latest_on and p.latest_on > prev.date:
            return (p.latest_on, p.latest)
        return None

    candidates: list[tuple[str, GoalOutcome]] = [
        (win, GoalOutcome(QbrGoal(text=win), -1, "met", "text", win, "win"))
        for win in (current.wins if current else [])]
    candidates += [(m.title, GoalOutcome(QbrGoal(text=m.title), -1, "met", "text", m.title,
                                         "milestone", milestone=m))
                   for m in account.milestones
                   if m.status == "done" and m.done_on and m.done_on > prev.date]
    for metric in account.metrics:
        if reading(metric) is not None:
            candidates.append((metric.name, GoalOutcome(
                QbrGoal(text=metric.name), -1, _metric_state(None, metric, progress[metric.id]),
                "text", None, "metric", metric, reading(metric))))
    goals = []
    for index, goal in enumerate(prev.next_quarter_goals):
        if goal.metric in metrics:
            metric = metrics[goal.metric]
            seen = reading(metric)
            goals.append(GoalOutcome(
                goal, index, _metric_state(goal.target, metric, progress[metric.id])
                if seen else "unknown", "link", None, "metric", metric, seen))
        elif goal.milestone in milestones:
            milestone = milestones[goal.milestone]
            goals.append(GoalOutcome(goal, index, _milestone_state(milestone, today), "link",
                                     milestone.title, "milestone", milestone=milestone))
        else:
            match = None if (goal.metric or goal.milestone) else _best_match(goal.text,
                                                                               candidates)
            goals.append(replace(match, goal=goal, index=index) if match
                         else GoalOutcome(goal, index))
    actions = []
    for item in prev.action_items:
        state = "met" if item.done else (
            "missed" if item.due is not None and item.due < today else "open")
        metric = metrics.get(item.metric or "")
        seen = reading(metric) if metric else None
        if seen and item.due is not None and seen[0] < item.due:
            seen = None  # read before the action was due: no evidence of what it did
        actions.append(ActionOutcome(item, state, metric, seen,
                                     milestones.get(item.milestone or "")))
    return Lookback(prev, tuple(goals), tuple(actions))


def _metric_state(target: Optional[float], metric: Metric, p: MetricProgress) -> State:
    """Met when the newest reading reaches the goal's ``target`` (the metric's own target
    path without one), missed when it does not, unknown without a verdict."""
    if p.latest is None:
        return "unknown"
    if target is not None:
        reached = p.latest >= target if metric.direction == "up" else p.latest <= target
        return "met" if reached else "missed"
    if p.reached or p.on_track:
        return "met"
    return "missed" if p.on_track is False else "unknown"


def _milestone_state(m: Milestone, today: date) -> State:
    if m.status == "done":
        return "met"
    if m.status in ("at-risk", "blocked") or (m.due is not None and m.due < today):
        return "missed"
    return "open"


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


NEXT_QBR_DAYS = 91  # without a cadence: a QBR a quarter, the next one 13 weeks on


def next_qbr_date(qbr: Qbr, cadence: Optional[str] = None) -> date:
    """Return the date the next QBR is planned for: one ``cadence`` (the account segment's
    QBR cadence in the program: quarterly, semi-annual...) after ``qbr``, else a quarter."""
    return qbr.date + timedelta(days=CADENCE_DAYS.get(cadence or "", NEXT_QBR_DAYS))
