"""The save plan (internal): how the team means to keep a Critical account, in five parts.

1. root cause: what drove the score down, computed from the dimension trend and the events
   (``derive.warning.root_cause``), with the CSM's own notes;
2. executive alignment: is there will to stay, and who carries it on both sides;
3. remediation actions with owners and dates;
4. success criteria at 30, 60 and 90 days (dated from ``save_plan.started``, else from the
   day the account became Critical);
5. the go/no-go checkpoint, and the graceful offboarding if the criteria are not met.

It is a document of its own (``csplan saveplan``) and a section of the brief when the
account is Critical. An account that is Critical without a ``save_plan`` gets a draft: the
computed root cause, and each other part saying what to write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from csplan.derive import Derived
from csplan.views.customer import Row, author, label
from csplan.views.docinfo import DocInfo
from csplan.views.fmt import Formatter
from csplan.words import N_, _, language, ngettext

# Translators: an early-warning level, as the brief and the portfolio show it
LEVELS = {"watch": N_("Watch"), "warning": N_("Warning"), "critical": N_("Critical"),
          "none": N_("none")}


@dataclass(frozen=True)
class LevelView:
    """The early-warning level in words: level, since, the response and when it is due."""

    level: str  # watch | warning | critical | none
    label: str
    since: str
    due: str
    overdue: bool
    response: str
    triggers: tuple[str, ...]
    line: str  # one sentence: level since day; response due day (overdue)


def level_view(derived: Derived, fmt: Formatter) -> LevelView:
    """Return the account's alert level written out for the active language."""
    level = derived.level
    if level is None:
        none = LEVELS["none"]
        return LevelView("none", _(none), "", "", False, "", (),
                         _("none: no early-warning trigger holds."))
    since, due = fmt.date(level.since), fmt.date(level.due)
    if level.overdue:
        line = _("{level} since {since}: {response}, due {due}, overdue.")
    else:
        line = _("{level} since {since}: {response}, due {due}.")
    return LevelView(level.level, _(LEVELS[level.level]), since, due, level.overdue,
                     level.response, tuple(t.text for t in level.triggers),
                     line.format(level=_(LEVELS[level.level]), since=since,
                                 response=level.response, due=due))


@dataclass(frozen=True)
class SavePlanView:
    account_name: str
    vendor_name: str
    generated_on: str
    level: LevelView
    draft: bool  # Critical without a save_plan: the computed parts only
    cause_summary: str
    cause_rows: tuple[Row, ...]  # dimension, before, now, points of the score
    cause_events: tuple[str, ...]
    cause_notes: str
    will_to_stay: str
    vendor_side: str
    customer_side: str
    actions: tuple[Row, ...]  # action, owner, due, state
    criteria: tuple[Row, ...]  # day, date, criterion
    checkpoint: str
    offboarding: str
    info: DocInfo


def saveplan_view(derived: Derived, vendor_name: str) -> Optional[SavePlanView]:
    """Return the save plan of the account, or None when it has none and is not Critical."""
    a, today = derived.account, derived.today
    plan = a.save_plan
    critical = derived.level is not None and derived.level.level == "critical"
    if plan is None and not critical:
        return None
    fmt = Formatter(a.account.locale, a.account.currency)
    cause = derived.root_cause
    rows: tuple[Row, ...] = ()
    events: tuple[str, ...] = ()
    summary = _("No weekly health yet: the trend cannot say what drove the score down.")
    if cause is not None:
        summary = _("Health went from {before} on {day} to {now} now.").format(
            before=f"{cause.score_before:g}", day=fmt.date(cause.since),
            now=f"{cause.score_now:g}")
        rows = tuple(Row((label(f.dimension), f"{f.before:g}", f"{f.now:g}", f"{f.points:+g}"))
                     for f in cause.falls)
        events = tuple(_("{day}: {event}").format(day=fmt.date(day), event=text)
                       for day, text in cause.events)
    start = (plan.started if plan is not None and plan.started else
             derived.level.since if derived.level is not None else today)
    actions, criteria = [], []
    if plan is not None:
        for item in plan.actions:
            state = (_("done") if item.done else _("past due") if item.due and item.due < today
                     else _("open"))
            actions.append(Row((item.action, a.person_name(item.owner) or item.owner or "–",
                                fmt.date(item.due) or "–", state)))
        given = plan.criteria
        for days in (30, 60, 90):
            text = getattr(given, f"day_{days}") if given is not None else None
            criteria.append(Row((ngettext("{days} day", "{days} days", days).format(days=days),
                                 fmt.date(start + timedelta(days=days)),
                                 text or _("not written yet"))))
    alignment = plan.alignment if plan is not None else None

    def names(ids: list[str]) -> str:
        return fmt.list([a.person_name(i) or i for i in ids]) if ids else "–"

    to_renewal = (a.contract.renewal - today).days
    if plan is not None and plan.checkpoint is not None:
        checkpoint = ngettext(
            "Go/no-go on {day}, {days} day before the renewal on {renewal}.",
            "Go/no-go on {day}, {days} days before the renewal on {renewal}.",
            (a.contract.renewal - plan.checkpoint).days).format(
            day=fmt.date(plan.checkpoint), days=(a.contract.renewal - plan.checkpoint).days,
            renewal=fmt.date(a.contract.renewal))
    else:
        checkpoint = ngettext(
            "No go/no-go checkpoint set; the renewal is in {days} day.",
            "No go/no-go checkpoint set; the renewal is in {days} days.",
            to_renewal).format(days=to_renewal)
    return SavePlanView(
        account_name=a.account.name, vendor_name=vendor_name, generated_on=fmt.date(today),
        level=level_view(derived, fmt), draft=plan is None, cause_summary=summary,
        cause_rows=rows, cause_events=events,
        cause_notes=(plan.root_cause or "") if plan is not None else "",
        will_to_stay=(alignment.will_to_stay or "") if alignment is not None else "",
        vendor_side=names(alignment.vendor) if alignment is not None else "–",
        customer_side=names(alignment.customer) if alignment is not None else "–",
        actions=tuple(actions), criteria=tuple(criteria), checkpoint=checkpoint,
        offboarding=(plan.offboarding or "") if plan is not None else "",
        info=DocInfo.on(today, title=_("{account}: save plan (internal)").format(
                            account=a.account.name),
                        subject=_("Internal save plan for {account}").format(
                            account=a.account.name),
                        author=author(a, vendor_name, fmt), company=vendor_name,
                        language=language(), category=_("Internal")))


def saveplan_of(source) -> Optional[SavePlanView]:
    """The save-plan view of a ``csplan.views.Source`` (the registry's entry point)."""
    return saveplan_view(source.derived, source.vendor_name)
