"""Write N realistic synthetic accounts for benchmarks: varied sizes, locales and segments,
about one in twenty with a check error (as a real book has).

    python benchmarks/synth.py OUT_DIR [--n 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import shutil
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALES = [("en-US", "USD"), ("en-GB", "GBP"), ("de-DE", "EUR"), ("fr-FR", "EUR"),
           ("es-ES", "EUR"), ("ja-JP", "JPY"), ("en-AU", "AUD"), ("nl-NL", "EUR")]
SEGMENTS = [("enterprise", 150000, "Monthly call", "Quarterly"),
            ("mid-market", 45000, "Quarterly call", "Semi-annual"),
            ("smb", 9000, "As needed", "Annual"), ("self-serve", 2000, "As needed", "Annual")]
INDUSTRIES = ["Logistics", "Healthcare", "Retail", "Manufacturing", "Education", "Finance"]
WORDS = ("route dispatch depot shipment invoice clinic rota tablet warehouse region driver "
         "customer schedule report dashboard team planner load carrier order").split()


def phrase(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def account(i: int, rng: random.Random, today: date) -> str:
    locale, currency = rng.choice(LOCALES)
    segment, arr, touch, qbr_cadence = rng.choice(SEGMENTS)
    start = today - timedelta(days=rng.randint(40, 300))
    renewal = start + timedelta(days=364)
    n_metrics, n_milestones = rng.randint(2, 8), rng.randint(4, 20)
    broken = i % 20 == 7
    lines = [
        "schema: 1", "account:", f"  name: Synthetic Account {i:04d} {rng.choice(WORDS).title()}",
        f"  industry: {rng.choice(INDUSTRIES)}", f"  segment: {segment}",
        f"  arr: {int(arr * rng.uniform(0.6, 1.8))}", f"  currency: {currency}",
        f"  locale: {locale}", "  logo: logo.png",
        "product: {name: Fleetline, plan: Professional, seats: %d}" % rng.randint(10, 400),
        f"contract: {{start: {start}, renewal: {renewal}}}",
        "stage: expanding", "status: active", f"last_reviewed: {today - timedelta(days=10)}",
        "vendor_team:",
        f"  - {{id: csm, name: CSM {i % 12:02d} Person, title: Customer Success Manager, "
        "role: csm}",
        "  - {id: ae, name: Account Exec, title: Account Executive, role: ae}",
        "stakeholders:",
        f"  - {{id: champ, name: Champion {i}, title: Head of Operations, role: champion, "
        f"engagement: {{frequency: {touch}, format: Video}}}}",
        "  - {id: sponsor, name: Sponsor Person, title: COO, role: executive-sponsor}",
        "objectives:",
        f"  summary: {phrase(rng, 25)}.",
        f"  primary_goal: {phrase(rng, 10)}",
        "  success_statement: {quote: " + phrase(rng, 14) + ", by: champ}",
        "metrics:",
    ]
    for m in range(n_metrics):
        baseline, target = rng.randint(10, 50), rng.randint(60, 95)
        due = min(renewal - timedelta(days=5), today + timedelta(days=rng.randint(30, 150)))
        lines += [f"  - id: m{m}", f"    name: {phrase(rng, rng.randint(2, 6))}",
                  f"    kind: {'business' if m == 0 else rng.choice(['business', 'adoption'])}",
                  "    unit: percent", "    direction: up",
                  "" if broken and m == 0 else f"    baseline: {baseline}",
                  f"    target: {target}", f"    due: {due}", "    source: BI export",
                  "    owner: champ", "    actuals:"]
        for k in range(rng.randint(1, 4)):
            on = start + timedelta(days=30 * (k + 1))
            if on < today:
                lines.append(f"      - {{date: {on}, value: {baseline + (k + 1) * 5}}}")
        if lines[-1] == "    actuals:":
            lines[-1] = "    actuals: []"
    lines.append("milestones:")
    for k in range(n_milestones):
        due = start + timedelta(days=14 * (k + 1))
        due = min(due, renewal - timedelta(days=3))
        done = due < today - timedelta(days=10)
        lines.append(f"  - {{id: ms{k}, phase: {['onboard', 'adopt', 'value'][k % 3]}, "
                     f"title: {phrase(rng, rng.randint(3, 9))}, "
                     f"owner: {'champ' if k % 2 else 'csm'}, due: {due}, "
                     f"status: {'done' if done else 'in-progress'}"
                     + (f", done_on: {due}" if done else "")
                     + (", time_to_value: true, confirmed_by: product" if k == 1 else "")
                     + ("" if k != 1 or done else ", time_to_value: true") * 0 + "}")
    lines += [
        "commitments:", "  vendor: [Named CSM, Quarterly business review]",
        "  customer: [Champion joins a monthly call, Share data each quarter]",
        "risks:",
        "  - {title: Champion leaves, category: champion-departure, likelihood: low, "
        "impact: high, mitigation: Multi-thread, owner: csm}",
        "  - {title: Low use, category: low-adoption, likelihood: medium, impact: medium, "
        "mitigation: Training, owner: csm}",
        "communication:",
        f"  - {{what: QBR, audience: [champ, sponsor], frequency: {qbr_cadence}, "
        "format: Video, owner: csm}",
        "escalation:",
        "  - {trigger: Health drops to red, action: Leadership review, owner: csm, "
        "within: 24 hours}",
        "health:",
        "  weights: {usage: 35, engagement: 25, outcomes: 20, support: 10, relationship: 10}",
        "  weekly:",
    ]
    level = rng.randint(45, 90)
    for w in range(8):
        week = today - timedelta(days=7 * (8 - w))
        level = max(5, min(100, level + rng.randint(-6, 6)))
        lines.append(f"    - {{week: {week}, usage: {level}, engagement: {level}, "
                     f"outcomes: {level}, support: 90, relationship: 80}}")
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    lines += [
        "qbrs:", f"  - quarter: {quarter}", f"    date: {today + timedelta(days=10)}",
        "    attendees: [champ, sponsor, csm]",
        f"    wins: [{phrase(rng, 8)}]",
        f"    value: [{{claim: {phrase(rng, 4)}, value: about {rng.randint(5, 90)} hours, "
        "basis: Time study}]",
        f"    challenges: [{phrase(rng, 12)}]",
        f"    roadmap: [{{item: {phrase(rng, 3)}, why: {phrase(rng, 8)}, eta: {quarter}}}]",
        f"    next_quarter_goals: [{phrase(rng, 7)}, {phrase(rng, 6)}]",
        f"    action_items: [{{text: {phrase(rng, 6)}, owner: csm, "
        f"due: {today + timedelta(days=20)}}}]",
        "internal: {notes: Synthetic}",
    ]
    return "\n".join(line for line in lines if line != "") + "\n"


def write_book(folder: Path, n: int, seed: int = 7, today: date = date(2026, 11, 23)) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "accounts" / "logos" / "northwind.png", folder / "logo.png")
    rng = random.Random(seed)
    for i in range(n):
        (folder / f"account-{i:04d}.yaml").write_text(account(i, rng, today), encoding="utf-8")
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(write_book(args.out, args.n, args.seed))
