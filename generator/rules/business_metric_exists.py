"""SP012: Not every metric is adoption or sentiment: at least one is the customer's business metric.

Success metrics are the customer's metrics, not only the vendor's usage numbers.
"""

ID = "SP012"
LEVEL = "warning"


def check(ctx):
    metrics = ctx.account.metrics
    if metrics and all(m.kind in ("adoption", "sentiment") for m in metrics):
        yield ("metrics",), "every metric is adoption or sentiment; add a business metric " \
                            "the customer reports on"
