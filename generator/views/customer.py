"""The customer-safe view: everything a customer document shows, already written out.

Renderers take a ``PlanView`` (or a ``QbrView``) and nothing else. It is built from the
account's derived values (``csplan.derive.Derived``) and a copy of the account with every
internal field (``model.INTERNAL_FIELDS``: health, internal, events, save_plan, renewals)
removed; it holds only written-out text and numbers, never the account or its
internal values, so no renderer can print them. Every date, number and amount is formatted
here once, so the DOCX and the PDF show the same text.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from csplan.derive import SECTION_OF_SLIDE, Derived, MetricProgress, SlideSpec
from csplan.views.docinfo import DocInfo
from csplan.views.fmt import Formatter
from csplan.inputs.model import INTERNAL_FIELDS, Account, Metric
from csplan.words import N_, _, ngettext, npgettext, pgettext

# Marked with N_ and translated where shown, with _(): read once, shown in many languages.
PHASES = {"onboard": N_("Onboard"), "adopt": N_("Adopt"), "value": N_("Value"),
          "renew-expand": N_("Renew and expand")}
# Translators: the state of a milestone
STATES = {"done": N_("Done"), "in-progress": N_("On track"), "not-started": N_("Not started"),
          "at-risk": N_("At risk"), "stalled": N_("Stalled"), "blocked": N_("Blocked")}
STATE_TONE = {"done": "good", "in-progress": "good", "not-started": "neutral",
              "at-risk": "warning", "stalled": "bad", "blocked": "bad"}
# Translators: the status of a success plan
STATUS = {"active": N_("Active"), "under-review": N_("Under review"),
          "completed": N_("Completed"), "draft": N_("Draft")}
UNKNOWN_PERSON = N_("(not named)")
# The roles of the people who sign the plan, as the "Agreed by" block names them
_SIGNING_ROLES = {"executive-sponsor": N_("Executive sponsor"), "champion": N_("Champion"),
                  "executive": N_("Executive"), "csm": N_("Customer success manager")}

# One sentence for each section that has nothing to show, used by every format.
EMPTY = {
    "objectives": N_("The partnership objectives are not written down yet."),
    "metrics": N_("No success metrics are agreed yet."),
    "indicators": N_("No leading indicators are recorded yet."),
    "milestones": N_("No milestones are planned yet."),
    "commitments_vendor": N_("No vendor commitments are recorded yet."),
    "commitments_customer": N_("No customer commitments are recorded yet."),
    "stakeholders": N_("No stakeholders are named yet."),
    "risks": N_("No risks are recorded yet."),
    "communication": N_("No communication plan is agreed yet."),
    "escalation": N_("No escalation path is agreed yet."),
}


# Every enum value of the account and program formats as words. A value not listed (a health
# dimension a team named itself) is shown as it is written, capitalized.
_LABELS = {
    # segments
    "enterprise": N_("Enterprise"), "mid-market": N_("Mid-market"), "smb": N_("SMB"),
    "self-serve": N_("Self-serve"),
    # plan status
    "active": N_("Active"), "under-review": N_("Under review"), "completed": N_("Completed"),
    "draft": N_("Draft"),
    # people's roles
    "csm": N_("Csm"), "ae": N_("Ae"), "cs-manager": N_("Cs manager"),
    "executive": N_("Executive"), "support": N_("Support"), "other": N_("Other"),
    "champion": N_("Champion"), "executive-sponsor": N_("Executive sponsor"),
    "economic-buyer": N_("Economic buyer"), "it-contact": N_("IT contact"),
    "end-user": N_("End user"),
    # metric kinds
    "business": N_("Business"), "adoption": N_("Adoption"), "sentiment": N_("Sentiment"),
    # phases
    "onboard": N_("Onboard"), "adopt": N_("Adopt"), "value": N_("Value"),
    "renew-expand": N_("Renew and expand"),
    # risk categories
    "champion-departure": N_("Champion departure"), "low-adoption": N_("Low adoption"),
    "budget": N_("Budget"), "competing-priorities": N_("Competing priorities"),
    "competitor": N_("Competitor"), "technical": N_("Technical"),
    # likelihood and impact; also a segment's touch
    "low": N_("Low"), "medium": N_("Medium"), "high": N_("High"), "mid": N_("Mid"),
    "tech": N_("Tech"), "digital": N_("Digital"),
    # the default health dimensions
    "usage": N_("Usage"), "engagement": N_("Engagement"), "outcomes": N_("Outcomes"),
    "relationship": N_("Relationship"),
    # health bands and playbooks
    "green": N_("Green"), "yellow": N_("Yellow"), "red": N_("Red"), "none": N_("None"),
    "risk": N_("Risk"), "re-engagement": N_("Re-engagement"), "growth": N_("Growth"),
}


def likelihood(value: str) -> str:
    """Return a risk's likelihood as words that agree with "likelihood" (feminine in French,
    Spanish, Portuguese: "Probabilité moyenne", where an impact is "moyen")."""
    words = {"low": pgettext("risk likelihood", "Low"),
             "medium": pgettext("risk likelihood", "Medium"),
             "high": pgettext("risk likelihood", "High")}
    return words.get(value) or label(value)


def impact(value: str) -> str:
    """Return a risk's impact as words that agree with "impact"."""
    words = {"low": pgettext("risk impact", "Low"), "medium": pgettext("risk impact", "Medium"),
             "high": pgettext("risk impact", "High")}
    return words.get(value) or label(value)


