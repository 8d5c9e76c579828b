"""SP018: A done milestone has done_on, not in the future; an open one has none.
"""

ID = "SP018"
LEVEL = "error"


def check(ctx):
    for i, m in enumerate(ctx.account.milestones):
        if m.status == "done" and m.done_on is None:
            yield ("milestones", i, "status"), f"milestone '{m.id}' is done but has no done_on date"
        elif m.status == "done" and m.done_on > ctx.today:
            yield ("milestones", i, "done_on"), f"milestone '{m.id}' done_on {m.done_on} is in " \
                                                "the future"
        elif m.status != "done" and m.done_on is not None:
            yield ("milestones", i, "done_on"), (f"milestone '{m.id}' has done_on but status "
                                                 f"{m.status}; set status: done or remove done_on")
