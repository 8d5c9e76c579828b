"""The team's CS program as a document: sections of text and tables, written out once.

Internal: it shows the health model and, with account files, each CSM's book. Both the PDF
and the DOCX are drawn from this one view, as the plan is from ``view``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from csplan.derive.capacity import Capacity, SEGMENTS
from csplan.views.docinfo import DocInfo
from csplan.views.fmt import Formatter
from csplan.inputs.program import Program
from csplan.views.customer import Row, label

ROLES = {"csm": "CSM", "ae": "Account executive", "cs-manager": "CS manager",
         "executive": "Executive", "it-contact": "Customer IT contact",
         "champion": "Customer champion"}
CADENCE = {"none": "None (digital)", "semi-annual": "Twice a year"}


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
    return ROLES.get(value, label(value))


def _cadence(value: str) -> str:
    return CADENCE.get(value, value.capitalize())


def program_view(program: Program, vendor_name: str, today: date,
                 book: Optional[Capacity] = None) -> ProgramView:
    """Return the program document's view; ``book`` adds the capacity of the current book."""
    fmt = Formatter("en-US", "USD")
    n = fmt.number
    sections = [_onboarding(program), _health(program), _playbooks(program),
                _expansion(program), _coverage(program, n)]
    if book is not None:
        sections.append(_capacity(book, program, fmt))
    sections.append(_checks(program))
    title = "Customer success program"
    info = DocInfo.on(today, title=f"{vendor_name}: {title}", subject=f"{title} (internal)",
                      author=vendor_name, company=vendor_name, language="en",
                      category="Internal")
    return ProgramView(title, vendor_name, fmt.date(today), info, tuple(sections))


def _onboarding(program: Program) -> Section:
    tables = []
    for name, steps in program.onboarding.items():
        rows = tuple(Row((m.title, label(m.phase), f"Day {m.day}", _role(m.owner_role),
                          (m.csm_action or "") + (" (time to value)" if m.time_to_value else "")))
                     for m in sorted(steps, key=lambda m: m.day))
        caption = "Default template" if name == "default" else f"{label(name)} template"
        tables.append(DocTable(("Milestone (success criterion)", "Phase", "Timing", "Owner",
                                "CSM action"), rows, (32, 10, 10, 16, 32), caption,
                               "No milestones in this template."))
    return Section("1 Onboarding milestone map", (
        "Every new account's plan starts from these milestones (csplan new --segment). "
        "Days count from the contract start.",), tuple(tables))


def _health(program: Program) -> Section:
    h = program.health
    bands = h.bands
    rows = tuple(Row((label(name), d.signals or "", f"{d.weight:g}%"))
                 for name, d in h.dimensions.items())
    total = sum(d.weight for d in h.dimensions.values())
    return Section("2 Health signal matrix", (
        f"Each week every dimension is scored 0-100; the health score is the weighted sum "
        f"(weights add up to {total:g}%).",
        f"Bands: green {bands.green:g}-100, yellow {bands.yellow:g}-{bands.green - 1:g}, "
        f"red 0-{bands.yellow - 1:g}. A drop of more than {h.alert_drop:g} points in one week "
        "raises an alert."),
        (DocTable(("Dimension", "Signals", "Weight"), rows, (22, 60, 18)),))


def _playbooks(program: Program) -> Section:
    tables = []
    for name, book in program.playbooks.items():
        rows = tuple(Row((f"Day {s.day}", _role(s.owner), s.action)) for s in book.steps)
        tables.append(DocTable(("When", "Who", "Action"), rows, (12, 20, 68),
                               f"{label(name)} playbook: when {book.when}"))
    return Section("3 Playbooks", (
        "What a health state calls for. Each step's day counts from the day the playbook is "
        "triggered.",), tuple(tables))


