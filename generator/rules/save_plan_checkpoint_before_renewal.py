"""SP027: The save plan has a go/no-go checkpoint before the renewal.

The checkpoint is when the team decides, against the success criteria, to keep fighting for
the account or to offboard it gracefully; after the renewal date that decision is made for it.
"""

ID = "SP027"
LEVEL = "warning"


def check(ctx):
    plan = ctx.account.save_plan
    if plan is None:
        return
    renewal = ctx.account.contract.renewal
    if plan.checkpoint is None:
        yield ("save_plan",), (f"the save plan has no go/no-go checkpoint; set save_plan."
                               f"checkpoint to a date before the renewal on {renewal}")
    elif plan.checkpoint >= renewal:
        yield ("save_plan", "checkpoint"), (
            f"the save plan's checkpoint {plan.checkpoint} is not before the renewal on "
            f"{renewal}; bring it forward")
