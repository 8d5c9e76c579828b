"""The team's metrics of a book: renewal outcomes, time to value, QBR completion, health and
the expansion pipeline, per quarter and per segment, each against the program's target.

Every formula lives here (the portfolio and the program document only show the results).
Money is never added across currencies: a renewal is in its account's ``currency``, and every
figure built on sums of money (ARR before and after, GRR, NRR) is given once per currency
(``currencies`` lists them; a book in several says so). Counts and shares of accounts (logo
churn, on-time renewals, QBR completion, pipeline coverage) are over the whole book.
Renewals come from each account's internal ``renewals:`` history; an account without one is
named in ``missing``, never counted as a zero.

GRR (gross revenue retention), for the renewals that closed in a period::

    (ARR before - contraction - ARR of churned renewals) / ARR before

NRR (net revenue retention)::

    (ARR before + expansion - contraction - ARR of churned renewals) / ARR before

A renewal's expansion and contraction are its own fields when given, else the rise or the
fall from ``arr_before`` to ``arr_after``; a churned renewal loses all of ``arr_before`` and
neither expands nor contracts.

Logo churn rate: churned renewals / renewals that closed in the period. Every account comes
up for renewal once a contract year, so over a year of renewals this is the yearly logo churn
rate the target (below 5% a year) speaks of; a quarter's figure is that quarter's cohort.

Renewal rate on time: renewals with ``on_time: true`` / renewals where ``on_time`` is given
(those without it are named).

Time to first value: days from ``contract.start`` to the ``done_on`` of the account's first
done ``time_to_value`` milestone, averaged per quarter (of ``done_on``) and segment; accounts
that have not reached it are named.

QBR completion rate, per segment, over the 365 days up to today (or since the contract
started, if later): QBRs held (dated in that window, up to today) against those due by the
segment's ``qbr`` cadence in the program (one per 7, 30, 91, 182 or 365 days; none for
``none``), each account counting at most the QBRs it owed.

Health distribution: accounts per band of their newest week, per segment.

Expansion pipeline coverage, per segment: of the accounts that qualify for expansion (the
gate), the share whose newest QBR carries an expansion opportunity; the others are named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from csplan.inputs.model import Account, Renewal
from csplan.inputs.program import Program

ALL = "all"  # the segment of the rows that add up every segment
CADENCE_DAYS = {"weekly": 7, "monthly": 30, "quarterly": 91, "semi-annual": 182,
                "annual": 365}


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Outcome:
    """One renewal, normalised: ARR before and after, expansion, contraction, churned ARR."""

    before: float
    after: float
    expansion: float
    contraction: float
    churned: float  # ARR lost to churn (arr_before when churned, else 0)
    on_time: Optional[bool]


def outcome(r: Renewal) -> Outcome:
    """Return a renewal normalised (see the module's docstring)."""
    if r.churned:
        return Outcome(r.arr_before, 0.0, 0.0, 0.0, r.arr_before, r.on_time)
    after = r.arr_after if r.arr_after is not None else r.arr_before
    expansion = r.expansion if r.expansion is not None else max(0.0, after - r.arr_before)
    contraction = r.contraction if r.contraction is not None else max(0.0, r.arr_before - after)
    return Outcome(r.arr_before, r.arr_before + expansion - contraction, expansion, contraction,
                   0.0, r.on_time)


def grr(outcomes: list[Outcome]) -> Optional[float]:
    """Gross revenue retention (a share, 0.92), or None without ARR to retain."""
    before = sum(o.before for o in outcomes)
    if not before:
        return None
    return (before - sum(o.contraction for o in outcomes) - sum(o.churned for o in outcomes)) \
        / before


def nrr(outcomes: list[Outcome]) -> Optional[float]:
    """Net revenue retention (a share, 1.08), or None without ARR to retain."""
    before = sum(o.before for o in outcomes)
    if not before:
        return None
    return (before + sum(o.expansion for o in outcomes) - sum(o.contraction for o in outcomes)
            - sum(o.churned for o in outcomes)) / before


def logo_churn(outcomes: list[Outcome]) -> Optional[float]:
    """Churned renewals / renewals (a share), or None without renewals."""
    return sum(1 for o in outcomes if o.churned) / len(outcomes) if outcomes else None


def on_time_rate(outcomes: list[Outcome]) -> Optional[float]:
    """Renewals closed on time / renewals whose ``on_time`` is known, or None."""
    known = [o for o in outcomes if o.on_time is not None]
    return sum(1 for o in known if o.on_time) / len(known) if known else None


@dataclass
class RenewalRow:
    """The renewal metrics of one quarter, segment (``all``: every segment) and currency."""

    quarter: str
    segment: str
    currency: str  # of every renewal in the row: money is summed in one currency only
    renewals: int
    arr_before: float
    arr_after: float
    grr: Optional[float]
    nrr: Optional[float]
    logo_churn: Optional[float]
    on_time: Optional[float]


@dataclass
class SegmentRow:
    """The metrics of one segment now (segment ``all``: every segment)."""

    segment: str
    accounts: int
    bands: dict[str, int]
    qbrs_held: int
    qbrs_due: int
    qbr_completion: Optional[float]
    qualified: int
    with_opportunity: int
    pipeline_coverage: Optional[float]


@dataclass
class ValueRow:
    quarter: str
    segment: str
    accounts: int
    mean_days: float


@dataclass
class Target:
    name: str  # grr | nrr | logo_churn | on_time_renewals
    target: float  # percent
    above: bool  # the value must be above the target (else below)
    value: Optional[float]  # percent, over every renewal recorded (in ``currency``)
    met: Optional[bool]
    currency: Optional[str] = None  # grr and nrr: one target per currency; None: no money


@dataclass
class BookOutcomes:
    renewals: list[RenewalRow] = field(default_factory=list)
    segments: list[SegmentRow] = field(default_factory=list)
    time_to_value: list[ValueRow] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)  # what -> account names
    currencies: list[str] = field(default_factory=list)  # of the renewals, sorted


