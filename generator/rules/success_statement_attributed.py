"""SP020: The success statement has a quote and names who said it.

The customer's own words, attributed, are what the plan is measured against.
"""

ID = "SP020"
LEVEL = "warning"


def check(ctx):
    statement = ctx.account.objectives.success_statement
    if statement is None or not statement.quote:
        yield ("objectives",), "no success statement; quote the customer's own words in " \
                               "objectives.success_statement.quote"
    elif not statement.by:
        yield ("objectives", "success_statement"), "the success statement does not say who " \
                                                   "said it (by: a stakeholder id)"
