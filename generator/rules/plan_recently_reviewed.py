"""SP009: last_reviewed is no more than `checks.stale_after_days` (45) days before today.

Plans are built once and forgotten; a plan not reviewed with the champion recently is stale.
"""

ID = "SP009"
LEVEL = "warning"


def check(ctx):
    review = ctx.review
    if review.age is None:
        yield ("last_reviewed",), "last_reviewed is not set; go through the plan with the champion " \
                          "and record the date"
    elif review.stale:
        yield ("last_reviewed",), (f"plan last reviewed {review.age} days ago (more than "
                                   f"{review.limit}); review it with the champion")
