"""SP008: An escalation path exists.

There is an escalation path if the plan falls off track.
"""

ID = "SP008"
LEVEL = "error"


def check(ctx):
    if not ctx.account.escalation:
        yield ("escalation",), "no escalation path; add escalation rows (trigger, action, " \
                               "owner, within)"
