"""SP023: The QBR deck would exceed `checks.max_deck_slides` (15) slides.

A QBR deck is 10-15 slides at most: a longer one is not a 60-minute meeting.
"""

from csplan import derive

from csplan.views import storyline

ID = "SP023"
LEVEL = "error"


def check(ctx):
    qbr_count = len(ctx.account.qbrs)
    if not qbr_count:
        return
    slides = storyline.slide_count(ctx.account, ctx.verdict.qualifies, ctx.today)
    limit = ctx.program.checks.max_deck_slides
    if slides > limit:
        index = ctx.account.qbrs.index(derive.newest_qbr(ctx.account))
        yield ("qbrs", index), (f"the deck would have {slides} slides (more than {limit}); "
                                "trim milestones, metrics or action items")
