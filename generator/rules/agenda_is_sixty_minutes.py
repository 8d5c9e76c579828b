"""SP016: QBR agenda minutes add up to 60.

A QBR is a 60-minute meeting.
"""

ID = "SP016"
LEVEL = "error"


def check(ctx):
    for i, qbr in enumerate(ctx.account.qbrs):
        if qbr.agenda:
            total = sum(item.minutes for item in qbr.agenda)
            if total != 60:
                yield ("qbrs", i, "agenda"), f"{qbr.quarter} agenda adds up to {total} minutes, " \
                                             "not 60"
