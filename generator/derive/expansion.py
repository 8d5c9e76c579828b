"""Expansion: whether the account has earned an expansion conversation under the program's
gate, with each condition met or unmet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csplan.derive.metrics import MetricProgress
from csplan.inputs.model import Account
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
