"""The QBR deck's storyline: which slides a deck has, in order, and how long lists are split.

The deck renderer lays these slides out; the SP023 rule counts them before anything is
rendered, so the count the check reports is the count the deck gets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from csplan import derive
from csplan.inputs.model import Account
from csplan.views.words import _

SIDE_BY_SIDE_UP_TO = 6  # up to 6 metrics: two charts a slide; more: four (2 x 2)
MILESTONES_PER_SLIDE = 12  # the deck's tables hold at most 12 rows a slide
ACTIONS_PER_SLIDE = 12


@dataclass(frozen=True)
class SlideSpec:
    kind: str
    title: str
    part: int = 1  # 2, 3... for "(continued)" slides
    parts: int = 1


def slides(account: Account, expansion_qualifies: bool, today: date) -> list[SlideSpec]:
    """Return the deck's slides for the newest QBR, in storyline order (empty: no QBR)."""
    qbr = derive.newest_qbr(account)
    if qbr is None:
        return []
    out = [SlideSpec("title", qbr.quarter), SlideSpec("agenda", _("Agenda"))]
    if derive.previous_qbr(account) is not None:
        out.append(SlideSpec("lookback", _("Last quarter: what we committed, what happened")))
    out += _split("results", _("Results: goals vs actuals"), len(account.metrics),
                  metrics_per_slide(len(account.metrics)))
    if qbr.value:
        out.append(SlideSpec("value", _("Value realized")))
    out += _split("milestones", _("Milestone progress"), len(derive.qbr_milestones(account)),
                  MILESTONES_PER_SLIDE)
    out.append(SlideSpec("challenges", _("Challenges and open risks")))
    out.append(SlideSpec("goals", _("Goals for next quarter")))
    if qbr.roadmap:
        out.append(SlideSpec("roadmap", _("Roadmap")))
    if qbr.expansion is not None and expansion_qualifies:
        out.append(SlideSpec("expansion", _("Expansion")))
    out += _split("actions", _("Action items"), len(qbr.action_items), ACTIONS_PER_SLIDE)
    return out


def metrics_per_slide(count: int) -> int:
    return 2 if count <= SIDE_BY_SIDE_UP_TO else 4


def slide_count(account: Account, expansion_qualifies: bool, today: date) -> int:
    return len(slides(account, expansion_qualifies, today))


def _split(kind: str, title: str, count: int, per_slide: int) -> list[SlideSpec]:
    parts = max(1, math.ceil(count / per_slide))
    return [SlideSpec(kind, title, i + 1, parts) for i in range(parts)]
