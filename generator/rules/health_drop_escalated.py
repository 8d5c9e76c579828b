"""SP021: Health dropped more than `health.alert_drop` points in one week, or is red.

A health score that drives no action is decoration: the message names the escalation rows
that apply.
"""

import re

ID = "SP021"
LEVEL = "warning"


def check(ctx):
    if not ctx.health:
        return
    newest = ctx.health[-1]
    reasons = []
    if newest.alert:
        reasons.append(f"health dropped {newest.drop:g} points in the week of {newest.week}")
    if newest.band == "red":
        reasons.append(f"health is red ({newest.score:g})")
    if not reasons:
        return
    words = {"drop"} | ({"red"} if newest.band == "red" else {newest.band})
    rows = [e for e in ctx.account.escalation
            if set(re.findall(r"[a-z]+", e.trigger.lower())) & words]
    if rows:
        named = "; ".join(f"'{e.trigger}' -> {e.action}" for e in rows)
        advice = f"escalation that applies: {named}"
    else:
        advice = "no escalation row covers this; add one"
    index = ctx.account.health.weekly.index(
        next(r for r in ctx.account.health.weekly if r.week == newest.week))
    yield ("health", "weekly", index), f"{' and '.join(reasons)}; {advice}"
