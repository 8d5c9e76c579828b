"""SP026: Every save-plan action has an owner and a due date.

A save plan is only as good as its actions: each names the person (an id) who does it and
the day it is due; no "TBD".
"""

from csplan.text import is_placeholder

ID = "SP026"
LEVEL = "warning"


def check(ctx):
    plan = ctx.account.save_plan
    if plan is None:
        return
    if not plan.actions:
        yield ("save_plan",), "the save plan has no actions; add remediation actions with " \
                              "owners and due dates"
    for i, action in enumerate(plan.actions):
        if action.owner is None or is_placeholder(action.owner):
            yield ("save_plan", "actions", i), (
                f"save-plan action '{action.action[:60]}' has no owner; name the person (an "
                "id) who does it")
        if action.due is None:
            yield ("save_plan", "actions", i), (
                f"save-plan action '{action.action[:60]}' has no due date")
