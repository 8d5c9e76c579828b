"""SP010: A time-to-value milestone exists and, once done, is confirmed_by: product.

Time to value is confirmed by product behaviour, not self-reported.
"""

ID = "SP010"
LEVEL = "error"


def check(ctx):
    ttv = [(i, m) for i, m in enumerate(ctx.account.milestones) if m.time_to_value]
    if not ttv:
        yield ("milestones",), "no milestone has time_to_value: true; mark the one that shows " \
                               "first value"
    for i, m in ttv:
        if m.status == "done" and m.confirmed_by != "product":
            yield ("milestones", i, "confirmed_by" if m.confirmed_by else "status"), (
                f"time-to-value milestone '{m.id}' is done but not confirmed_by: product; "
                "confirm it in product data")
