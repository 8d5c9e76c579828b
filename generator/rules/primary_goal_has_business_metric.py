"""SP001: The primary goal is backed by at least one business metric.

A goal without a number cannot be reviewed: the primary goal needs a ``business`` metric
that the QBR can show moving.
"""

ID = "SP001"
LEVEL = "error"


def check(ctx):
    objectives = ctx.account.objectives
    if not objectives.primary_goal:
        yield ("objectives",), "no primary goal; write the customer's main goal in " \
                               "objectives.primary_goal"
    elif not any(m.kind == "business" for m in ctx.account.metrics):
        yield ("objectives", "primary_goal"), "the primary goal has no business metric; add a " \
                                              "metric with kind: business that measures it"
