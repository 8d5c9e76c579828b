"""SP028: Last quarter's goals and action items link to what answers them (metric or milestone).

The deck's "we said / we did" pairs the previous QBR's goals with what happened since by their
``metric:`` or ``milestone:`` link; a goal without one is paired by its words, which can pick
the wrong evidence or none, and a link to an id the account does not have pairs nothing.
"""

ID = "SP028"
LEVEL = "warning"


def check(ctx):
    metrics = {m.id for m in ctx.account.metrics}
    milestones = {m.id for m in ctx.account.milestones}
    for q, qbr in enumerate(ctx.account.qbrs):
        items = [("next_quarter_goals", j, item) for j, item in enumerate(qbr.next_quarter_goals)]
        items += [("action_items", j, item) for j, item in enumerate(qbr.action_items)]
        for key, j, item in items:
            if item.metric is not None and item.metric not in metrics:
                yield ("qbrs", q, key, j, "metric"), (
                    f"links metric '{item.metric}', which this account does not have; "
                    f"use one of: {', '.join(sorted(metrics)) or '(no metrics)'}")
            if item.milestone is not None and item.milestone not in milestones:
                yield ("qbrs", q, key, j, "milestone"), (
                    f"links milestone '{item.milestone}', which this account does not have; "
                    f"use one of: {', '.join(sorted(milestones)) or '(no milestones)'}")
    look = ctx.lookback
    if look is None:
        return
    q = ctx.account.qbrs.index(look.previous)
    for goal in look.goals:
        if goal.paired == "link":
            continue
        where = ("qbrs", q, "next_quarter_goals", goal.index)
        if goal.paired == "text":
            found = goal.metric.name if goal.metric is not None else goal.evidence
            yield where, (f"the {look.previous.quarter} goal '{goal.goal.text[:60]}' is paired "
                          f"with '{found}' by its words; link it with 'metric: <id>' or "
                          "'milestone: <id>' so the deck shows what answers it")
        elif goal.goal.metric is None and goal.goal.milestone is None:
            yield where, (f"nothing answers the {look.previous.quarter} goal "
                          f"'{goal.goal.text[:60]}'; link it with 'metric: <id>' or "
                          "'milestone: <id>' (the deck shows it as not answered)")