def label(value: str) -> str:
    """Return an enum value as words: ``executive-sponsor`` -> ``Executive sponsor``."""
    known = _LABELS.get(value)
    return _(known) if known else value.replace("-", " ").capitalize()


@dataclass(frozen=True)
class Chart:
    """A metric's actuals against its target, as numbers (charts are drawn from this)."""

    title: str
    unit: str
    direction: str
    start: date
    end: date
    points: tuple[tuple[date, float], ...]
    baseline: Optional[float]
    target: Optional[float]
    target_label: str
    latest_label: str
    start_label: str
    end_label: str
    alt: str = ""  # what the chart shows, in words (see ``chart_alt``)


def chart_alt(m: Metric, points, start: date, fmt: Formatter) -> str:
    """Return the alternative text of metric ``m``'s chart (the DOCX picture, the deck's
    chart, the PDF figure): what it shows, over which months, from what to what, and the
    target, e.g. "Line chart: On-time delivery rate, Apr – Nov 2026, from 85% to 93%,
    target 95%". ``points`` are the actuals, oldest first; a baseline is shown at ``start``
    (the contract's start), as the charts draw it."""
    first, last = points[0], points[-1]
    if m.baseline is not None:
        first = (min(start, first[0]), m.baseline)
    # Translators: a chart's alternative text, read aloud by a screen reader, e.g. "Line
    # chart: On-time delivery rate, Apr – Nov 2026, from 85% to 93%, target 95%"
    text = _("Line chart: {metric}, {months}, from {first} to {latest}, target {target}")
    return text.format(
        metric=m.name, months=fmt.months(first[0], last[0]),
        first=fmt.value(first[1], m.unit), latest=fmt.value(last[1], m.unit),
        target=fmt.value(m.target, m.unit))


def logo_alt(name: str) -> str:
    """Return the alternative text of an organisation's logo: "Northwind Freight logo"."""
    # Translators: the alternative text of a logo picture; {name} is a company's name
    return _("{name} logo").format(name=name)


@dataclass(frozen=True)
class MetricRow:
    name: str
    kind: str
    baseline: str
    latest: str
    latest_on: str
    target: str
    due: str
    source: str
    owner: str
    progress: str
    state: str
    tone: str
    chart: Optional[Chart]
    state_in_sentence: str = ""  # the state as the middle of a sentence writes it


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    owner: str
    due: str
    done_on: str
    state: str
    tone: str
    time_to_value: bool


@dataclass(frozen=True)
class Phase:
    name: str
    milestones: tuple[MilestoneRow, ...]


@dataclass(frozen=True)
class Row:
    """A table row of plain text cells."""

    cells: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    widths: tuple[int, ...]  # relative column widths


@dataclass(frozen=True)
class Signatory:
    """One person of the plan's "Agreed by" block; ``name`` is empty when nobody is named
    yet (the block then has a line to write the name on)."""

    name: str
    title: str
    role: str  # e.g. "Executive sponsor, Northwind Freight"


@dataclass(frozen=True)
class PlanView:
    """The joint success plan, customer-safe and fully written out."""

    account_name: str
    vendor_name: str
    industry: str
    header: tuple[tuple[str, str], ...]  # (label, value) pairs of the header block
    status: str
    generated_on: str
    page_size: str
    direction: str
    lang: str
    summary: str
    primary_goal: str
    secondary_goals: tuple[str, ...]
    success_quote: str
    success_by: str
    metrics: tuple[MetricRow, ...]
    indicators: tuple[str, ...]
    phases: tuple[Phase, ...]
    commitments_vendor: tuple[str, ...]
    commitments_customer: tuple[str, ...]
    stakeholders: Table
    risks: Table
    communication: Table
    escalation: Table
    info: DocInfo  # the file's properties: title, subject, author, language, date
    logo: Optional[str] = None  # the customer's checked logo file
    empty: dict = field(default_factory=lambda: {k: _(v) for k, v in EMPTY.items()})
    draft_mark: str = ""  # "DRAFT" on every page of a draft, else empty
    changes_heading: str = ""  # "Changes since revision 1 (23 Nov 2026)" when it has changes
    changes: tuple[str, ...] = ()  # one line per change since that revision
    # the "Agreed by" block: the customer's side (sponsor, champion), then the vendor's
    signoff_customer: tuple[Signatory, ...] = ()
    signoff_vendor: tuple[Signatory, ...] = ()

    @property
    def has_objectives(self) -> bool:
        return bool(self.summary or self.primary_goal or self.secondary_goals
                    or self.success_quote)


def _plan_name(a: Account, person_id: Optional[str]) -> str:
    """Return a person's name as the plan shows it: "(not named)" when unset or unknown."""
    return (a.person_name(person_id) or _(UNKNOWN_PERSON)) if person_id else _(UNKNOWN_PERSON)


def author(a: Account, vendor_name: str, fmt: Formatter) -> str:
    """Return who a document about account ``a`` is from: its CSM(s), else the vendor."""
    return fmt.list(p.name for p in a.vendor_team if p.role == "csm") or vendor_name


