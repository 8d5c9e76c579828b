"""SP005: No milestone or metric is due after the renewal date.

The plan must land before the renewal conversation.
"""

ID = "SP005"
LEVEL = "error"


def check(ctx):
    renewal = ctx.account.contract.renewal
    for key, label in (("milestones", "milestone"), ("metrics", "metric")):
        for i, item in enumerate(getattr(ctx.account, key)):
            if item.due is not None and item.due > renewal:
                yield (key, i, "due"), (f"{label} '{item.id}' is due {item.due} after the "
                                        f"renewal on {renewal}; bring it forward")
