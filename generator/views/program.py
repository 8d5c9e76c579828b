"""The team's CS program as a document: sections of text and tables, written out once.

Internal: it shows the health model and, with account files, each CSM's book. Both the PDF
and the DOCX are drawn from this one view, as the plan is from ``view``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from csplan.derive.capacity import Capacity, SEGMENTS
from csplan.derive.outcomes import ALL, BookOutcomes
from csplan.views.docinfo import DocInfo
from csplan.views.fmt import Formatter
from csplan.inputs.program import Program
from csplan.views.customer import Row, label
from csplan.words import N_, _, language, ngettext

ROLES = {"csm": N_("CSM"), "ae": N_("Account executive"), "cs-manager": N_("CS manager"),
         "executive": N_("Executive"), "it-contact": N_("Customer IT contact"),
         "champion": N_("Customer champion")}
# Translators: how often a segment's champion is touched or has a business review
CADENCE = {"none": N_("None (digital)"), "semi-annual": N_("Twice a year"),
           "weekly": N_("Weekly"), "monthly": N_("Monthly"), "quarterly": N_("Quarterly"),
           "annual": N_("Annual")}


@dataclass(frozen=True)
class DocTable:
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    widths: tuple[int, ...]
    caption: str = ""
    empty: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    intro: tuple[str, ...] = ()
    tables: tuple[DocTable, ...] = ()
    bullets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgramView:
    title: str
    vendor_name: str
    generated_on: str
    info: DocInfo  # the file's properties
    sections: tuple[Section, ...] = field(default_factory=tuple)


def _role(value: str) -> str:
    return _(ROLES[value]) if value in ROLES else label(value)


def _cadence(value: str) -> str:
    return _(CADENCE[value]) if value in CADENCE else value.capitalize()


def program_view(program: Program, vendor_name: str, today: date,
                 book: Optional[Capacity] = None,
                 outcomes: Optional[BookOutcomes] = None) -> ProgramView:
    """Return the program document's view; ``book`` adds the capacity of the current book,
    ``outcomes`` its metrics against the program's targets."""
    fmt = Formatter("en-US", "USD")
    n = fmt.number
    sections = [_onboarding(program), _health(program), _playbooks(program),
                _expansion(program), _coverage(program, n)]
    if book is not None:
        sections.append(_capacity(book, program, fmt))
    sections.append(_checks(program))
    sections.append(_early_warning(program))
    if outcomes is not None:
        sections.append(_outcomes(outcomes, program, fmt))
    title = _("Customer success program")
    info = DocInfo.on(today, title=_("{vendor}: {title}").format(vendor=vendor_name, title=title),
                      subject=_("{title} (internal)").format(title=title),
                      author=vendor_name, company=vendor_name, language=language(),
                      category=_("Internal"))
    return ProgramView(title, vendor_name, fmt.date(today), info, tuple(sections))


def _onboarding(program: Program) -> Section:
    tables = []
    for name, steps in program.onboarding.items():
        rows = tuple(Row((m.title, label(m.phase), _("Day {day}").format(day=m.day),
                          _role(m.owner_role),
                          _("{action} (time to value)").format(action=m.csm_action or "")
                          if m.time_to_value else (m.csm_action or "")))
                     for m in sorted(steps, key=lambda m: m.day))
        caption = _("Default template") if name == "default" else _("{segment} template").format(
            segment=label(name))
        tables.append(DocTable((_("Milestone (success criterion)"), _("Phase"), _("Timing"),
                                _("Owner"), _("CSM action")), rows, (32, 10, 10, 16, 32),
                               caption, _("No milestones in this template.")))
    return Section(_("1 Onboarding milestone map"), (
        _("Every new account's plan starts from these milestones (csplan new --segment). "
          "Days count from the contract start."),), tuple(tables))