def document_info(a: Account, today: date, vendor_name: str, title: str,
                  kind: str) -> DocInfo:
    """Return the file properties of a customer document of kind ``kind``, from the
    customer-safe account ``a``."""
    # Translators: a document's title in its file properties, e.g. "Acme: QBR 2026-Q4"
    return DocInfo.on(today, title=_("{account}: {title}").format(account=a.account.name,
                                                                  title=title),
                      # Translators: e.g. "Joint success plan of Acme and Northwind Software"
                      subject=_("{kind} of {account} and {vendor}").format(
                          kind=kind, account=a.account.name, vendor=vendor_name),
                      author=author(a, vendor_name, Formatter(a.account.locale,
                                                              a.account.currency)),
                      company=vendor_name,
                      language=a.account.locale, category=kind)


def customer_safe(account: Account) -> Account:
    """Return a copy of the account with every internal field removed."""
    empty = {name: copy.deepcopy(Account.model_fields[name].default)
             for name in INTERNAL_FIELDS}
    return account.model_copy(update=empty, deep=True)


def plan_view(derived: Derived, vendor_name: str, logo: Optional[str] = None,
              draft: bool = False, revision=None) -> PlanView:
    """Return the customer-safe view of the account's joint success plan on its ``today``;
    a ``draft`` is marked so on every page, and a ``revision`` (``views.revision.Revision``)
    is shown in the header block, with what changed since its base revision."""
    from csplan.views.revision import changes, snapshot

    a, today = customer_safe(derived.account), derived.today
    fmt = Formatter(a.account.locale, a.account.currency)

    def name(person_id: Optional[str]) -> str:
        return _plan_name(a, person_id)

    def named_with_title(people, row: str) -> str:
        """The people as one list, each with their job title unless it repeats ``row`` (the
        label of the row they are in): "Priya Shah", not "Priya Shah, Customer Success
        Manager" beside "Customer success manager"."""
        # Translators: a person and their job title, e.g. "Maria Lopez, VP Operations"
        return fmt.list(_("{name}, {title}").format(name=p.name, title=p.title)
                        if p.title and p.title.casefold() != row.casefold() else p.name
                        for p in people)

    csm = [p for p in a.vendor_team if p.role == "csm"]
    product = " ".join(x for x in (a.product.name, a.product.plan) if x)
    if a.product.seats:
        # Translators: after the product's name and plan, e.g. "Acme Cloud Pro, 250 seats"
        product = ngettext("{product}, {count} seat", "{product}, {count} seats",
                           a.product.seats).format(product=product,
                                                   count=fmt.number(a.product.seats))
    unknown = _(UNKNOWN_PERSON)
    header = (
        (_("Product and plan"), product),
        (_("Contract"), _("{start} to {end}").format(start=fmt.date(a.contract.start),
                                                     end=fmt.date(a.contract.renewal))),
        *((row, named_with_title(people, row) or unknown) for row, people in (
            (_("Customer success manager"), csm),
            (_("Champion"), a.stakeholders_with("champion")),
            (_("Executive sponsor"), a.stakeholders_with("executive-sponsor")))),
        (_("Last reviewed"), fmt.date(a.last_reviewed) or _("Not yet reviewed")),
        (_("Status"), _(STATUS[a.status])),
    )
    changed: tuple[str, ...] = ()
    if revision is not None:
        # Translators: the plan's revision in its header block, e.g. "2 (23 Nov 2026)"
        header += ((_("Revision"), _("{number} ({date})").format(
            number=revision.number, date=fmt.date(revision.day))),)
        if revision.base is not None:
            changed = changes(revision.base, snapshot(a), fmt)
    statement = a.objectives.success_statement
    return PlanView(
        account_name=a.account.name,
        vendor_name=vendor_name,
        industry=a.account.industry or "",
        header=header,
        status=_(STATUS[a.status]),
        generated_on=fmt.date(today),
        page_size=fmt.page_size,
        direction=fmt.text_direction,
        lang=a.account.locale,
        summary=a.objectives.summary or "",
        primary_goal=a.objectives.primary_goal or "",
        secondary_goals=tuple(a.objectives.secondary_goals),
        success_quote=(statement.quote or "") if statement else "",
        success_by=name(statement.by) if statement and statement.by else "",
        metrics=tuple(_metric_row(m, derived.progress[m.id], a, fmt, today, name)
                      for m in a.metrics),
        indicators=tuple(a.leading_indicators),
        phases=_phases(a, derived.milestone_states, fmt, name),
        commitments_vendor=tuple(a.commitments.vendor),
        commitments_customer=tuple(a.commitments.customer),
        stakeholders=Table(
            # Translators: "Title" is a person's job title
            (_("Name"), _("Title"), _("Role"), _("How often"), _("How")),
            tuple(Row((s.name, s.title or "", label(s.role),
                       (s.engagement.frequency or "") if s.engagement else "",
                       (s.engagement.format or "") if s.engagement else ""))
                  for s in a.stakeholders),
            (22, 22, 16, 22, 18)),
        risks=Table(
            (_("Risk"), _("Category"), _("Likelihood"), _("Impact"), _("Mitigation"),
             _("Owner")),
            tuple(Row((r.title, label(r.category), likelihood(r.likelihood),
                       impact(r.impact), r.mitigation or "", name(r.owner))) for r in a.risks),
            (24, 14, 11, 10, 27, 14)),
        communication=Table(
            (_("What"), _("Audience"), _("How often"), _("Format"), _("Owner")),
            tuple(Row((c.what, fmt.list(name(p) for p in c.audience), c.frequency or "",
                       c.format or "", name(c.owner))) for c in a.communication),
            (18, 22, 16, 28, 16)),
        escalation=Table(
            (_("Trigger"), _("Action"), _("Owner"), _("Within")),
            tuple(Row((e.trigger, e.action, name(e.owner), e.within or ""))
                  for e in a.escalation),
            (28, 38, 18, 16)),
        info=document_info(a, today, vendor_name, _("Joint success plan"),
                           _("Joint success plan")),
        logo=logo,
        draft_mark=_("DRAFT") if draft else "",
        changes_heading=_("Changes since revision {number} ({date})").format(
            number=revision.base_number, date=fmt.date(revision.base_day)) if changed else "",
        changes=changed,
        signoff_customer=tuple(
            _signatory(people[0] if people else None, role, a.account.name)
            for role, people in (("executive-sponsor", a.stakeholders_with("executive-sponsor")),
                                 ("champion", a.stakeholders_with("champion")))),
        signoff_vendor=tuple(
            _signatory(people[0] if people else None, role, vendor_name)
            for role, people in (("executive", [p for p in a.vendor_team
                                                 if p.role == "executive"]),
                                 ("csm", csm))
            if people or role == "csm"),
    )


