"""The capacity of a book of accounts against the program's coverage model.

Each account's CSM is the first ``vendor_team`` member with role ``csm``. A CSM's load is
the sum, over segments, of their accounts in that segment divided by the segment's
``accounts_per_csm`` upper bound: 1.0 is a full book. The team needs, per segment, its
accounts divided by that bound, rounded up overall.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from csplan.inputs.model import Account
from csplan.inputs.program import Program

SEGMENTS = ("enterprise", "mid-market", "smb", "self-serve")
UNASSIGNED = "(no CSM named)"


@dataclass
class CsmLoad:
    name: str
    accounts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # ARR per segment per currency: accounts are kept in their own currencies, never mixed
    arr: dict[str, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    load: float = 0.0  # 1.0 = a full book at the program's upper ratios

    @property
    def over_by(self) -> float:
        """Return how far over capacity, as a share (0.25 = 25 % over), or 0."""
        return max(0.0, self.load - 1.0)


@dataclass
class Capacity:
    csms: list[CsmLoad]
    accounts: dict[str, int]
    arr: dict[str, dict[str, float]]
    needed: int  # CSMs the book needs at the program's ratios
    have: int

    @property
    def more_needed(self) -> int:
        return max(0, self.needed - self.have)

    @property
    def over(self) -> list[CsmLoad]:
        return [c for c in self.csms if c.over_by > 0]


def csm_of(account: Account) -> str:
    csm = next((p for p in account.vendor_team if p.role == "csm"), None)
    return csm.name if csm else UNASSIGNED


def capacity(accounts: list[Account], program: Program) -> Capacity:
    """Return accounts and ARR per CSM per segment, each CSM's load, and the CSMs needed."""
    csms: dict[str, CsmLoad] = {}
    totals: dict[str, int] = defaultdict(int)
    arr: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for account in accounts:
        segment, currency = account.account.segment, account.account.currency
        load = csms.setdefault(csm_of(account), CsmLoad(csm_of(account)))
        load.accounts[segment] += 1
        load.arr[segment][currency] += account.account.arr
        totals[segment] += 1
        arr[segment][currency] += account.account.arr
    for load in csms.values():
        load.load = sum(n / program.segments[s].accounts_per_csm[1]
                        for s, n in load.accounts.items())
    needed = math.ceil(round(sum(n / program.segments[s].accounts_per_csm[1]
                                 for s, n in totals.items()), 9)) if totals else 0
    named = [c for c in csms.values() if c.name != UNASSIGNED]
    return Capacity(sorted(csms.values(), key=lambda c: (-c.load, c.name)), dict(totals),
                    dict(arr), needed, len(named))
