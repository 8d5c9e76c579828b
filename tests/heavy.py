"""A deliberately heavy account: 30 milestones, 12 metrics, a 1,500-character challenge and
long names, built from Northwind, for layout tests and for looking at the deck."""

from __future__ import annotations

from tests.conftest import NORTHWIND

LONG_NAME = "Maximiliane Alexandra von Hohenzollern-Sigmaringen"
CHALLENGE = (
    "Peak-season adoption dipped in the northern region for two weeks because the night "
    "shift dispatchers were moved to a temporary depot without tablets, so loads were "
    "planned on paper and keyed in the next morning; the regional manager asked for a "
    "fallback process, and we agreed to pilot an offline mode for the handheld app while IT "
    "replaces the depot network. ") * 5


def heavy_text() -> str:
    text = NORTHWIND.read_text(encoding="utf-8")
    text = text.replace("    name: Maria Lopez\n", f"    name: {LONG_NAME}\n")
    metrics = "".join(
        f"  - id: extra-{i}\n    name: Regional KPI number {i} with a fairly long name\n"
        f"    kind: business\n    unit: percent\n    direction: up\n    baseline: {40 + i}\n"
        f"    target: {80 + i}\n    due: 2027-03-01\n    source: Northwind BI dashboard\n"
        f"    owner: maria\n    actuals:\n      - {{date: 2026-06-30, value: {50 + i}}}\n"
        f"      - {{date: 2026-10-31, value: {70 + i}}}\n" for i in range(7))
    text = text.replace("\nleading_indicators:\n", "\n" + metrics + "\nleading_indicators:\n")
    milestones = "".join(
        f"  - {{id: wave-{i}, phase: adopt, title: 'Rollout wave {i}: depot {i} dispatches "
        f"every route from Fleetline', owner: li, due: 2027-0{1 + i % 3}-1{i % 10}, "
        f"status: not-started}}\n" for i in range(23))
    text = text.replace("\ncommitments:\n", "\n" + milestones + "\ncommitments:\n")
    challenge = CHALLENGE[:1500].rsplit(" ", 1)[0] + "."
    return text.replace("      - Peak-season adoption dipped in the northern region for two "
                        "weeks\n", f"      - \"{challenge}\"\n")
