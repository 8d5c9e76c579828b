"""SP013: Health weights sum to 100, 4-8 dimensions, the usage weight the largest.

Product usage is objective and hardest to fake, so it weighs the most.
"""

ID = "SP013"
LEVEL = "error"


def check(ctx):
    health = ctx.account.health
    if health is None or not health.weights:
        return
    weights = health.weights
    total = sum(weights.values())
    if abs(total - 100) > 1e-9:
        yield ("health", "weights"), f"health weights sum to {total:g}, not 100"
    if not 4 <= len(weights) <= 8:
        yield ("health", "weights"), f"health has {len(weights)} dimensions; use 4 to 8"
    usage = [d for d in weights if "usage" in d or "adoption" in d]
    if not usage:
        yield ("health", "weights"), "no usage dimension in health weights; add 'usage'"
    else:
        top = max(weights.values())
        if max(weights[d] for d in usage) < top:
            heaviest = max(weights, key=weights.get)
            yield ("health", "weights", usage[0]), (
                f"'{usage[0]}' weighs {weights[usage[0]]:g}, less than '{heaviest}' "
                f"({top:g}); usage must weigh the most")