def _renewal_row(quarter: str, segment: str, currency: str,
                 outcomes: list[Outcome]) -> RenewalRow:
    return RenewalRow(quarter, segment, currency, len(outcomes),
                      sum(o.before for o in outcomes),
                      sum(o.after for o in outcomes), grr(outcomes), nrr(outcomes),
                      logo_churn(outcomes), on_time_rate(outcomes))


def qbrs_held_and_due(account: Account, program: Program, today: date) -> tuple[int, int]:
    """Return the QBRs held in the year up to today and those due by the segment's cadence
    (held counted at most up to due)."""
    every = CADENCE_DAYS.get(program.segments[account.account.segment].qbr)
    if every is None:
        return 0, 0
    start = max(today - timedelta(days=365), account.contract.start)
    due = max(0, (today - start).days) // every
    held = sum(1 for q in account.qbrs if start <= q.date <= today)
    return min(held, due), due


def first_value_days(account: Account) -> Optional[tuple[date, int]]:
    """Return the day time to value was reached and the days it took, or None."""
    done = [m.done_on for m in account.milestones
            if m.time_to_value and m.status == "done" and m.done_on]
    if not done:
        return None
    day = min(done)
    return day, (day - account.contract.start).days


def book_outcomes(book: list[tuple[Account, Program, Optional[str], bool]],
                  today: date) -> BookOutcomes:
    """Return the team's metrics of a book: for each account, its program, its band (None
    without weekly health) and whether it qualifies for expansion."""
    out = BookOutcomes()
    missing: dict[str, list[str]] = defaultdict(list)
    by_group: dict[tuple[str, str, str], list[Outcome]] = defaultdict(list)
    by_currency: dict[str, list[Outcome]] = defaultdict(list)
    values: dict[tuple[str, str], list[int]] = defaultdict(list)
    segments: dict[str, SegmentRow] = {}
    every: list[Outcome] = []
    for account, program, band, qualifies in book:
        name, segment = account.account.name, account.account.segment
        currency = account.account.currency
        if not account.renewals:
            missing["renewals"].append(name)
        for r in account.renewals:
            o = outcome(r)
            every.append(o)
            by_currency[currency].append(o)
            for s in (segment, ALL):
                by_group[(quarter_of(r.date), s, currency)].append(o)
            if r.on_time is None:
                missing["on_time"].append(f"{name} ({r.date})")
        reached = first_value_days(account)
        if reached is None:
            missing["time_to_value"].append(name)
        else:
            for s in (segment, ALL):
                values[(quarter_of(reached[0]), s)].append(reached[1])
        held, due = qbrs_held_and_due(account, program, today)
        if band is None:
            missing["health"].append(name)
        opportunity = bool(account.qbrs) and account.qbrs_by_date()[-1].expansion is not None
        if qualifies and not opportunity:
            missing["opportunity"].append(name)
        for s in (segment, ALL):
            row = segments.setdefault(s, SegmentRow(s, 0, {"green": 0, "yellow": 0, "red": 0,
                                                           "none": 0}, 0, 0, None, 0, 0, None))
            row.accounts += 1
            row.bands[band or "none"] += 1
            row.qbrs_held += held
            row.qbrs_due += due
            row.qualified += qualifies
            row.with_opportunity += qualifies and opportunity
    for row in segments.values():
        row.qbr_completion = row.qbrs_held / row.qbrs_due if row.qbrs_due else None
        row.pipeline_coverage = row.with_opportunity / row.qualified if row.qualified else None
    order = {s: i for i, s in enumerate(("enterprise", "mid-market", "smb", "self-serve", ALL))}
    out.segments = sorted(segments.values(), key=lambda r: order[r.segment])
    out.renewals = [_renewal_row(q, s, c, o) for (q, s, c), o in sorted(
        by_group.items(), key=lambda kv: (kv[0][0], order[kv[0][1]], kv[0][2]))]
    out.currencies = sorted(by_currency)
    out.time_to_value = [ValueRow(q, s, len(d), round(sum(d) / len(d), 1)) for (q, s), d in
                         sorted(values.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))]
    targets = book[0][1].targets if book else Program.default().targets
    money = [(c, by_currency[c]) for c in out.currencies] or [(None, [])]
    for key, target, above, currency, value in (
            *(("grr", targets.grr, True, c, grr(o)) for c, o in money),
            *(("nrr", targets.nrr, True, c, nrr(o)) for c, o in money),
            ("logo_churn", targets.logo_churn, False, None, logo_churn(every)),
            ("on_time_renewals", targets.on_time_renewals, True, None, on_time_rate(every))):
        percent = None if value is None else round(value * 100, 1)
        met = None if percent is None else (percent > target if above else percent < target)
        out.targets.append(Target(key, target, above, percent, met, currency))
    out.missing = {k: v for k, v in missing.items()}
    return out
