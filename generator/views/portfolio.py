"""The portfolio: where the risk, the renewals and the capacity are across a book (internal).

Every number comes from each account's ``Derived`` values, the ones ``check`` reads, for the
same date.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Optional

from csplan import derive
from csplan.derive import WeekHealth
from csplan.derive.capacity import capacity, csm_of
from csplan.derive.outcomes import book_outcomes
from csplan.findings import Finding
from csplan.inputs.loader import LoadedAccount
from csplan.system import internal_error
from csplan.inputs.program import Program
from csplan.views.customer import label


@dataclass
class AccountLine:
    name: str
    file: str
    segment: str
    csm: str
    arr: float
    currency: str
    band: str  # green | yellow | red | none
    score: Optional[float]
    trend: str  # up | down | flat | none
    renewal: str
    days_to_renewal: int
    stale: bool
    stalled: list[str]
    expansion_qualifies: bool
    arr_segment: str  # the segment the ARR puts it in
    level: str = "none"  # early warning: watch | warning | critical | none
    level_since: str = ""
    response_due: str = ""
    overdue: bool = False
    save_plan: bool = False


@dataclass
class Portfolio:
    today: str
    accounts: list[AccountLine] = field(default_factory=list)
    bands: dict[str, int] = field(default_factory=dict)
    renewals: dict[str, list[str]] = field(default_factory=dict)  # "30" -> names
    stale: list[str] = field(default_factory=list)
    stalled: list[str] = field(default_factory=list)
    expansion: list[str] = field(default_factory=list)
    capacity: list[dict] = field(default_factory=list)
    needed_csms: int = 0
    csms: int = 0
    misfiled: list[dict] = field(default_factory=list)
    unreadable: list[dict] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)
    outcomes: dict = field(default_factory=dict)  # derive.outcomes.BookOutcomes, as a dict

    def as_dict(self) -> dict:
        return asdict(self)


def segment_for_arr(arr: float, program: Program) -> str:
    """Return the segment whose ARR range holds ``arr`` (the highest arr_min not above it)."""
    fitting = [(s.arr_min, name) for name, s in program.segments.items() if arr >= s.arr_min]
    return max(fitting)[1] if fitting else min(
        program.segments.items(), key=lambda kv: kv[1].arr_min)[0]


def _trend(series: list[WeekHealth]) -> str:
    if len(series) < 2:
        return "none"
    change = series[-1].score - series[-2].score
    return "up" if change >= 1 else "down" if change <= -1 else "flat"


def _line(item: LoadedAccount, program: Program, today: date) -> AccountLine:
    """Return one account's line of the portfolio."""
    a = item.account
    derived = derive.of(a, program, today)
    series = derived.health
    band = derived.band or "none"
    days = (a.contract.renewal - today).days
    stale = derived.review.stale
    stalled = [m.title for m in a.milestones if derived.milestone_states[m.id] == "stalled"]
    level = derived.level
    return AccountLine(
        name=a.account.name, file=item.name, segment=a.account.segment, csm=csm_of(a),
        arr=a.account.arr, currency=a.account.currency, band=band,
        score=series[-1].score if series else None, trend=_trend(series),
        renewal=a.contract.renewal.isoformat(), days_to_renewal=days, stale=stale,
        stalled=stalled, expansion_qualifies=derived.verdict.qualifies,
        arr_segment=segment_for_arr(a.account.arr, program),
        level=level.level if level else "none",
        level_since=level.since.isoformat() if level else "",
        response_due=level.due.isoformat() if level else "",
        overdue=level.overdue if level else False, save_plan=a.save_plan is not None)


def portfolio(loaded: list[tuple[LoadedAccount, Program]], unreadable: list[Finding],
              today: date) -> Portfolio:
    """Return the portfolio of the accounts that loaded, each judged by its own program.

    An account csplan fails on (a bug) is left out and listed in ``unreadable`` with an
    INTERNAL finding; the others are still in the portfolio.
    """
    out = Portfolio(today=today.isoformat())
    out.bands = {"green": 0, "yellow": 0, "red": 0, "none": 0}
    out.renewals = {"30": [], "60": [], "90": []}
    out.levels = {"critical": 0, "warning": 0, "watch": 0, "none": 0}
    unreadable = list(unreadable)
    counted = []
    for item, program in loaded:
        try:
            line = _line(item, program, today)
        except Exception:  # noqa: BLE001 - one account's crash must not stop the others
            unreadable.append(internal_error(item.name, "listing this account"))
            continue
        counted.append((item, program))
        out.accounts.append(line)
        out.bands[line.band] += 1
        out.levels[line.level] += 1
        for window in ("30", "60", "90"):
            if 0 <= line.days_to_renewal <= int(window):
                out.renewals[window].append(line.name)
        if line.stale:
            out.stale.append(line.name)
        if line.stalled:
            out.stalled.append(line.name)
        if line.expansion_qualifies:
            out.expansion.append(line.name)
        if line.arr_segment != line.segment:
            out.misfiled.append({"name": line.name, "filed": line.segment,
                                 "by_arr": line.arr_segment, "arr": line.arr,
                                 "currency": line.currency})
    lines = {line.file: line for line in out.accounts}
    out.outcomes = asdict(book_outcomes(
        [(item.account, program, None if lines[item.name].band == "none" else
          lines[item.name].band, lines[item.name].expansion_qualifies)
         for item, program in counted], today))
    if counted:
        program = counted[0][1]
        book = capacity([item.account for item, _ in counted], program)
        out.needed_csms, out.csms = book.needed, book.have
        for csm in book.csms:
            out.capacity.append({
                "csm": csm.name, "accounts": dict(csm.accounts),
                "limits": {s: program.segments[s].accounts_per_csm[1] for s in csm.accounts},
                "arr": {s: dict(v) for s, v in csm.arr.items()},
                "load": round(csm.load, 4), "over_by": round(csm.over_by, 4)})
    out.accounts.sort(key=lambda x: ({"critical": 0, "warning": 1, "watch": 2, "none": 3}[x.level],
                                     {"red": 0, "yellow": 1, "green": 2, "none": 3}[x.band],
                                     x.score if x.score is not None else 0, x.name))
    out.unreadable = [f.as_dict() for f in unreadable]
    return out


def band_label(band: str) -> str:
    return label(band)
