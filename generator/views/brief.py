"""The internal view: what the CSM and their manager see, health and notes included.

Kept apart from ``customer`` (the customer-safe views) on purpose: the QBR prep brief and
the portfolio are built from an account's ``Derived`` values, health included, and no
customer document ever is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from csplan.derive import Derived
from csplan.views.docinfo import DocInfo
from csplan.views.fmt import Formatter
from csplan.views.customer import Row, author, label

ROLE_NAMES = {"csm": "CSM", "ae": "Account executive", "cs-manager": "CS manager",
              "executive": "Executive"}


@dataclass(frozen=True)
class BriefView:
    account_name: str
    vendor_name: str
    generated_on: str
    quarter: str  # the coming QBR, or "" when none is planned
    qbr_date: str
    score: str
    band: str
    trend: tuple[tuple[date, float], ...]
    trend_labels: tuple[str, str]  # first and last week, written for the locale
    green_at: float
    yellow_at: float
    dimensions: tuple[Row, ...]  # dimension, weight, latest sub-score, change
    alerts: tuple[str, ...]
    playbook: str
    playbook_reason: str
    playbook_steps: tuple[Row, ...]  # date, who, action
    expansion: str
    conditions: tuple[tuple[str, bool], ...]
    churn: tuple[str, ...]
    actions: tuple[Row, ...]  # action, owner, due, state
    notes: str
    checklist: tuple[str, ...]
    info: DocInfo  # the file's properties


def brief_view(derived: Derived, vendor_name: str) -> BriefView:
    """Return the internal QBR prep brief of one account on its ``today``."""
    a, program, today = derived.account, derived.program, derived.today
    fmt = Formatter(a.account.locale, a.account.currency)
    series = derived.health
    last = derived.latest_health
    weights = derived.weights
    dims = []
    for name, weight in weights.items():
        now = last.scores.get(name) if last else None
        before = series[-2].scores.get(name) if len(series) > 1 else None
        change = "" if now is None or before is None else f"{now - before:+g}"
        dims.append(Row((label(name), f"{weight:g}%", "–" if now is None else f"{now:g}",
                         change)))
    alerts = _grouped_alerts(derived.alerts, series, fmt)
    call = derived.playbook
    steps: tuple[Row, ...] = ()
    playbook, reason = "No playbook: health calls for no action this week", ""
    if call is not None:
        book = program.playbooks[call.name]
        playbook = f"{label(call.name)} playbook"
        reason = (f"Triggered {fmt.date(call.triggered)}: {call.reason} (the program: "
                  f"{book.when}).")
        steps = tuple(Row((fmt.date(call.triggered + timedelta(days=s.day)),
                           ROLE_NAMES.get(s.owner, label(s.owner)), s.action))
                      for s in book.steps)
    verdict = derived.verdict
    qbr = derived.qbr
    upcoming = qbr if qbr is not None and qbr.date >= today else None
    actions = []
    for q in a.qbrs_by_date():
        for item in q.action_items:
            if not item.done:
                state = "past due" if item.due and item.due < today else "open"
                actions.append(Row((item.text, a.person_name(item.owner) or "",
                                    fmt.date(item.due), f"{state} ({q.quarter})")))
    value = [f"{v.claim}: {v.value}" for q in reversed(a.qbrs_by_date()) for v in q.value][:2]
    checklist = [
        f"Health trend: {last.band} at {last.score:g}" + (
            f", {'+' if last.drop is not None and last.drop < 0 else '-'}"
            f"{abs(last.drop or 0):g} on the week" if last.drop is not None else "")
        if last else "Health trend: no weekly scores yet; score this week first",
        "Two quantified ROI points: " + ("; ".join(value) if len(value) == 2 else
                                         "; ".join(value) + (" (find one more)" if value
                                                             else "none recorded: find two")),
        f"Success plan status: {label(a.status)}, last reviewed "
        f"{fmt.date(a.last_reviewed) or 'never'}",
        f"Renewal: {fmt.date(a.contract.renewal)} "
        f"({(a.contract.renewal - today).days} days)",
    ]
    if last is not None and last.band == "green":
        if qbr is not None and qbr.expansion is not None:
            checklist.append(f"Expansion opportunity: {qbr.expansion.opportunity}")
        else:
            checklist.append("Expansion opportunity: green, so bring one")
    return BriefView(
        account_name=a.account.name, vendor_name=vendor_name, generated_on=fmt.date(today),
        quarter=upcoming.quarter if upcoming else "",
        qbr_date=fmt.date(upcoming.date) if upcoming else "",
        score=f"{last.score:g}" if last else "–", band=last.band if last else "none",
        trend=tuple((w.week, w.score) for w in series),
        trend_labels=(fmt.date(series[0].week), fmt.date(series[-1].week)) if series
        else ("", ""),
        green_at=program.health.bands.green, yellow_at=program.health.bands.yellow,
        dimensions=tuple(dims), alerts=tuple(alerts), playbook=playbook,
        playbook_reason=reason, playbook_steps=steps,
        expansion="qualifies" if verdict.qualifies else "withheld",
        conditions=tuple((c.detail, c.met) for c in verdict.conditions),
        churn=tuple(churn_indicators(derived)),
        actions=tuple(actions), notes=(a.internal.notes or "") if a.internal else "",
        checklist=tuple(checklist),
        info=DocInfo.on(today, title=f"{a.account.name}: QBR prep brief (internal)",
                        subject=f"Internal QBR prep brief for {a.account.name}",
                        author=author(a, vendor_name), company=vendor_name, language="en",
                        category="Internal"))


def _grouped_alerts(alerts, series, fmt: Formatter) -> list[str]:
    """Return alert lines, with runs of consecutive yellow weeks said once."""
    yellow = [w for w in series if w.band == "yellow"]
    out, run = [], []

    def flush() -> None:
        if len(run) == 1:
            out.append(f"{fmt.date(run[0].week)}: yellow ({run[0].score:g})")
        elif run:
            out.append(f"Yellow for {len(run)} weeks, {fmt.date(run[0].week)} to "
                       f"{fmt.date(run[-1].week)} ({run[0].score:g} to {run[-1].score:g})")
        run.clear()

    for w in series:
        if w in yellow:
            run.append(w)
        else:
            flush()
    flush()
    out += [f"{fmt.date(a.week)}: {a.text}" for a in alerts if not a.text.startswith("yellow")]
    return out


def churn_indicators(derived: Derived) -> list[str]:
    """Return the churn indicators present: champion gone, missed touchpoints, metrics off
    track, renewal within 90 days with no QBR scheduled."""
    a, today = derived.account, derived.today
    found = []
    if not a.stakeholders_with("champion"):
        found.append("Champion gone: no stakeholder has role champion")
    stale = derived.review.limit
    if derived.review.stale:
        found.append(f"Missed touchpoints: plan not reviewed with the champion in {stale} days")
    off = [m.name for m in a.metrics if derived.progress[m.id].on_track is False]
    if off:
        found.append(f"Metrics off track: {', '.join(off)}")
    to_renewal = (a.contract.renewal - today).days
    scheduled = [q for q in a.qbrs if today <= q.date <= a.contract.renewal]
    if 0 <= to_renewal <= 90 and not scheduled:
        found.append(f"Renewal in {to_renewal} days with no QBR scheduled")
    return found
