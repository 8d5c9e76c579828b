"""The internal view: what the CSM and their manager see, health and notes included.

Kept apart from ``customer`` (the customer-safe views) on purpose: the QBR prep brief and
the portfolio are built from an account's ``Derived`` values, health included, and no
customer document ever is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional

from csplan.derive import Derived
from csplan.views.docinfo import DocInfo
from csplan.views.fmt import Formatter
from csplan.views.customer import Row, author, label
from csplan.views.saveplan import LevelView, SavePlanView, level_view, saveplan_view
from csplan.words import N_, _, language, ngettext

ROLE_NAMES = {"csm": N_("CSM"), "ae": N_("Account executive"), "cs-manager": N_("CS manager"),
              "executive": N_("Executive")}
# Translators: an expansion type, in the order a team offers them
EXPANSION_TYPES = {"seats": N_("More seats"), "tier": N_("A higher tier"),
                   "cross-sell": N_("Another product (cross-sell)"),
                   "services": N_("Services")}
# Translators: the same expansion types inside a sentence ("Propose a pilot: more seats, ...")
EXPANSION_PHRASES = {"seats": N_("more seats"), "tier": N_("a higher tier"),
                     "cross-sell": N_("another product (cross-sell)"),
                     "services": N_("services")}
# Translators: a health band, as the brief shows it after the score
BANDS = {"green": N_("green"), "yellow": N_("yellow"), "red": N_("red"), "none": N_("none")}


@dataclass(frozen=True)
class BriefView:
    account_name: str
    vendor_name: str
    generated_on: str
    quarter: str  # the coming QBR, or "" when none is planned
    quarter_shown: str  # the same, as the account's locale writes it (Q4 2026, T4 2026)
    qbr_date: str
    score: str
    band: str  # green | yellow | red | none
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
    level: Optional[LevelView] = None  # the early-warning level
    save_plan: Optional[SavePlanView] = None  # when Critical
    expansion_brief: Optional["ExpansionBrief"] = None  # when the expansion gate passes

    @property
    def band_label(self) -> str:
        """Return the band in words, in the active language."""
        return _(BANDS[self.band])


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
    playbook, reason = _("No playbook: health calls for no action this week"), ""
    if call is not None:
        book = program.playbooks[call.name]
        playbook = _("{name} playbook").format(name=label(call.name))
        reason = _("Triggered {day}: {reason} (the program: {when}).").format(
            day=fmt.date(call.triggered), reason=call.reason, when=book.when)
        steps = tuple(Row((fmt.date(call.triggered + timedelta(days=s.day)),
                           _(ROLE_NAMES[s.owner]) if s.owner in ROLE_NAMES else label(s.owner),
                           s.action))
                      for s in book.steps)
    verdict = derived.verdict
    qbr = derived.qbr
    upcoming = qbr if qbr is not None and qbr.date >= today else None
    actions = []
    for q in a.qbrs_by_date():
        for item in q.action_items:
            if not item.done:
                # Translators: the state of an action item and the QBR it is from
                state = _("past due ({quarter})") if item.due and item.due < today else _(
                    "open ({quarter})")
                actions.append(Row((item.text, a.person_name(item.owner) or "",
                                    fmt.date(item.due),
                                    state.format(quarter=fmt.quarter(q.quarter)))))
    value = [f"{v.claim}: {v.value}" for q in reversed(a.qbrs_by_date()) for v in q.value][:2]
    if last is None:
        trend = _("Health trend: no weekly scores yet; score this week first")
    elif last.drop is None:
        trend = _("Health trend: {band} at {score}").format(band=_(BANDS[last.band]),
                                                           score=f"{last.score:g}")
    else:
        # Translators: {change} is signed: +3 or -12.5 points since the week before
        trend = _("Health trend: {band} at {score}, {change} on the week").format(
            band=_(BANDS[last.band]), score=f"{last.score:g}",
            change=f"{'+' if last.drop < 0 else '-'}{abs(last.drop):g}")
    if len(value) == 2:
        roi = _("Two quantified ROI points: {points}").format(points="; ".join(value))
    elif value:
        roi = _("Two quantified ROI points: {points} (find one more)").format(points=value[0])
    else:
        roi = _("Two quantified ROI points: none recorded: find two")
    days_left = (a.contract.renewal - today).days
    checklist = [
        trend, roi,
        _("Success plan status: {status}, last reviewed {day}").format(
            status=label(a.status), day=fmt.date(a.last_reviewed) or _("never")),
        ngettext("Renewal: {day} ({days} day)", "Renewal: {day} ({days} days)",
                 days_left).format(day=fmt.date(a.contract.renewal), days=days_left),
    ]
    if last is not None and last.band == "green":
        if qbr is not None and qbr.expansion is not None:
            checklist.append(_("Expansion opportunity: {opportunity}").format(
                opportunity=qbr.expansion.opportunity))
        else:
            checklist.append(_("Expansion opportunity: green, so bring one"))
    return BriefView(
        account_name=a.account.name, vendor_name=vendor_name, generated_on=fmt.date(today),
        quarter=upcoming.quarter if upcoming else "",
        quarter_shown=fmt.quarter(upcoming.quarter) if upcoming else "",
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
        checklist=tuple(checklist), level=level_view(derived, fmt),
        save_plan=saveplan_view(derived, vendor_name) if derived.level is not None
        and derived.level.level == "critical" else None,
        expansion_brief=expansion_brief(derived, fmt) if verdict.qualifies else None,
        info=DocInfo.on(today, title=_("{account}: QBR prep brief (internal)").format(
                            account=a.account.name),
                        subject=_("Internal QBR prep brief for {account}").format(
                            account=a.account.name),
                        author=author(a, vendor_name, fmt), company=vendor_name,
                        language=language(), category=_("Internal")))


@dataclass(frozen=True)
class ExpansionBrief:
    """The expansion conversation, for the CSM to prepare (internal)."""

    opening: str  # the achieved value, a metric with its numbers
    pain: str  # the adjacent pain to ask about
    gap: str  # the gap, quantified
    proposal: str  # a pilot or a phased expansion
    closer: str  # who takes the commercial step
    signals: tuple[str, ...]
    types: tuple[tuple[str, bool], ...]  # each expansion type in order, and whether supported


def expansion_brief(derived: Derived, fmt: Formatter) -> ExpansionBrief:
    """Return the expansion conversation brief of an account whose expansion gate passes."""
    a, s = derived.account, derived.signals
    if s.achieved is not None:
        m = s.achieved.metric
        opening = _("Open with the value achieved: {metric} went from {baseline} to {latest} "
                    "(target {target}), reached on {day}.").format(
            metric=m.name, baseline=fmt.value(m.baseline, m.unit),
            latest=fmt.value(derived.progress[m.id].latest, m.unit),
            target=fmt.value(m.target, m.unit), day=fmt.date(s.achieved.reached_on))
    else:
        opening = _("No business metric at target yet: find the value achieved before the "
                    "conversation.")
    if s.gap is not None:
        m, progress = s.gap, derived.progress[s.gap.id]
        pain = _("Ask about the adjacent pain: {metric}, at {latest} against a target of "
                 "{target} by {due}.").format(
            metric=m.name, latest=fmt.value(progress.latest, m.unit),
            target=fmt.value(m.target, m.unit), due=fmt.date(m.due) or "–")
        gap = _("Quantify the gap: {gap} still to go, {share} of the way from the baseline "
                "{baseline}.").format(
            gap=fmt.difference(abs((m.target or 0) - (progress.latest or 0)), m.unit),
            share=fmt.percent(max(0.0, 1 - (progress.progress or 0))),
            baseline=fmt.value(m.baseline, m.unit))
    else:
        pain = _("Ask about the adjacent pain: every business metric is at target; ask what "
                 "the team would measure next.")
        gap = _("Quantify the gap with the customer: what it costs them today, in their "
                "numbers.")
    supported = [t for t, yes in s.types if yes]
    first_type = supported[0] if supported else "seats"
    first = _(EXPANSION_PHRASES[first_type])
    if len(supported) > 1:
        proposal = _("Propose a phased expansion: {first} first, then {then}.").format(
            first=first, then=fmt.list(_(EXPANSION_PHRASES[t]) for t in supported[1:]))
    else:
        proposal = _("Propose a pilot: {first}, for one team, with a date to decide.").format(
            first=first)
    aes = [v for v in a.vendor_team if v.role == "ae"]
    closer = (_("{name} (account executive) takes the commercial step; the CSM opens the "
                "conversation and does not own the close.").format(name=aes[0].name) if aes
              else _("No account executive in vendor_team: name who takes the commercial step."))
    signals = []
    if s.seats and s.seats_used is not None:
        signals.append(_("Seats: {used} of {seats} in use ({share}).").format(
            used=fmt.number(s.seats_used), seats=fmt.number(s.seats),
            share=fmt.percent(s.seats_used / s.seats)))
    else:
        signals.append(_("Seats in use: not recorded (internal.seats_used)."))
    for x in s.early_goals:
        signals.append(ngettext("Goal reached early: {metric}, {days} day before its due date.",
                                "Goal reached early: {metric}, {days} days before its due date.",
                                x.early_days).format(metric=x.metric.name, days=x.early_days))
    for kind, events in ((N_("New use case"), s.use_cases),
                         (N_("Users asking for access"), s.access_requests),
                         (N_("Champion promoted"), s.promotions)):
        for e in events:
            detail = ", ".join(x for x in (e.who, e.note) if x)
            signals.append(_("{kind} ({day}): {detail}").format(
                kind=_(kind), day=fmt.date(e.date), detail=detail) if detail else
                _("{kind} ({day})").format(kind=_(kind), day=fmt.date(e.date)))
    return ExpansionBrief(opening, pain, gap, proposal, closer, tuple(signals),
                          tuple((_(EXPANSION_TYPES[t]), yes) for t, yes in s.types))


def _grouped_alerts(alerts, series, fmt: Formatter) -> list[str]:
    """Return alert lines, with runs of consecutive yellow weeks said once."""
    yellow = [w for w in series if w.band == "yellow"]
    out, run = [], []

    def flush() -> None:
        if len(run) == 1:
            out.append(_("{day}: yellow ({score})").format(day=fmt.date(run[0].week),
                                                          score=f"{run[0].score:g}"))
        elif run:
            out.append(_("Yellow for {weeks} weeks, {start} to {end} ({first} to {last})").format(
                weeks=len(run), start=fmt.date(run[0].week), end=fmt.date(run[-1].week),
                first=f"{run[0].score:g}", last=f"{run[-1].score:g}"))
        run.clear()

    for w in series:
        if w in yellow:
            run.append(w)
        else:
            flush()
    flush()
    # yellow weeks are said above (derive's "yellow (score)" alerts are never shown)
    out += [_("{day}: {alert}").format(day=fmt.date(a.week), alert=a.text) for a in alerts
            if not a.text.startswith("yellow")]
    return out


def churn_indicators(derived: Derived) -> list[str]:
    """Return the churn indicators present: champion gone, missed touchpoints, metrics off
    track, renewal within 90 days with no QBR scheduled."""
    a, today = derived.account, derived.today
    found = []
    if not a.stakeholders_with("champion"):
        found.append(_("Champion gone: no stakeholder has role champion"))
    stale = derived.review.limit
    if derived.review.stale:
        found.append(ngettext(
            "Missed touchpoints: plan not reviewed with the champion in {days} day",
            "Missed touchpoints: plan not reviewed with the champion in {days} days",
            stale).format(days=stale))
    off = [m.name for m in a.metrics if derived.progress[m.id].on_track is False]
    if off:
        found.append(_("Metrics off track: {metrics}").format(metrics=", ".join(off)))
    to_renewal = (a.contract.renewal - today).days
    scheduled = [q for q in a.qbrs if today <= q.date <= a.contract.renewal]
    if 0 <= to_renewal <= 90 and not scheduled:
        found.append(ngettext("Renewal in {days} day with no QBR scheduled",
                              "Renewal in {days} days with no QBR scheduled",
                              to_renewal).format(days=to_renewal))
    return found


def brief_of(source) -> BriefView:
    """The brief view of a ``csplan.views.Source`` (the registry's entry point)."""
    return brief_view(source.derived, source.vendor_name)
