"""SP007: An executive sponsor is named.

The executive sponsor is identified and has an engagement role.
"""

ID = "SP007"
LEVEL = "error"


def check(ctx):
    if not ctx.account.stakeholders_with("executive-sponsor"):
        yield ("stakeholders",), "no stakeholder has role: executive-sponsor; name the " \
                                 "customer's executive sponsor"
