"""SP011: The risk register covers champion departure and low adoption.

The two risks every account carries belong in the register.
"""

ID = "SP011"
LEVEL = "warning"


def check(ctx):
    categories = {r.category for r in ctx.account.risks}
    missing = [c for c in ("champion-departure", "low-adoption") if c not in categories]
    if missing:
        yield ("risks",), f"the risk register has no {' or '.join(missing)} risk; add one " \
                          "with a mitigation"