def _signatory(person, role: str, party: str) -> Signatory:
    """Return one line of the sign-off block: the person (or blanks) in ``role`` for
    ``party``."""
    # Translators: who signs, in the plan's "Agreed by" block, e.g. "Champion, Acme"
    return Signatory(person.name if person else "", (person.title or "") if person else "",
                     _("{role}, {party}").format(role=_(_SIGNING_ROLES[role]), party=party))


def _metric_row(m: Metric, p: MetricProgress, a: Account, fmt: Formatter, today: date,
                name) -> MetricRow:
    # Translators: the state of a success metric; the pgettext forms are the same state in
    # the middle of a sentence ("...; {state}. Source: ..."), as the language writes it there
    if p.latest is None:
        state, tone = _("No data yet"), "neutral"
        in_sentence = pgettext("metric state in a sentence", "no data yet")
    elif p.reached:
        state, tone = _("Target reached"), "good"
        in_sentence = pgettext("metric state in a sentence", "target reached")
    elif p.on_track:
        state, tone = _("On track"), "good"
        in_sentence = pgettext("metric state in a sentence", "on track")
    elif p.on_track is False:
        state, tone = _("Off track"), "bad"
        in_sentence = pgettext("metric state in a sentence", "off track")
    else:
        state, tone = _("Too early to tell"), "neutral"
        in_sentence = pgettext("metric state in a sentence", "too early to tell")
    chart = None
    points = tuple((x.date, x.value) for x in sorted(m.actuals, key=lambda x: x.date)
                   if x.date <= today)
    if points and m.target is not None:
        end = max(m.due or points[-1][0], points[-1][0])
        chart = Chart(m.name, m.unit, m.direction, min(a.contract.start, points[0][0]), end,
                      points, m.baseline, m.target,
                      # Translators: the label of a chart's target line, e.g. "Target 90%"
                      _("Target {value}").format(value=fmt.value(m.target, m.unit)),
                      fmt.value(points[-1][1], m.unit),
                      fmt.month(min(a.contract.start, points[0][0])), fmt.month(end),
                      chart_alt(m, points, a.contract.start, fmt))
    return MetricRow(
        name=m.name, kind=label(m.kind), baseline=fmt.value(m.baseline, m.unit),
        latest=fmt.value(p.latest, m.unit), latest_on=fmt.date(p.latest_on),
        target=fmt.value(m.target, m.unit), due=fmt.date(m.due), source=m.source or "",
        owner=name(m.owner),
        progress=fmt.percent(round(max(p.progress, 0), 2)) if p.progress is not None else "",
        state=state, tone=tone, chart=chart, state_in_sentence=in_sentence)


def _phases(a: Account, states: dict[str, str], fmt: Formatter, name) -> tuple[Phase, ...]:
    phases = []
    for key, title in PHASES.items():
        rows = []
        for m in sorted((m for m in a.milestones if m.phase == key),
                        key=lambda m: (m.due or date.max, m.title)):
            state = states[m.id]
            done_on = fmt.date(m.done_on) if m.status == "done" else ""
            rows.append(MilestoneRow(m.title, name(m.owner), fmt.date(m.due), done_on,
                                     _(STATES[state]), STATE_TONE[state], m.time_to_value))
        if rows:
            phases.append(Phase(_(title), tuple(rows)))
    return tuple(phases)


# ---------------------------------------------------------------------------- the QBR deck

@dataclass(frozen=True)
class DeckChart:
    """A metric's series for a native PowerPoint line chart: baseline first, then actuals."""

    title: str
    categories: tuple[str, ...]
    actual: tuple[float, ...]
    target: tuple[float, ...]
    baseline: tuple[float, ...]
    number_format: str
    alt: str = ""  # what the chart shows, in words (see ``chart_alt``)


@dataclass(frozen=True)
class DeckMetric:
    row: MetricRow  # the same row the plan shows, so the numbers agree
    chart: Optional[DeckChart]
    finding: str = ""  # the result as a sentence: "On-time delivery up from 82% to 93%; ..."
    change: str = ""  # the change since the previous QBR, "+8 pts" style, "" without one
    dates: tuple[date, ...] = ()  # the chart's dates (its categories as dates)


