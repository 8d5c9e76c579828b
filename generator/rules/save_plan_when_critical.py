"""SP025: A Critical account has a save plan.

A Critical alert (health red, the champion gone, a formal complaint: the program's
``early_warning.critical``) calls for executive engagement within 48 hours and a save plan:
root cause, executive alignment, owned and dated actions, success criteria at 30, 60 and 90
days and a go/no-go checkpoint (``save_plan:`` in the account, ``csplan saveplan``).
"""

ID = "SP025"
LEVEL = "warning"


def check(ctx):
    level = ctx.level
    if level is None or level.level != "critical" or ctx.account.save_plan is not None:
        return
    first = level.triggers[0]
    reasons = "; ".join(t.text for t in level.triggers)
    path = ("account",)
    events = [i for i, e in enumerate(ctx.account.events) if e.date == first.since
              and e.type in ctx.program.early_warning.critical.events]
    if events:
        path = ("events", events[0])
    elif ctx.account.health is not None:
        weeks = [i for i, r in enumerate(ctx.account.health.weekly) if r.week == first.since]
        path = ("health", "weekly", weeks[0]) if weeks else ("health",)
    yield path, (f"Critical since {level.since} because {reasons}, and no save plan; "
                 f"{level.response.lower()} due {level.due}: write a save_plan section")
