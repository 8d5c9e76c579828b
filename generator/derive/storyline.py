"""The QBR deck's storyline: which slides a deck has, in order, and how long lists are split.

The slides are part of the account's derived values: the SP023 rule counts them before
anything is rendered, and the deck view hands the same list to the renderer, which makes
those slides (a table or text too long for its slide continues on a "(continued)" slide).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

from csplan.inputs.model import Account, Qbr

SIDE_BY_SIDE_UP_TO = 6  # up to 6 metrics: two charts a slide; more: four (2 x 2)
MILESTONES_PER_SLIDE = 12  # the milestone timeline's rows a slide
ACTIONS_PER_SLIDE = 8  # action items beside the asks


@dataclass(frozen=True)
class SlideSpec:
    kind: str
    part: int = 1  # 2, 3... for "(continued)" slides
    parts: int = 1
    per_slide: int = 1  # items (metrics, milestones, actions) on each slide of this kind


def slides(account: Account, qbr: Optional[Qbr], previous: Optional[Qbr], milestones: int,
           expansion_qualifies: bool) -> list[SlideSpec]:
    """Return the deck's slides for the newest QBR ``qbr``, in storyline order (empty: no
    QBR); ``milestones`` is how many milestones the QBR reviews.

    The story: cover, agenda, executive summary, we said / we did, results, milestones,
    value and wins, risks, next quarter (goals and roadmap), expansion, asks and action
    items, closing.
    """
    if qbr is None:
        return []
    out = [SlideSpec("title"), SlideSpec("agenda"), SlideSpec("summary")]
    if previous is not None:
        out.append(SlideSpec("lookback"))
    out += _split("results", len(account.metrics), _metrics_per_slide(len(account.metrics)))
    out += _split("milestones", milestones, MILESTONES_PER_SLIDE)
    if qbr.value or qbr.wins:
        out.append(SlideSpec("value"))
    out.append(SlideSpec("challenges"))
    out.append(SlideSpec("goals"))
    if qbr.expansion is not None and expansion_qualifies:
        out.append(SlideSpec("expansion"))
    out += _split("actions", len(qbr.action_items), ACTIONS_PER_SLIDE)
    out.append(SlideSpec("closing"))
    return out


def _metrics_per_slide(count: int) -> int:
    return 2 if count <= SIDE_BY_SIDE_UP_TO else 4


def _split(kind: str, count: int, most: int) -> list[SlideSpec]:
    """Return the slides of ``count`` items, at most ``most`` a slide, balanced: 13 items at
    12 a slide are 7 and 6, not 12 and 1."""
    parts = max(1, math.ceil(count / most))
    per_slide = max(1, math.ceil(count / parts))
    return [SlideSpec(kind, i + 1, parts, per_slide) for i in range(parts)]
