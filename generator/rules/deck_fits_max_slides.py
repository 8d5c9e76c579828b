"""SP023: The QBR deck would exceed `checks.max_deck_slides` (15) slides.

A QBR deck is 10-15 slides at most: a longer one is not a 60-minute meeting.
"""

ID = "SP023"
LEVEL = "error"


def check(ctx):
    if ctx.qbr is None:
        return
    slides = ctx.slide_count
    limit = ctx.program.checks.max_deck_slides
    if slides > limit:
        index = ctx.account.qbrs.index(ctx.qbr)
        yield ("qbrs", index), (f"the deck would have {slides} slides (more than {limit}); "
                                "trim milestones, metrics or action items")
