"""SP004: Every milestone has an owner and a due date; no "TBD".

Milestones have specific owners and due dates: a placeholder is a decision not yet made.
"""

from csplan.text import is_placeholder

ID = "SP004"
LEVEL = "error"


def check(ctx):
    for i, m in enumerate(ctx.account.milestones):
        if m.owner is None or is_placeholder(m.owner):
            yield ("milestones", i, "owner"), \
                f"milestone '{m.id}' has no owner; name the person (an id) who will get it done"
        if m.due is None:
            yield ("milestones", i, "id"), f"milestone '{m.id}' has no due date"
        if "tbd" in m.title.lower().split() or "tbc" in m.title.lower().split():
            yield ("milestones", i, "title"), f"milestone '{m.id}' title says TBD; decide it"
