"""SP003: Every person reference names a known id.

Owners must be real people: every ``owner``, ``by``, ``audience`` and ``attendees`` entry
(and the save plan's action owners and executives) names the ``id`` of a vendor_team member
or a stakeholder.
"""

import difflib

from csplan.text import is_placeholder

ID = "SP003"
LEVEL = "error"


def references(account):
    """Yield (path, person id) for every person reference in the account."""
    for i, m in enumerate(account.metrics):
        yield ("metrics", i, "owner"), m.owner
    for i, m in enumerate(account.milestones):
        if not is_placeholder(m.owner):  # a TBD owner is SP004's to report
            yield ("milestones", i, "owner"), m.owner
    for i, r in enumerate(account.risks):
        yield ("risks", i, "owner"), r.owner
    for i, c in enumerate(account.communication):
        yield ("communication", i, "owner"), c.owner
        for j, who in enumerate(c.audience):
            yield ("communication", i, "audience", j), who
    for i, e in enumerate(account.escalation):
        yield ("escalation", i, "owner"), e.owner
    statement = account.objectives.success_statement
    if statement is not None:
        yield ("objectives", "success_statement", "by"), statement.by
    for q, qbr in enumerate(account.qbrs):
        for j, who in enumerate(qbr.attendees):
            yield ("qbrs", q, "attendees", j), who
        for j, item in enumerate(qbr.agenda or []):
            yield ("qbrs", q, "agenda", j, "owner"), item.owner
        for j, item in enumerate(qbr.action_items):
            yield ("qbrs", q, "action_items", j, "owner"), item.owner
    plan = account.save_plan
    if plan is not None:
        for i, action in enumerate(plan.actions):
            if not is_placeholder(action.owner):  # a TBD owner is SP026's to report
                yield ("save_plan", "actions", i, "owner"), action.owner
        if plan.alignment is not None:
            for side in ("vendor", "customer"):
                for i, who in enumerate(getattr(plan.alignment, side)):
                    yield ("save_plan", "alignment", side, i), who


def check(ctx):
    known = sorted(ctx.account.person_ids)
    for path, person in references(ctx.account):
        if person is None or person in known:
            continue
        close = difflib.get_close_matches(person, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else \
            "; add them to vendor_team or stakeholders"
        yield path, f"'{person}' is not the id of anyone in vendor_team or stakeholders{hint}"
