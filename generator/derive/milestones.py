"""Milestones: each open milestone's days past due and its state on ``today``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from csplan.inputs.model import Milestone

MilestoneState = Literal["not-started", "in-progress", "done", "at-risk", "blocked", "stalled"]


def days_late(milestone: Milestone, today: date) -> int:
    """Return how many days an open milestone is past due (0 if done, on time or undated)."""
    if milestone.status == "done" or milestone.due is None:
        return 0
    return max(0, (today - milestone.due).days)


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