def _health(program: Program) -> Section:
    h = program.health
    bands = h.bands
    rows = tuple(Row((label(name), d.signals or "", f"{d.weight:g}%"))
                 for name, d in h.dimensions.items())
    total = sum(d.weight for d in h.dimensions.values())
    return Section(_("2 Health signal matrix"), (
        _("Each week every dimension is scored 0-100; the health score is the weighted sum "
          "(weights add up to {total}%).").format(total=f"{total:g}"),
        _("Bands: green {green}-100, yellow {yellow}-{below_green}, red 0-{below_yellow}. A "
          "drop of more than {drop} points in one week raises an alert.").format(
            green=f"{bands.green:g}", yellow=f"{bands.yellow:g}",
            below_green=f"{bands.green - 1:g}", below_yellow=f"{bands.yellow - 1:g}",
            drop=f"{h.alert_drop:g}"),
        *((_("A health import (csplan import health) scores each raw signal of its CSV 0-100 "
             "as the last table says; a dimension's score is the mean of its signals in the "
             "row."),) if h.signals else ())),
        (DocTable((_("Dimension"), _("Signals"), _("Weight")), rows, (22, 60, 18)),
         *_signals(program)))


def _scale(signal) -> str:
    """Return how a raw signal is scored, in words."""
    if signal.linear is not None:
        zero, full = signal.linear
        return _("{zero} scores 0, {full} scores 100, linear in between").format(
            zero=f"{zero:g}", full=f"{full:g}")
    steps = [_("up to {value}: {score}").format(value=f"{t.up_to:g}", score=f"{t.score:g}")
             for t in signal.thresholds[:-1]]
    steps.append(_("above: {score}").format(score=f"{signal.thresholds[-1].score:g}"))
    return "; ".join(steps)


def _signals(program: Program) -> tuple[DocTable, ...]:
    """The table of raw signals `csplan import health` scores, if the program has any."""
    signals = program.health.signals
    if not signals:
        return ()
    rows = tuple(Row((name.replace("_", " "), label(s.dimension), _scale(s), s.about or ""))
                 for name, s in signals.items())
    return (DocTable((_("CSV column"), _("Dimension"), _("Scored"), _("What it is")), rows,
                     (24, 16, 30, 30), _("Raw signals of a health import")),)


def _playbooks(program: Program) -> Section:
    tables = []
    for name, book in program.playbooks.items():
        rows = tuple(Row((_("Day {day}").format(day=s.day), _role(s.owner), s.action))
                     for s in book.steps)
        tables.append(DocTable((_("When"), _("Who"), _("Action")), rows, (12, 20, 68),
                               _("{name} playbook: when {when}").format(name=label(name),
                                                                        when=book.when)))
    return Section(_("3 Playbooks"), (
        _("What a health state calls for. Each step's day counts from the day the playbook is "
          "triggered."),), tuple(tables))


def _expansion(program: Program) -> Section:
    gate = program.expansion_gate
    conditions = [ngettext(
        "Health has been green for at least {days} consecutive day",
        "Health has been green for at least {days} consecutive days",
        gate.green_days).format(days=gate.green_days)]
    if gate.business_metric_at_target:
        conditions.append(_("At least one business metric has reached its target"))
    if gate.champion_in_place:
        conditions.append(_("The champion is in place"))
    conditions.append(ngettext("The renewal is more than {days} day away",
                               "The renewal is more than {days} days away",
                               gate.min_days_to_renewal).format(days=gate.min_days_to_renewal))
    return Section(_("4 Expansion gate"), (
        _("An expansion is shown to a customer only when every condition holds; otherwise the "
          "QBR deck leaves it out and csplan check says which condition is unmet (SP015). "
          "Signals worth an expansion conversation once the gate is open: the success plan's "
          "goals reached, usage near or above licensed seats, new teams asking for access."),),
        bullets=tuple(conditions))


def _coverage(program: Program, n) -> Section:
    ordered = sorted(program.segments.items(), key=lambda kv: -kv[1].arr_min)
    rows = []
    upper = None
    for name, s in ordered:
        arr = _("{low} and up").format(low=n(s.arr_min)) if upper is None else _(
            "{low} to {high}").format(low=n(s.arr_min), high=n(upper - 1))
        low, high = s.accounts_per_csm
        rows.append(Row((label(name), arr, f"{low}-{high}" if low != high else str(high),
                         label(s.touch), _cadence(s.champion_touch), _cadence(s.qbr))))
        upper = s.arr_min
    return Section(_("5 Coverage model"), (
        _("Segments by annual recurring revenue (in each account's own currency), with the "
          "book a CSM carries and the cadence of touches and business reviews (SP022)."),),
        (DocTable((_("Segment"), _("ARR"), _("Accounts per CSM"), _("Touch"),
                   _("Champion touch"), _("QBR")), tuple(rows), (16, 22, 16, 12, 17, 17)),))


