"""SP002: Every metric has baseline, target, due, source and owner.

Success metrics are agreed in the kickoff and tracked in QBRs; a metric missing any of
these cannot be tracked.
"""

ID = "SP002"
LEVEL = "error"
REQUIRED = ("baseline", "target", "due", "source", "owner")


def check(ctx):
    for i, metric in enumerate(ctx.account.metrics):
        for key in REQUIRED:
            if getattr(metric, key) is None:
                yield ("metrics", i), f"metric '{metric.id}' has no {key}"
