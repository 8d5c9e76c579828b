"""SP014: Health is reviewable weekly: no gap over 7 days, newest week no older than 14 days.

A health score must be reviewable every week.
"""

ID = "SP014"
LEVEL = "warning"


def check(ctx):
    health = ctx.account.health
    rows = sorted(enumerate(health.weekly if health else []), key=lambda r: r[1].week)
    rows = [(i, r) for i, r in rows if r.week <= ctx.today]
    if not rows:
        yield ("health",), \
            "no weekly health scores yet; record one row a week in health.weekly"
        return
    for (_, before), (i, after) in zip(rows, rows[1:]):
        gap = (after.week - before.week).days
        if gap > 7:
            yield ("health", "weekly", i), (f"{gap} days between health rows {before.week} and "
                                            f"{after.week}; score every week")
    index, newest = rows[-1]
    age = (ctx.today - newest.week).days
    if age > 14:
        yield ("health", "weekly", index), f"newest health row is {age} days old ({newest.week})"
