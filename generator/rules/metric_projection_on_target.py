"""SP019: A metric's projection misses its target by its due date.

Intervene before the QBR, not at it: a straight line through the actuals shows it early.
"""

ID = "SP019"


def _n(value):
    return f"{value:,.0f}" if abs(value) >= 100 else f"{round(value, 1):g}"

LEVEL = "warning"


def check(ctx):
    for i, m in enumerate(ctx.account.metrics):
        p = ctx.progress[m.id]
        if p.on_track is not False:
            continue
        if m.due < ctx.today:
            yield ("metrics", i, "due"), (f"metric '{m.id}' was due {m.due} and is at "
                                          f"{_n(p.latest)}, short of its target {_n(m.target)}")
        else:
            where = f"about {_n(p.projected)}" if p.projected is not None else "short of target"
            yield ("metrics", i, "target"), (f"metric '{m.id}' is heading for {where} by {m.due},"
                                             f" missing its target {_n(m.target)}")
