"""SP006: Both sides own work: at least one customer-owned milestone and one customer commitment.

Commitments are genuinely mutual: a plan the customer owns nothing of is a vendor to-do list.
"""

ID = "SP006"
LEVEL = "error"


def check(ctx):
    customer = ctx.account.stakeholder_ids
    if not any(m.owner in customer for m in ctx.account.milestones):
        yield ("milestones",), "no milestone is owned by someone on the customer side; " \
                               "give at least one to a stakeholder"
    if not ctx.account.commitments.customer:
        yield ("commitments",), "no customer commitments; list what the customer commits to " \
                                "in commitments.customer"