@dataclass(frozen=True)
class SaidDid:
    """One line of "we said / we did": what was said, what happened, its verdict."""

    said: str
    did: str
    verdict: str  # Met, Missed, Open, Not answered
    tone: str


@dataclass(frozen=True)
class TimelineItem:
    title: str
    phase: str  # the phase key (onboard, adopt, value, renew-expand)
    owner: str
    due: str
    state: str
    tone: str
    on: Optional[date]  # where it sits on the timeline: done on, else due


@dataclass(frozen=True)
class RiskCard:
    title: str
    likelihood: str
    impact: str
    mitigation: str
    owner: str
    tone: str  # from likelihood and impact


@dataclass(frozen=True)
class QbrView:
    """The newest QBR's deck content, customer-safe and fully written out."""

    account_name: str
    vendor_name: str
    quarter: str  # as the account writes it (2026-Q4): file names
    quarter_shown: str  # as the reader's locale writes it (Q4 2026, T4 2026, 2026/Q4)
    date: str
    attendees: tuple[str, ...]
    attendee_list: str  # the attendees' names as one list, joined as the locale joins them
    agenda: tuple[tuple[str, int, str], ...]  # (section, minutes, owner)
    agenda_clock: tuple[Optional[tuple[str, str]], ...]  # each section's (from, to), or None
    section_of: dict  # kind of slide -> (section, minutes) of the agenda item it belongs to
    previous_quarter: str  # as the reader's locale writes it
    committed: tuple[SaidDid, ...]  # we said / we did
    metrics: tuple[DeckMetric, ...]
    value: tuple[tuple[str, str, str], ...]  # (claim, value, basis)
    milestones: tuple[tuple[str, str, str, str, str, str], ...]  # title, phase, owner, due, state, tone
    milestone_summary: str
    timeline: tuple[TimelineItem, ...]
    timeline_span: tuple[date, date]  # the first and last day the timeline shows
    timeline_ticks: tuple[tuple[date, str], ...]  # its months: (first day, as the locale writes it)
    timeline_caption: str  # which milestones it shows
    current_phase: str  # the first phase (key) with an open milestone, "" when all are done
    today: date
    plan_status: tuple[tuple[str, int, str], ...]  # (state, how many milestones, tone)
    kpis: tuple[DeckMetric, ...]  # the 3-4 metrics of the executive summary
    # (agenda section, its one-sentence headline, the part of the deck it covers)
    headlines: tuple[tuple[str, str, str], ...]
    wins: tuple[str, ...]
    challenges: tuple[str, ...]
    risks: tuple[RiskCard, ...]
    goals: tuple[str, ...]
    roadmap: tuple[tuple[str, str, str], ...]  # (item, why, eta)
    horizons: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # Now/Next/Later: (item, why)
    next_qbr: str  # the next QBR's planned date
    contacts: tuple[tuple[str, str, str], ...]  # (role, name, email)
    expansion: Optional[tuple[str, str]]  # (opportunity, basis) only when the account qualifies
    actions: tuple[tuple[str, str, str], ...]  # (action, owner, due)
    info: DocInfo  # the file's properties: title, subject, author, language, date
    slides: tuple[SlideSpec, ...] = ()  # the storyline: the slides the deck has, in order
    # each results slide: its title and the metrics on it (the storyline's per_slide)
    results: tuple[tuple[str, tuple[DeckMetric, ...]], ...] = ()
    logo: Optional[str] = None
    draft_mark: str = ""  # "DRAFT" on every slide of a draft, else empty