def _expansion(program: Program) -> Section:
    gate = program.expansion_gate
    conditions = [f"Health has been green for at least {gate.green_days} consecutive days"]
    if gate.business_metric_at_target:
        conditions.append("At least one business metric has reached its target")
    if gate.champion_in_place:
        conditions.append("The champion is in place")
    conditions.append(f"The renewal is more than {gate.min_days_to_renewal} days away")
    return Section("4 Expansion gate", (
        "An expansion is shown to a customer only when every condition holds; otherwise the "
        "QBR deck leaves it out and csplan check says which condition is unmet (SP015). "
        "Signals worth an expansion conversation once the gate is open: the success plan's "
        "goals reached, usage near or above licensed seats, new teams asking for access.",),
        bullets=tuple(conditions))


def _coverage(program: Program, n) -> Section:
    ordered = sorted(program.segments.items(), key=lambda kv: -kv[1].arr_min)
    rows = []
    upper = None
    for name, s in ordered:
        arr = f"{n(s.arr_min)} and up" if upper is None else f"{n(s.arr_min)} to {n(upper - 1)}"
        low, high = s.accounts_per_csm
        rows.append(Row((label(name), arr, f"{low}-{high}" if low != high else str(high),
                         label(s.touch), _cadence(s.champion_touch), _cadence(s.qbr))))
        upper = s.arr_min
    return Section("5 Coverage model", (
        "Segments by annual recurring revenue (in each account's own currency), with the book "
        "a CSM carries and the cadence of touches and business reviews (SP022).",),
        (DocTable(("Segment", "ARR", "Accounts per CSM", "Touch", "Champion touch", "QBR"),
                  tuple(rows), (16, 22, 16, 12, 17, 17)),))


def _capacity(book: Capacity, program: Program, fmt: Formatter) -> Section:
    rows = []
    for csm in book.csms:
        counts = ", ".join(f"{label(s)} {csm.accounts[s]}" for s in SEGMENTS
                           if csm.accounts.get(s))
        arr = "; ".join(f"{label(s)} " + ", ".join(
            Formatter("en-US", currency).money(value)
            for currency, value in sorted(csm.arr[s].items()))
            for s in SEGMENTS if csm.arr.get(s))
        over = f"{fmt.percent(csm.over_by)} over" if csm.over_by else "within"
        rows.append(Row((csm.name, counts, arr, fmt.percent(csm.load), over)))
    segment_rows = []
    for s in SEGMENTS:
        if not book.accounts.get(s):
            continue
        ratio = program.segments[s].accounts_per_csm[1]
        segment_rows.append(Row((label(s), str(book.accounts[s]), str(ratio),
                                 f"{book.accounts[s] / ratio:.2f}")))
    more = (f"The book needs {book.needed} CSM{'s' * (book.needed != 1)} at the program's "
            f"ratios and has {book.have}: "
            + (f"{book.more_needed} more needed." if book.more_needed else "no more needed."))
    over = [f"{c.name} is {fmt.percent(c.over_by)} over capacity" for c in book.over]
    return Section("6 Capacity of the current book", (
        "Each CSM's accounts per segment against the segment's accounts-per-CSM upper bound: "
        "100% is a full book.", more), (
        DocTable(("CSM", "Accounts by segment", "ARR by segment", "Load", "Capacity"),
                 tuple(rows), (18, 24, 30, 10, 18), "Per CSM"),
        DocTable(("Segment", "Accounts", "Accounts per CSM (upper)", "CSMs needed"),
                 tuple(segment_rows), (25, 20, 30, 25), "Per segment")),
        tuple(over))


def _checks(program: Program) -> Section:
    changed = [f"{rule} is {level}" for rule, level in sorted(program.checks.levels.items())]
    return Section("7 Plan quality checks", (
        f"Plans must be reviewed with the champion at least every "
        f"{program.checks.stale_after_days} days (SP009); a QBR deck has at most "
        f"{program.checks.max_deck_slides} slides (SP023).",
        "Rule levels changed by this team: " + ("; ".join(changed) if changed else "none."),))
