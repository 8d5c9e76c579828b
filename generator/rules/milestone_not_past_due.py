"""SP017: An open milestone is past due (at risk 1-6 days late, stalled 7 or more).

Plan status comes from due dates, not from how it feels.
"""

ID = "SP017"
LEVEL = "warning"


def check(ctx):
    for i, m in enumerate(ctx.account.milestones):
        late = ctx.days_late[m.id]
        if late:
            state = ctx.milestone_states[m.id].replace("-", " ")
            yield ("milestones", i, "due"), (f"milestone '{m.id}' is {late} days past due "
                                             f"({state}); finish it or agree a new date")
