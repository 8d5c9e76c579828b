"""SP022: Engagement cadence fits the segment's champion_touch and qbr in the program file.

Segment by value and risk: an enterprise champion hears from us monthly and reviews quarterly.
"""

import re

ID = "SP022"
LEVEL = "warning"

# How many days each cadence word allows between touches.
DAYS = {"daily": 1, "weekly": 7, "biweekly": 14, "fortnightly": 14, "monthly": 31,
        "quarterly": 92, "semi-annual": 183, "semiannual": 183, "half-yearly": 183,
        "annual": 366, "annually": 366, "yearly": 366}


def interval(text):
    """Return the shortest interval in days named in a free-text frequency, or None."""
    found = [DAYS[w] for w in re.findall(r"[a-z-]+", (text or "").lower()) if w in DAYS]
    return min(found) if found else None


def check(ctx):
    segment = ctx.program.segments[ctx.account.account.segment]
    if segment.champion_touch != "none":
        needed = DAYS[segment.champion_touch]
        champions = [(i, s) for i, s in enumerate(ctx.account.stakeholders)
                     if s.role == "champion"]
        for i, champion in champions:
            frequency = champion.engagement.frequency if champion.engagement else None
            got = interval(frequency)
            if got is None or got > needed:
                yield ("stakeholders", i, "engagement"), (
                    f"{ctx.account.account.segment} accounts touch the champion "
                    f"{segment.champion_touch}; {champion.name}'s engagement is "
                    f"'{frequency or 'not set'}'")
    if segment.qbr != "none":
        needed = DAYS[segment.qbr]
        planned = [interval(c.frequency) for c in ctx.account.communication
                   if re.search(r"\bqbr\b|business review", c.what.lower())]
        planned = [p for p in planned if p is not None]
        if not planned or min(planned) > needed:
            yield ("communication",), (
                f"{ctx.account.account.segment} accounts hold a QBR {segment.qbr}; the "
                "communication plan has no QBR row at that cadence")