def qbr_view(derived: Derived, vendor_name: str, logo: Optional[str] = None,
             draft: bool = False) -> Optional[QbrView]:
    """Return the customer-safe view of the newest QBR's deck, or None with no QBR.

    The expansion verdict is derived from the full account (it needs health) and only its
    yes/no reaches the view: an expansion is shown only when the account qualifies.
    """
    qualifies = derived.verdict.qualifies
    a, today, qbr = customer_safe(derived.account), derived.today, derived.qbr
    if qbr is None:
        return None
    fmt = Formatter(a.account.locale, a.account.currency)

    def name(person_id: Optional[str]) -> str:
        return (a.person_name(person_id) or _(UNKNOWN_PERSON)) if person_id else ""

    look = derived.lookback
    committed = _said_did(look, fmt, name) if look is not None else []
    # the same rows the plan shows (owner "(not named)" as there), so the numbers agree
    metrics = [_deck_metric(m, derived, a, fmt) for m in a.metrics]
    chosen = derived.qbr_milestones
    states = derived.milestone_states
    done = sum(1 for m in a.milestones if m.status == "done")
    later = sum(1 for m in a.milestones if m.status != "done") - sum(
        1 for m in chosen if m.status != "done")
    milestones = tuple(
        (m.title, _(PHASES[m.phase]), name(m.owner), fmt.date(m.due),
         _(STATES[states[m.id]]), STATE_TONE[states[m.id]])
        for m in chosen)
    timeline = tuple(
        TimelineItem(m.title, m.phase, name(m.owner), fmt.date(m.due),
                     _(STATES[states[m.id]]), STATE_TONE[states[m.id]],
                     m.done_on if m.status == "done" and m.done_on else m.due)
        for m in chosen)
    dated = [m.on for m in timeline if m.on is not None] + [today]
    span = (min(dated), max(dated))
    counted = [states[m.id] for m in a.milestones]
    done, at_risk = counted.count("done"), counted.count("at-risk")
    stalled = counted.count("stalled") + counted.count("blocked")
    # Translators: after a count of milestones in big type: "5 Done", "0 At risk"; the
    # plural agrees with the milestones counted
    plan_status = ((npgettext("milestones counted", "Done", "Done", done), done, "good"),
                   (npgettext("milestones counted", "At risk", "At risk", at_risk), at_risk,
                    "warning"),
                   (npgettext("milestones counted", "Stalled", "Stalled", stalled), stalled,
                    "bad"))
    agenda_items = derived.agenda
    section_of = {}
    for kind in SECTION_OF_SLIDE:
        index = derived.section_of(kind)
        if index is not None:
            item = agenda_items[index]
            section_of[kind] = (item.section if qbr.agenda else _(item.section), item.minutes)
    kpis = tuple(sorted(metrics, key=lambda m: m.row.kind != label("business"))[:4])
    summary = ngettext(
        "{done} of {total} milestone done; {later} more planned later (see the joint "
        "success plan)", "{done} of {total} milestones done; {later} more planned later "
        "(see the joint success plan)", len(a.milestones)) if later else ngettext(
        "{done} of {total} milestone done", "{done} of {total} milestones done",
        len(a.milestones))
    summary = summary.format(done=done, total=len(a.milestones), later=later)
    headlines = _headlines(derived, committed, metrics, summary, qbr, a, section_of)
    roles = {"csm": _("Customer success manager"), "ae": _("Account executive"),
             "support": _("Support")}
    contacts = tuple((roles[role], p.name, p.email or "")
                     for role in roles
                     for p in a.vendor_team if p.role == role)
    return QbrView(
        account_name=a.account.name, vendor_name=vendor_name, quarter=qbr.quarter,
        quarter_shown=fmt.quarter(qbr.quarter),
        date=fmt.date(qbr.date), attendees=tuple(name(p) for p in qbr.attendees),
        attendee_list=fmt.list(name(p) for p in qbr.attendees if name(p)),
        agenda=tuple((item.section if qbr.agenda else _(item.section), item.minutes,
                      name(item.owner)) for item in agenda_items),
        agenda_clock=tuple(derived.agenda_clock), section_of=section_of,
        previous_quarter=fmt.quarter(look.previous.quarter) if look else "",
        committed=tuple(committed), metrics=tuple(metrics),
        value=tuple((v.claim, v.value, v.basis or "") for v in qbr.value),
        milestones=milestones, milestone_summary=summary, timeline=timeline, today=today,
        timeline_span=span, timeline_ticks=_timeline_months(span, fmt),
        # Translators: above the milestone timeline: which milestones the QBR reviews
        timeline_caption=_("Done since the last QBR, or due by {day}").format(
            day=fmt.date(derived.qbr_horizon)),
        current_phase=next((k for k in PHASES for m in a.milestones
                            if m.phase == k and m.status != "done"), ""),
        plan_status=plan_status, kpis=kpis, headlines=headlines,
        wins=tuple(qbr.wins), challenges=tuple(qbr.challenges),
        risks=tuple(RiskCard(r.title, likelihood(r.likelihood), impact(r.impact),
                             r.mitigation or "", name(r.owner),
                             _RISK_TONE[max(_LEVEL[r.likelihood], _LEVEL[r.impact])])
                    for r in a.risks),
        goals=tuple(g.text for g in qbr.next_quarter_goals),
        roadmap=tuple((r.item, r.why or "", r.eta or "") for r in qbr.roadmap),
        horizons=_horizons(qbr),
        next_qbr=fmt.date(derived.next_qbr),
        contacts=contacts,
        expansion=((qbr.expansion.opportunity, qbr.expansion.basis or "")
                   if qbr.expansion is not None and qualifies else None),
        actions=tuple((i.text, name(i.owner), fmt.date(i.due)) for i in qbr.action_items),
        info=document_info(a, today, vendor_name,
                           _("QBR {quarter}").format(quarter=fmt.quarter(qbr.quarter)),
                           _("Quarterly business review {quarter}").format(
                               quarter=fmt.quarter(qbr.quarter))),
        slides=tuple(derived.slides),
        results=results_slides(metrics, derived.slides, fmt),
        logo=logo,
        draft_mark=_("DRAFT") if draft else "",
    )


_LEVEL = {"low": 0, "medium": 1, "high": 2}
_RISK_TONE = {0: "neutral", 1: "warning", 2: "bad"}
# Translators: the verdict on a goal or action item of the previous QBR
VERDICTS = {"met": N_("Met"), "missed": N_("Missed"), "open": N_("Open"),
            "unknown": N_("Not answered")}
VERDICT_TONE = {"met": "good", "missed": "bad", "open": "neutral", "unknown": "warning"}
# Translators: the three horizons of a roadmap: this quarter, the next one, after that
HORIZONS = (N_("Now"), N_("Next"), N_("Later"))