def _capacity(book: Capacity, program: Program, fmt: Formatter) -> Section:
    rows = []
    for csm in book.csms:
        counts = ", ".join(f"{label(s)} {csm.accounts[s]}" for s in SEGMENTS
                           if csm.accounts.get(s))
        arr = "; ".join(f"{label(s)} " + ", ".join(
            Formatter("en-US", currency).money(value)
            for currency, value in sorted(csm.arr[s].items()))
            for s in SEGMENTS if csm.arr.get(s))
        over = _("{share} over").format(share=fmt.percent(csm.over_by)) if csm.over_by else _(
            "within")
        rows.append(Row((csm.name, counts, arr, fmt.percent(csm.load), over)))
    segment_rows = []
    for s in SEGMENTS:
        if not book.accounts.get(s):
            continue
        ratio = program.segments[s].accounts_per_csm[1]
        segment_rows.append(Row((label(s), str(book.accounts[s]), str(ratio),
                                 f"{book.accounts[s] / ratio:.2f}")))
    if book.more_needed:
        more = ngettext("The book needs {needed} CSM at the program's ratios and has {have}: "
                        "{more} more needed.",
                        "The book needs {needed} CSMs at the program's ratios and has {have}: "
                        "{more} more needed.", book.needed)
    else:
        more = ngettext("The book needs {needed} CSM at the program's ratios and has {have}: "
                        "no more needed.",
                        "The book needs {needed} CSMs at the program's ratios and has {have}: "
                        "no more needed.", book.needed)
    more = more.format(needed=book.needed, have=book.have, more=book.more_needed)
    over = [_("{name} is {share} over capacity").format(name=c.name,
                                                        share=fmt.percent(c.over_by))
            for c in book.over]
    return Section(_("6 Capacity of the current book"), (
        _("Each CSM's accounts per segment against the segment's accounts-per-CSM upper "
          "bound: 100% is a full book."), more), (
        DocTable((_("CSM"), _("Accounts by segment"), _("ARR by segment"), _("Load"),
                  _("Capacity")), tuple(rows), (18, 24, 30, 10, 18), _("Per CSM")),
        DocTable((_("Segment"), _("Accounts"), _("Accounts per CSM (upper)"),
                  _("CSMs needed")), tuple(segment_rows), (25, 20, 30, 25), _("Per segment"))),
        tuple(over))


def _checks(program: Program) -> Section:
    # Translators: {level} is error, warning or off (the words of program.yaml)
    changed = [_("{rule} is {level}").format(rule=rule, level=level)
               for rule, level in sorted(program.checks.levels.items())]
    return Section(_("7 Plan quality checks"), (
        _("Plans must be reviewed with the champion at least every {days} days (SP009); a QBR "
          "deck has at most {slides} slides (SP023).").format(
            days=program.checks.stale_after_days, slides=program.checks.max_deck_slides),
        _("Rule levels changed by this team: {levels}").format(levels="; ".join(changed))
        if changed else _("Rule levels changed by this team: none."),))


def _early_warning(program: Program) -> Section:
    ew = program.early_warning
    n = ew.critical.event_days
    events = ", ".join(ew.critical.events)
    rows = (
        Row((_("Watch"), _("health drops from green to yellow") if ew.watch.from_green
             else _("off"), ew.watch.response,
             ngettext("{days} day", "{days} days", ew.watch.response_days).format(
                 days=ew.watch.response_days))),
        Row((_("Warning"), ngettext("yellow for {days} day or more",
                                    "yellow for {days} days or more",
                                    ew.warning.yellow_days).format(days=ew.warning.yellow_days)
             + ("; " + _("any single dimension at 0") if ew.warning.dimension_at_zero else ""),
             ew.warning.response,
             ngettext("{days} day", "{days} days", ew.warning.response_days).format(
                 days=ew.warning.response_days))),
        Row((_("Critical"), "; ".join(
            ([_("health red")] if ew.critical.red else [])
            + [ngettext("an event in the last {days} day: {events}",
                        "an event in the last {days} days: {events}", n).format(
                days=n, events=events)]), ew.critical.response,
             ngettext("{days} day", "{days} days", ew.critical.response_days).format(
                 days=ew.critical.response_days))))
    return Section(_("8 Early warning"), (
        _("Each account is at the highest level whose trigger holds. The response is due that "
          "many days after the level began; a Critical account needs a save plan (SP025)."),), (
        DocTable((_("Level"), _("When"), _("Response"), _("Within")), rows, (14, 40, 32, 14)),))


