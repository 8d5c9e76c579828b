"""SP015: An expansion entered for a QBR is withheld when the account does not qualify.

Expansion is earned, not sold: the message names each unmet condition of the expansion gate.
"""

ID = "SP015"
LEVEL = "warning"


def check(ctx):
    qbr = ctx.qbr
    if qbr is None or qbr.expansion is None or ctx.verdict.qualifies:
        return
    index = ctx.account.qbrs.index(qbr)
    reasons = "; ".join(c.detail for c in ctx.verdict.unmet)
    yield ("qbrs", index, "expansion"), f"expansion withheld from the {qbr.quarter} deck: {reasons}"