def _timeline_months(span: tuple[date, date], fmt: Formatter, most: int = 5
                 ) -> tuple[tuple[date, str], ...]:
    """Return the months that start inside ``span`` (every second or third one when there
    are more than ``most``), each with its label: the milestone timeline's date axis."""
    first, last = span
    months = []
    year, month = first.year, first.month
    while True:
        month += 1
        year, month = (year + 1, 1) if month > 12 else (year, month)
        day = date(year, month, 1)
        if day > last:
            break
        months.append(day)
    step = max(1, -(-len(months) // most))
    return tuple((day, fmt.month(day)) for day in months[::step])


def results_slides(metrics: list[DeckMetric], slides, fmt: Formatter
                   ) -> tuple[tuple[str, tuple[DeckMetric, ...]], ...]:
    """Return each results slide (the storyline's ``per_slide`` metrics each) with its
    title: a metric alone says what it did ("On-time delivery up from 82% to 93%; target
    95% by Dec 31, 2026"); metrics sharing a slide are grouped by their state, in their order
    ("On-time delivery rate: on track; Legacy routing licence spend: target reached")."""
    per = next((s.per_slide for s in slides if s.kind == "results"), 1)
    out = []
    for first in range(0, len(metrics), per):
        page = tuple(metrics[first:first + per])
        if len(page) == 1:
            out.append((page[0].finding, page))
            continue
        groups: dict[str, list[str]] = {}
        for m in page:
            groups.setdefault(m.row.state_in_sentence, []).append(m.row.name)
        # Translators: part of a results slide's title: metrics that share a state, e.g.
        # "On-time delivery rate and Weekly active seats: on track"
        parts = [_("{metrics}: {state}").format(metrics=fmt.list(names), state=state)
                 for state, names in groups.items()]
        title = parts[0]
        for part in parts[1:]:
            # Translators: joins two parts of a slide's title: "A: on track; B: off track"
            title = _("{first}; {second}").format(first=title, second=part)
        out.append((title, page))
    return tuple(out)


def _said_did(look, fmt: Formatter, name) -> list[SaidDid]:
    """Return we said / we did: the previous QBR's goals and action items, each beside what
    happened since and its verdict."""
    out = []

    def reading(metric, seen) -> str:
        if seen is None:
            # Translators: what happened: a metric with no reading since the last QBR
            return _("{metric}: no reading since").format(metric=metric.name)
        on, value = seen
        # Translators: what happened to a goal: a metric's reading and its date
        return _("{metric}: {value} ({day})").format(
            metric=metric.name, value=fmt.value(value, metric.unit), day=fmt.date(on))

    def milestone(m) -> str:
        if m.status == "done":
            return _("Done: {milestone}").format(milestone=m.title)
        # Translators: what happened: a milestone not done yet and its due date
        return _("Not done yet: {milestone} (due {due})").format(milestone=m.title,
                                                                   due=fmt.date(m.due))

    for goal in look.goals:
        if goal.source == "metric" and goal.metric is not None:
            happened = reading(goal.metric, goal.reading)
        elif goal.source == "milestone" and goal.milestone is not None:
            happened = milestone(goal.milestone)
        elif goal.evidence:
            happened = goal.evidence
        else:
            happened = _("No update recorded yet")
        out.append(SaidDid(_("Goal: {goal}").format(goal=goal.goal.text), happened,
                           _(VERDICTS[goal.state]), VERDICT_TONE[goal.state]))
    for action in look.actions:
        item = action.item
        said = (_("Action: {action} ({owner}, {due})").format(
            action=item.text, owner=name(item.owner), due=fmt.date(item.due)) if item.owner
            else _("Action: {action}").format(action=item.text))
        happened = {"met": pgettext("action item", "Done"),
                    "open": pgettext("action item", "Open"),
                    "missed": pgettext("action item", "Open, past due")}[action.state]
        if action.metric is not None:
            happened = f"{happened} · {reading(action.metric, action.reading)}"
        elif action.milestone is not None and action.milestone.status == "done":
            happened = milestone(action.milestone)
        elif action.milestone is not None:
            happened = f"{happened} · {milestone(action.milestone)}"
        out.append(SaidDid(said, happened, _(VERDICTS[action.state]),
                           VERDICT_TONE[action.state]))
    return out


def _horizons(qbr) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """Return the roadmap as Now / Next / Later by each item's eta: this QBR's quarter or
    before, the quarter after, and later (an eta that is not a quarter goes to Later)."""
    year, q = int(qbr.quarter[:4]), int(qbr.quarter[-1])
    now = year * 4 + q - 1
    columns: list[list[tuple[str, str]]] = [[], [], []]
    for r in qbr.roadmap:
        eta = (r.eta or "").strip()
        if len(eta) == 7 and eta[4:6] == "-Q" and eta[:4].isdigit() and eta[6] in "1234":
            at = int(eta[:4]) * 4 + int(eta[6]) - 1
            column = 0 if at <= now else 1 if at == now + 1 else 2
        else:
            column = 2
        columns[column].append((r.item, r.why or ""))
    return tuple((_(title), tuple(items)) for title, items in zip(HORIZONS, columns))


def _headlines(derived: Derived, committed, metrics, summary: str, qbr, a: Account,
               section_of: dict) -> tuple[tuple[str, str, str], ...]:
    """Return one headline sentence for each agenda section, from the data, in agenda order:
    (section, headline, the part of the deck it covers)."""
    good = sum(1 for m in metrics if m.row.tone == "good")
    met = sum(1 for c in committed if c.tone == "good")
    by_part = {
        "lookback": ngettext("{met} of {total} commitment from last time met",
                             "{met} of {total} commitments from last time met",
                             len(committed)).format(met=met, total=len(committed)),
        "results": ngettext("{good} of {total} success metric on track or at target",
                            "{good} of {total} success metrics on track or at target",
                            len(metrics)).format(good=good, total=len(metrics)),
        "milestones": summary.split(";")[0],
        "value": (_("{claim}: {value}").format(claim=qbr.value[0].claim,
                                                value=qbr.value[0].value) if qbr.value
                  else qbr.wins[0] if qbr.wins else ""),
        "risks": ngettext("{count} open risk, each with a mitigation and an owner",
                          "{count} open risks, each with a mitigation and an owner",
                          len(a.risks)).format(count=len(a.risks)),
        "next-quarter": ngettext("{count} goal for next quarter", "{count} goals for next "
                                 "quarter", len(qbr.next_quarter_goals)).format(
                                     count=len(qbr.next_quarter_goals)),
        "asks": ngettext("{count} action item to agree today",
                         "{count} action items to agree today",
                         len(qbr.action_items)).format(count=len(qbr.action_items)),
    }
    out = []
    for item in derived.agenda:
        shown = item.section if qbr.agenda else _(item.section)
        for part in item.covers:
            if by_part.get(part):
                out.append((shown, by_part[part], part))
                break
    return tuple(out)


def _deck_metric(m: Metric, derived: Derived, a: Account, fmt: Formatter) -> DeckMetric:
    """Return a metric as the deck shows it: the plan's row, its chart, its finding as a
    sentence and its change since the previous QBR."""
    today = derived.today
    p = derived.progress[m.id]
    row = _metric_row(m, p, a, fmt, today, lambda who: _plan_name(a, who))
    chart = _deck_chart(m, a, fmt, today)
    dates = _chart_dates(m, a, today)
    start = m.baseline
    if p.latest is None:
        # Translators: a results slide's title starts with what a metric did (then "; " and
        # its target): a metric without readings
        moved = _("{metric}: no reading yet").format(metric=m.name)
    elif start is None or p.latest == start:
        # Translators: what a metric did: it has not moved
        moved = _("{metric} at {latest}").format(metric=m.name, latest=row.latest)
    elif p.latest > start:
        # Translators: what a metric did: "On-time delivery up from 82% to 93%"
        moved = _("{metric} up from {baseline} to {latest}").format(
            metric=m.name, baseline=row.baseline, latest=row.latest)
    else:
        moved = _("{metric} down from {baseline} to {latest}").format(
            metric=m.name, baseline=row.baseline, latest=row.latest)
    if p.reached:
        # Translators: a results slide's title ends with the target: "...; target 80% reached"
        goal = _("target {target} reached").format(target=row.target)
    elif m.due is not None and m.due < today:
        # Translators: the target's date has passed and it was not reached
        goal = _("target {target} missed: it was due {due}").format(target=row.target,
                                                                   due=row.due)
    else:
        # Translators: the target still ahead: "...; target 95% by Dec 31, 2026"
        goal = _("target {target} by {due}").format(target=row.target, due=row.due)
    finding = _("{first}; {second}").format(first=moved, second=goal)
    change = ""
    prev = derived.previous_qbr
    if prev is not None and p.latest is not None:
        before = [x.value for x in sorted(m.actuals, key=lambda x: x.date) if x.date <= prev.date]
        if before:
            delta = p.latest - before[-1]
            sign = "+" if delta > 0 else "−" if delta < 0 else "±"
            # Translators: a metric's change since the previous QBR, e.g. "+8 pts since Q3 2026"
            change = _("{change} since {quarter}").format(
                change=sign + fmt.difference(abs(delta), m.unit), quarter=fmt.quarter(prev.quarter))
    return DeckMetric(row, chart, finding, change, dates)


def _chart_dates(m: Metric, a: Account, today: date) -> tuple[date, ...]:
    points = [x.date for x in sorted(m.actuals, key=lambda x: x.date) if x.date <= today]
    if points and m.baseline is not None and a.contract.start < points[0]:
        points.insert(0, a.contract.start)
    return tuple(points)


def _deck_chart(m: Metric, a: Account, fmt: Formatter, today: date) -> Optional[DeckChart]:
    points = [(x.date, x.value) for x in sorted(m.actuals, key=lambda x: x.date)
              if x.date <= today]
    if not points or m.target is None:
        return None
    alt = chart_alt(m, points, a.contract.start, fmt)
    if m.baseline is not None and a.contract.start < points[0][0]:
        points.insert(0, (a.contract.start, m.baseline))
    values = [v for _d, v in points] + [m.target] + (
        [m.baseline] if m.baseline is not None else [])
    whole = all(float(v).is_integer() for v in values)
    return DeckChart(
        title=m.name, categories=tuple(fmt.date(d) for d, _v in points),
        actual=tuple(v for _d, v in points), target=tuple(m.target for _p in points),
        baseline=tuple((m.baseline if m.baseline is not None else points[0][1])
                       for _p in points),
        number_format=fmt.chart_format(m.unit, whole), alt=alt)


def plan_of(source) -> PlanView:
    """The plan view of a ``csplan.views.Source`` (the registry's entry point)."""
    return plan_view(source.derived, source.vendor_name, source.logo_uri, source.draft,
                     source.revision)


def deck_of(source) -> Optional[QbrView]:
    """The deck view of a ``csplan.views.Source``, or None when the account has no QBR."""
    return qbr_view(source.derived, source.vendor_name, draft=source.draft)
