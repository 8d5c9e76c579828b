"""Derived values: what csplan computes from an account, the team's program and ``today``.

Nothing here is typed into an account file; everything is computed the same way for the
checks, the documents and the internal views (see account-format.md, "Derived values").
``of(account, program, today)`` returns one ``Derived`` object per account, which the rules,
the views, the brief, the portfolio and the build report read; each value in it is computed
by one function, in the module of its subject:

    health.py      weekly health series, band, green days, alerts, playbook call
    milestones.py  days past due and state of each milestone
    metrics.py     metric progress and straight-line projection
    expansion.py   the expansion verdict under the program's gate, and the expansion signals
    review.py      the stale-plan verdict (last reviewed against stale_after_days)
    qbr.py         newest and previous QBR, agenda, milestones reviewed, last-quarter lookback
    storyline.py   the QBR deck's slides (SP023 counts them; the deck view carries them)
    warning.py     the early-warning level (Watch, Warning, Critical) and the root cause
    capacity.py    the book's capacity per CSM (book-level, not per account)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Optional

from csplan.derive.expansion import (Condition, ExpansionSignals, ExpansionVerdict,
                                     expansion_signals, expansion_verdict)
from csplan.derive.health import (Band, HealthAlert, PlaybookCall, WeekHealth, green_days,
                                  health_alerts, health_series, health_weights, playbook_call)
from csplan.derive.metrics import MetricProgress, metric_progress
from csplan.derive.milestones import MilestoneState, days_late, milestone_state
from csplan.derive.qbr import (SECTION_OF_SLIDE, ActionOutcome, GoalOutcome, Lookback, agenda,
                               clock, last_quarter, newest_qbr, next_qbr_date, previous_qbr,
                               qbr_horizon, qbr_milestones)
from csplan.derive.review import PlanReview, plan_review
from csplan.derive.storyline import SlideSpec, slides
from csplan.derive.warning import AlertLevel, RootCause, alert_level, root_cause
from csplan.inputs.model import Account, AgendaItem, Milestone, Qbr
from csplan.inputs.program import Program

__all__ = ["Derived", "of", "ActionOutcome", "AlertLevel", "Band", "ExpansionSignals", "RootCause", "Condition", "ExpansionVerdict",
           "GoalOutcome", "HealthAlert", "Lookback", "MetricProgress", "MilestoneState",
           "PlanReview", "PlaybookCall", "SECTION_OF_SLIDE", "SlideSpec", "WeekHealth"]


@dataclass(frozen=True, eq=False)
class Derived:
    """Everything csplan derives from one account on ``today`` under ``program``.

    Each value is computed the first time it is read and kept (``cached_property``): a value
    is computed at most once per account, and one nobody reads (the lookback during a check,
    the storyline of an account without a QBR) is never computed. It holds internal values
    (health), so it is for the rules and the internal views; customer views take from it only
    what a customer may see, and renderers never get it. (Each property calls the module-level
    function of the same or a similar name imported above; that function is the one place
    the value is computed.)
    """

    account: Account
    program: Program
    today: date

    # ------------------------------------------------------------------ health (internal)
    @cached_property
    def health(self) -> list[WeekHealth]:
        """The weekly health up to today, oldest first."""
        return health_series(self.account, self.program, self.today)

    @property
    def latest_health(self) -> Optional[WeekHealth]:
        return self.health[-1] if self.health else None

    @property
    def band(self) -> Optional[Band]:
        """The newest week's band, or None without weekly scores."""
        return self.health[-1].band if self.health else None

    @cached_property
    def weights(self) -> dict[str, float]:
        return health_weights(self.account, self.program)

    @cached_property
    def alerts(self) -> list[HealthAlert]:
        return health_alerts(self.health, self.program)

    @cached_property
    def green_days(self) -> int:
        return green_days(self.health, self.today)

    @cached_property
    def playbook(self) -> Optional[PlaybookCall]:
        return playbook_call(self.account, self.health)

    @cached_property
    def level(self) -> Optional[AlertLevel]:
        """The early-warning level on today (None: no trigger holds)."""
        return alert_level(self.account, self.program, self.health, self.today)

    @cached_property
    def root_cause(self) -> Optional[RootCause]:
        return root_cause(self.account, self.health, self.weights, self.today)

    # ------------------------------------------------------------------ the plan
    @cached_property
    def days_late(self) -> dict[str, int]:
        """Days past due of each milestone, by milestone id."""
        return {m.id: days_late(m, self.today) for m in self.account.milestones}

    @cached_property
    def milestone_states(self) -> dict[str, MilestoneState]:
        """The state of each milestone on today, by milestone id."""
        return {m.id: milestone_state(m, self.today) for m in self.account.milestones}

    @cached_property
    def progress(self) -> dict[str, MetricProgress]:
        """Progress and projection of each metric, by metric id."""
        start = self.account.contract.start
        return {m.id: metric_progress(m, start, self.today) for m in self.account.metrics}

    @cached_property
    def verdict(self) -> ExpansionVerdict:
        return expansion_verdict(self.account, self.program, self.today, self.green_days,
                                 self.progress)

    @cached_property
    def signals(self) -> ExpansionSignals:
        """What points at expansion (for the expansion conversation brief)."""
        return expansion_signals(self.account, self.progress, self.today)

    @cached_property
    def review(self) -> PlanReview:
        return plan_review(self.account, self.program, self.today)

    # ------------------------------------------------------------------ QBRs and the deck
    @cached_property
    def qbr(self) -> Optional[Qbr]:
        """The newest QBR: the one a deck is built for."""
        return newest_qbr(self.account)

    @cached_property
    def previous_qbr(self) -> Optional[Qbr]:
        return previous_qbr(self.account)

    @property
    def agenda(self) -> list[AgendaItem]:
        """The newest QBR's agenda (empty without a QBR), each item with the parts of the deck
        it covers (a plain property: a section's title is matched in the active language)."""
        return agenda(self.qbr, self.account) if self.qbr is not None else []

    @property
    def agenda_clock(self) -> list[Optional[tuple[str, str]]]:
        """Each agenda item's clock times from the QBR's start time (None without one)."""
        return clock(self.qbr.start, self.agenda) if self.qbr is not None else []

    @property
    def next_qbr(self) -> Optional[date]:
        """The date the next QBR is planned for (None without a QBR)."""
        if self.qbr is None:
            return None
        return next_qbr_date(self.qbr, self.program.segments[self.account.account.segment].qbr)

    def section_of(self, kind: str) -> Optional[int]:
        """Return the index of the agenda item a kind of slide belongs to, or None."""
        part = SECTION_OF_SLIDE.get(kind)
        return next((i for i, item in enumerate(self.agenda) if part in item.covers), None)

    @property
    def qbr_horizon(self) -> Optional[date]:
        """The last due date of the open milestones the QBR reviews (None without a QBR)."""
        return qbr_horizon(self.qbr, self.next_qbr) if self.qbr is not None else None

    @cached_property
    def qbr_milestones(self) -> list[Milestone]:
        return qbr_milestones(self.account, self.qbr, self.previous_qbr, self.qbr_horizon)

    @cached_property
    def lookback(self) -> Optional[Lookback]:
        return last_quarter(self.account, self.qbr, self.previous_qbr, self.progress,
                            self.today)

    @cached_property
    def slides(self) -> list[SlideSpec]:
        """The QBR deck's slides, in order (empty without a QBR)."""
        if self.qbr is None:
            return []
        return slides(self.account, self.qbr, self.previous_qbr, len(self.qbr_milestones),
                      self.verdict.qualifies)

    @property
    def slide_count(self) -> int:
        return len(self.slides)


def of(account: Account, program: Program, today: date) -> Derived:
    """Return the derived values of ``account`` under ``program`` on ``today``."""
    return Derived(account, program, today)
