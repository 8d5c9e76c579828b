"""Plan review: how long ago the plan was last reviewed, and whether that makes it stale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from csplan.inputs.model import Account
from csplan.inputs.program import Program


@dataclass(frozen=True)
class PlanReview:
    """The stale-plan verdict: ``age`` in days (None: never reviewed) against the program's
    ``checks.stale_after_days`` (``limit``)."""

    age: Optional[int]
    limit: int

    @property
    def stale(self) -> bool:
        return self.age is None or self.age > self.limit


def plan_review(account: Account, program: Program, today: date) -> PlanReview:
    """Return how many days before ``today`` the plan was last reviewed, and the limit."""
    reviewed = account.last_reviewed
    return PlanReview(None if reviewed is None else (today - reviewed).days,
                      program.checks.stale_after_days)