def money_metric(metric: str, currency: str) -> str:
    """Return a money metric's name for the accounts of one currency."""
    # Translators: a money metric of the book over the accounts in one currency, e.g.
    # "Net revenue retention (NRR) in EUR"; {currency} is an ISO code
    return _("{metric} in {currency}").format(metric=metric, currency=currency)


def mixed_currencies(currencies: list[str]) -> str:
    """Return the sentence that says a book's money metrics are per currency."""
    return _("Mixed currencies ({currencies}): money figures are shown per currency, never "
             "added up.").format(currencies=", ".join(currencies))


def _outcomes(o: BookOutcomes, program: Program, fmt: Formatter) -> Section:
    def pct(value: Optional[float]) -> str:
        return "–" if value is None else fmt.percent(value)

    names = {"grr": _("Gross revenue retention (GRR)"), "nrr": _("Net revenue retention (NRR)"),
             "logo_churn": _("Logo churn rate"), "on_time_renewals": _("Renewals closed on time")}
    targets = tuple(Row((money_metric(names[t.name], t.currency) if t.currency else names[t.name],
                         "–" if t.value is None else fmt.percent(t.value / 100),
                         ("> " if t.above else "< ") + fmt.percent(t.target / 100),
                         "–" if t.met is None else _("met") if t.met else _("missed")))
                    for t in o.targets)

    def segment(name: str) -> str:
        return _("all segments") if name == ALL else label(name)

    renewals = tuple(Row((r.quarter, segment(r.segment), r.currency, str(r.renewals),
                          pct(r.grr), pct(r.nrr), pct(r.logo_churn), pct(r.on_time)))
                     for r in o.renewals)
    segments = tuple(Row((segment(r.segment), str(r.accounts),
                          " / ".join(str(r.bands[b]) for b in ("green", "yellow", "red", "none")),
                          f"{r.qbrs_held} / {r.qbrs_due}", pct(r.qbr_completion),
                          pct(r.pipeline_coverage))) for r in o.segments)
    values = tuple(Row((r.quarter, segment(r.segment), str(r.accounts), f"{r.mean_days:g}"))
                   for r in o.time_to_value)
    missing = {"renewals": _("No renewals recorded"),
               "on_time": _("Renewals without on_time"),
               "time_to_value": _("Time to value not reached"),
               "health": _("No weekly health"),
               "opportunity": _("Qualify for expansion with no opportunity in their newest QBR")}
    return Section(_("9 Team metrics of the current book"), (
        _("From the accounts' internal renewals history and plans; the formulas are in the "
          "README (GRR, NRR, logo churn, on-time renewals, time to first value, QBR "
          "completion, pipeline coverage). Accounts missing data are named below, not "
          "counted."),) + ((mixed_currencies(o.currencies),) if len(o.currencies) > 1 else ()), (
        DocTable((_("Metric"), _("Book"), _("Target"), ""), targets, (46, 18, 18, 18),
                 _("Against the program's targets")),
        # Translators: GRR and NRR are gross and net revenue retention, as column headers
        DocTable((_("Quarter"), _("Segment"), _("Currency"), _("Renewals"), _("GRR"),
                  _("NRR"), _("Logo churn"), _("On time")), renewals,
                 (12, 18, 12, 12, 11, 11, 12, 12),
                 _("Renewals per quarter and segment"), _("No renewals recorded.")),
        DocTable((_("Segment"), _("Accounts"), _("Health (green / yellow / red / none)"),
                  _("QBRs held / due (last 365 days)"), _("QBR completion"),
                  _("Expansion pipeline coverage")), segments, (18, 12, 22, 18, 14, 16),
                 _("Per segment now")),
        DocTable((_("Quarter"), _("Segment"), _("Accounts"), _("Mean days")), values,
                 (20, 30, 20, 30), _("Time to first value"),
                 _("No account has reached time to value yet."))),
        tuple(_("{what}: {names}").format(what=missing[k], names=", ".join(v))
              for k, v in o.missing.items()))
