"""QBRs: the newest and the previous QBR, the agenda, the milestones a QBR reviews, and last
quarter's goals and actions beside what happened since."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal, Optional

from csplan.derive.metrics import MetricProgress
from csplan.inputs.model import Account, ActionItem, AgendaItem, Metric, Milestone, Qbr
from csplan.words import N_, _

# (section, minutes, the kinds of slide the section covers): the slides find their section
# by kind, whatever language the section's title is shown in.
DEFAULT_AGENDA: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (N_("Welcome and objectives"), 5, ("title", "agenda", "lookback")),
    (N_("Results: goals vs actuals"), 15, ("results", "milestones")),
    (N_("Value realized"), 10, ("value",)),
    (N_("Challenges and open risks"), 10, ("challenges",)),
    (N_("Goals for next quarter"), 10, ("goals",)),
    (N_("Roadmap and asks"), 10, ("roadmap", "expansion", "actions")),
)
QBR_HORIZON_DAYS = 120


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
    return [AgendaItem(section=s, minutes=m) for s, m, _k in DEFAULT_AGENDA]


def agenda_slides(section: str) -> tuple[str, ...]:
    """Return the kinds of slide an agenda section covers when it is a default section (its
    English title or its title in the active language, in any case); () for another."""
    folded = section.strip().casefold()
    for title, _m, kinds in DEFAULT_AGENDA:
        if folded in (title.casefold(), _(title).casefold()):
            return kinds
    return ()


def qbr_milestones(account: Account, current: Optional[Qbr],
                   prev: Optional[Qbr]) -> list[Milestone]:
    """Return the milestones the ``current`` QBR reviews, by due date: those done since the
    previous QBR ``prev`` (or in the 90 days before this one when there is none) and the open
    ones due before the next QBR (within ``QBR_HORIZON_DAYS`` of this one), late or undated.
    Later ones are counted, not listed: the success plan has them all."""
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
    (``evidence`` text), or a metric's newest reading (``metric`` and ``reading``, and
    whether that reading has ``reached`` the metric's target)."""

    goal: str
    evidence: Optional[str] = None
    source: Optional[Literal["win", "milestone", "metric"]] = None
    metric: Optional[Metric] = None
    reading: Optional[tuple[date, float]] = None
    reached: bool = False


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


def last_quarter(account: Account, current: Optional[Qbr], prev: Optional[Qbr],
                 progress: dict[str, MetricProgress], today: date) -> Optional[Lookback]:
    """Return the previous QBR's goals and action items with what happened since, or None.

    A goal's evidence is the newest QBR's win, a milestone done since the previous QBR, or
    a metric's latest reading (from ``progress``, by metric id) that shares most of the
    goal's words; None when nothing does.
    """
    if prev is None:
        return None
    candidates: list[tuple[str, GoalOutcome]] = [
        (win, GoalOutcome("", win, "win")) for win in (current.wins if current else [])]
    candidates += [(m.title, GoalOutcome("", m.title, "milestone")) for m in account.milestones
                   if m.status == "done" and m.done_on and m.done_on > prev.date]
    for metric in account.metrics:
        p = progress[metric.id]
        if p.latest is not None and p.latest_on and p.latest_on > prev.date:
            candidates.append((metric.name, GoalOutcome("", None, "metric", metric,
                                                         (p.latest_on, p.latest), p.reached)))
    goals = []
    for goal in prev.next_quarter_goals:
        match = _best_match(goal, candidates)
        goals.append(replace(match, goal=goal) if match else GoalOutcome(goal))
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
