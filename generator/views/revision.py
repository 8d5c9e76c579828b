"""Revisions of a plan: what of it a customer sees, as a hash and a small snapshot, and what
changed between two snapshots, written out for the plan's "Changes since revision N" section.

The hash is taken over the customer-safe account (``customer.customer_safe``) as the plan
shows it: without ``health`` and ``internal``, and without what the plan does not print
(the QBRs, which are the deck's, the stage, ARR, segment and email addresses). A YAML
comment or an internal note changes nothing here, so it is not a revision. ``today`` is not
in it either: a plan does not get a new revision because a day went by.

The snapshot holds only what the changes section names (goals, milestones, metrics, risks),
so a revision history stays small. The history file itself is kept by ``csplan.build``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Optional

from csplan.inputs.model import Account
from csplan.views.customer import STATES, customer_safe
from csplan.views.fmt import Formatter
from csplan.words import _

# What the plan never prints: left out of the hash, so changing it is not a revision.
_NOT_SHOWN = {"health", "internal", "qbrs", "stage", "schema"}
_NOT_SHOWN_OF_ACCOUNT = {"arr", "segment", "crm_id"}


@dataclass(frozen=True)
class Revision:
    """The plan's revision on this build, and the revision the changes are counted from
    (the one current at the account's ``last_reviewed``), when that is an older one."""

    number: int
    day: date
    base_number: Optional[int] = None
    base_day: Optional[date] = None
    base: Optional[dict] = None  # the base revision's snapshot


def content_hash(account: Account) -> str:
    """Return the hash of what the plan of ``account`` shows its customer."""
    # fields left at their defaults are left out, so a csplan that adds an optional field
    # does not make every plan a new revision
    data = customer_safe(account).model_dump(mode="json", by_alias=True, exclude=_NOT_SHOWN,
                                             exclude_defaults=True)
    for key in _NOT_SHOWN_OF_ACCOUNT:
        data.get("account", {}).pop(key, None)
    for person in (*data.get("vendor_team", ()), *data.get("stakeholders", ())):
        person.pop("email", None)
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def snapshot(account: Account) -> dict:
    """Return what the changes section compares of the plan: goals, milestones (title, due,
    status), metrics (name, target, unit, due) and risks, as plain JSON data."""
    a = customer_safe(account)
    goals = [g for g in (a.objectives.primary_goal, *a.objectives.secondary_goals) if g]
    return {
        "goals": goals,
        "milestones": {m.id: {"title": m.title, "due": _iso(m.due), "status": m.status}
                       for m in a.milestones},
        "metrics": {m.id: {"name": m.name, "target": m.target, "unit": m.unit,
                           "due": _iso(m.due)} for m in a.metrics},
        "risks": [r.title for r in a.risks],
    }


def _iso(day: Optional[date]) -> Optional[str]:
    return day.isoformat() if day else None


def changes(old: dict, new: dict, fmt: Formatter) -> tuple[str, ...]:
    """Return one line per change from snapshot ``old`` to ``new``, in the reader's
    language: goals, milestones, metrics and risks added or removed, due dates moved,
    milestone states and metric targets changed."""
    lines: list[str] = []

    def day(value: Optional[str]) -> str:
        return fmt.date(date.fromisoformat(value)) if value else _("no date")

    lines += [_("Goal added: {goal}").format(goal=g) for g in new["goals"]
              if g not in old["goals"]]
    lines += [_("Goal removed: {goal}").format(goal=g) for g in old["goals"]
              if g not in new["goals"]]
    before, after = old["milestones"], new["milestones"]
    for key, m in after.items():
        if key not in before:
            lines.append(_("Milestone added: {milestone}").format(milestone=m["title"]))
            continue
        was = before[key]
        if was["due"] != m["due"]:
            lines.append(_("Milestone moved: {milestone}, from {old} to {new}").format(
                milestone=m["title"], old=day(was["due"]), new=day(m["due"])))
        old_state, new_state = was["status"], m["status"]
        if old_state != new_state:
            lines.append(_("Milestone state changed: {milestone}, from {old} to {new}").format(
                milestone=m["title"], old=_(STATES[old_state]), new=_(STATES[new_state])))
    lines += [_("Milestone removed: {milestone}").format(milestone=m["title"])
              for key, m in before.items() if key not in after]
    before, after = old["metrics"], new["metrics"]
    for key, m in after.items():
        if key not in before:
            lines.append(_("Metric added: {metric}").format(metric=m["name"]))
            continue
        was = before[key]
        if (was["target"], was["unit"]) != (m["target"], m["unit"]):
            lines.append(_("Metric target changed: {metric}, from {old} to {new}").format(
                metric=m["name"], old=fmt.value(was["target"], was["unit"]) or _("not set"),
                new=fmt.value(m["target"], m["unit"]) or _("not set")))
        if was["due"] != m["due"]:
            lines.append(_("Metric due date moved: {metric}, from {old} to {new}").format(
                metric=m["name"], old=day(was["due"]), new=day(m["due"])))
    lines += [_("Metric removed: {metric}").format(metric=m["name"])
              for key, m in before.items() if key not in after]
    lines += [_("Risk added: {risk}").format(risk=r) for r in new["risks"]
              if r not in old["risks"]]
    lines += [_("Risk removed: {risk}").format(risk=r) for r in old["risks"]
              if r not in new["risks"]]
    return tuple(lines)
