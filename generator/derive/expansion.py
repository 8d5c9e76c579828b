"""Expansion: whether the account has earned an expansion conversation under the program's
gate, with each condition met or unmet; and the signals that conversation starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from csplan.derive.metrics import MetricProgress, reached
from csplan.inputs.model import Account, Event, Metric
from csplan.inputs.program import Program
from csplan.words import _, ngettext


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


def expansion_verdict(account: Account, program: Program, today: date, days_green: int,
                      progress: dict[str, MetricProgress]) -> ExpansionVerdict:
    """Return the expansion verdict under the program's gate (conditions a gate switches off
    are not listed), from the account's green days and metric progress (by metric id)."""
    gate = program.expansion_gate
    conditions = [Condition(
        "health green", days_green >= gate.green_days,
        ngettext("health green for {days} consecutive day (needs {needed})",
                 "health green for {days} consecutive days (needs {needed})",
                 days_green).format(days=days_green, needed=gate.green_days))]
    if gate.business_metric_at_target:
        at_target = [m.name for m in account.metrics
                     if m.kind == "business" and progress[m.id].reached]
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


# The order a team offers expansion in: more of what works first, then more product.
EXPANSION_TYPES = ("seats", "tier", "cross-sell", "services")
SEATS_NEAR_LIMIT = 0.9  # seats used at or above this share of the plan's seats


@dataclass(frozen=True)
class Achieved:
    """A business metric at target: the value the expansion conversation opens with."""

    metric: Metric
    reached_on: date  # the first actual at target
    early_days: int  # days before its due date it got there (0 when on or after)


@dataclass(frozen=True)
class ExpansionSignals:
    """What the account shows that points at expansion, for the expansion conversation brief:
    the achieved value to open with, the adjacent pain (the business metric furthest from
    its target), the signals, and the expansion types in order with the signals for each."""

    achieved: Optional[Achieved]
    gap: Optional[Metric]  # the adjacent pain to ask about
    seats_used: Optional[int]
    seats: Optional[int]
    early_goals: tuple[Achieved, ...]
    use_cases: tuple[Event, ...]
    access_requests: tuple[Event, ...]
    promotions: tuple[Event, ...]
    types: tuple[tuple[str, bool], ...]  # (type, a signal supports it), in EXPANSION_TYPES order

    @property
    def seats_near_limit(self) -> bool:
        return bool(self.seats and self.seats_used is not None
                    and self.seats_used >= SEATS_NEAR_LIMIT * self.seats)


def _achieved(metric: Metric, today: date) -> Optional[Achieved]:
    actuals = sorted((a for a in metric.actuals if a.date <= today), key=lambda a: a.date)
    first = next((a for a in actuals if reached(metric, a.value)), None)
    if first is None or not actuals or not reached(metric, actuals[-1].value):
        return None
    early = (metric.due - first.date).days if metric.due and first.date < metric.due else 0
    return Achieved(metric, first.date, early)


def expansion_signals(account: Account, progress: dict[str, MetricProgress],
                      today: date) -> ExpansionSignals:
    """Return the expansion signals of the account on ``today`` (see ``ExpansionSignals``).

    The achieved value is the business metric at target that got there earliest ahead of its
    due date (then the first listed); the adjacent pain is the open business metric with the
    most of its way still to go. Events count from the last 180 days.
    """
    business = [m for m in account.metrics if m.kind == "business"]
    done = [x for x in (_achieved(m, today) for m in account.metrics) if x is not None]
    opening = sorted((x for x in done if x.metric.kind == "business"),
                     key=lambda x: -x.early_days)
    open_gaps = [m for m in business if not progress[m.id].reached
                 and progress[m.id].progress is not None]
    gap = min(open_gaps, key=lambda m: progress[m.id].progress) if open_gaps else None
    recent = [e for e in account.events if e.date <= today and (today - e.date).days <= 180]

    def of(kind: str) -> tuple[Event, ...]:
        return tuple(sorted((e for e in recent if e.type == kind), key=lambda e: e.date))

    seats_used = account.internal.seats_used if account.internal is not None else None
    seats = account.product.seats
    early = tuple(x for x in done if x.early_days > 0)
    signals = ExpansionSignals(opening[0] if opening else None, gap, seats_used, seats, early,
                               of("new-use-case"), of("access-request"),
                               of("champion-promoted"), ())
    supported = {
        "seats": signals.seats_near_limit or bool(signals.access_requests),
        "tier": bool(early),
        "cross-sell": bool(signals.use_cases) or bool(signals.promotions),
        "services": gap is not None,
    }
    return ExpansionSignals(signals.achieved, gap, seats_used, seats, early, signals.use_cases,
                            signals.access_requests, signals.promotions,
                            tuple((t, supported[t]) for t in EXPANSION_TYPES))
