"""The QBR recap mail: the follow-up a CSM sends after a QBR, customer-safe and written out.

Built like the plan and the deck, from the customer-safe account (``customer.customer_safe``)
and the plan view it attaches as PDF: thanks, outcomes (wins and value realized), every
action item with its owner and due date, next quarter's goals and the next QBR. To: the
customer's attendees that have an email address; Cc: the vendor team that has one; From:
the CSM. Internal fields never reach it, so the mail can go to the customer as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Optional

from csplan.exceptions import BuildError
from csplan.inputs.model import Account, Qbr
from csplan.views.customer import UNKNOWN_PERSON, PlanView, customer_safe, plan_of
from csplan.views.fmt import Formatter
from csplan.words import _


@dataclass(frozen=True)
class Address:
    name: str
    email: str


@dataclass(frozen=True)
class RecapView:
    """The recap mail of one QBR, every text written out in the account's language."""

    quarter: str  # as the account writes it (2026-Q4): file names
    day: date  # the build's today: the mail's Date
    lang: str
    sender: Optional[Address]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str
    greeting: str
    thanks: str
    outcomes_heading: str
    outcomes: tuple[str, ...]
    actions_heading: str
    action_header: tuple[str, str, str]  # action, owner, due
    actions: tuple[tuple[str, str, str], ...]
    goals_heading: str
    goals: tuple[str, ...]
    next_heading: str
    next_qbr: str
    attached: str
    closing: str
    signature: tuple[str, ...]  # the CSM's name and title, and the vendor
    plan: PlanView  # attached as PDF
    slug: str  # for the attachment's file name
    draft_mark: str = ""


def recap_of(source) -> Optional[RecapView]:
    """The recap view of a ``csplan.views.Source`` for its ``qbr`` (default: the newest), or
    None when the account has no QBR. Raises BuildError when the asked QBR is not there."""
    account = source.derived.account
    if not account.qbrs:
        return None
    qbrs = account.qbrs_by_date()
    chosen = qbrs[-1]
    if source.qbr:
        found = [q for q in qbrs if q.quarter == source.qbr]
        if not found:
            raise BuildError(f"no QBR {source.qbr} in the account (its QBRs: "
                             f"{', '.join(q.quarter for q in qbrs)}); pick one with --qbr")
        chosen = found[-1]
    later = [q for q in qbrs if q.date > chosen.date]
    return recap_view(customer_safe(account), chosen, later[0] if later else None,
                      source.derived.today, source.vendor_name, plan_of(source), source.slug,
                      source.draft)


def recap_view(a: Account, qbr: Qbr, following: Optional[Qbr], today: date, vendor_name: str,
               plan: PlanView, slug: str, draft: bool = False) -> RecapView:
    """Return the recap of ``qbr`` of the customer-safe account ``a``; ``following`` is the
    next QBR the account has planned, if any."""
    fmt = Formatter(a.account.locale, a.account.currency)
    stakeholders = {s.id: s for s in a.stakeholders}
    attendees = [stakeholders[p] for p in qbr.attendees if p in stakeholders]
    csm = next((p for p in a.vendor_team if p.role == "csm"), None)

    def name(person_id: Optional[str]) -> str:
        return (a.person_name(person_id) or _(UNKNOWN_PERSON)) if person_id else \
            _(UNKNOWN_PERSON)

    quarter = fmt.quarter(qbr.quarter)
    # Translators: the subject of the mail sent after a QBR
    subject = _("{account} and {vendor}: summary of our QBR {quarter}").format(
        account=a.account.name, vendor=vendor_name, quarter=quarter)
    mark = _("DRAFT") if draft else ""
    if mark:
        # Translators: a draft mail's subject, e.g. "DRAFT: Acme and Fleetline: summary..."
        subject = _("{mark}: {subject}").format(mark=mark, subject=subject)
    if following is not None:
        next_qbr = fmt.date(following.date)
    else:
        found = re.fullmatch(r"(\d{4})-Q([1-4])", qbr.quarter)
        year, number = int(found[1]), int(found[2])
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
        # Translators: when the next QBR is, when only its quarter is known, e.g. "Q1 2027"
        next_qbr = _("{quarter}, date to be agreed").format(
            quarter=fmt.quarter(f"{year}-Q{number}"))
    outcomes = (*qbr.wins, *(_("{claim}: {value}").format(claim=v.claim, value=v.value)
                             for v in qbr.value))
    return RecapView(
        quarter=qbr.quarter, day=today, lang=a.account.locale,
        sender=Address(csm.name, csm.email) if csm and csm.email else None,
        to=tuple(Address(s.name, s.email) for s in attendees if s.email),
        cc=tuple(Address(p.name, p.email) for p in a.vendor_team if p.email),
        subject=subject,
        # Translators: the greeting of the QBR recap mail; {names} is a list of names
        greeting=_("Dear {names},").format(names=fmt.list(s.name for s in attendees))
        if attendees else _("Hello,"),
        thanks=_("Thank you for the quarterly business review on {day}. Here is a summary "
                 "of what we looked at and what we agreed.").format(day=fmt.date(qbr.date)),
        outcomes_heading=_("Outcomes"),
        outcomes=tuple(outcomes),
        actions_heading=_("Action items"),
        action_header=(_("Action"), _("Owner"), _("Due")),
        actions=tuple((i.text, name(i.owner), fmt.date(i.due)) for i in qbr.action_items),
        goals_heading=_("Goals for next quarter"),
        goals=tuple(qbr.next_quarter_goals),
        next_heading=_("Next QBR"),
        next_qbr=next_qbr,
        attached=_("The updated joint success plan is attached."),
        closing=_("Kind regards,"),
        signature=tuple(x for x in ((csm.name, csm.title or "") if csm else ())
                        if x) + (vendor_name,),
        plan=plan, slug=slug, draft_mark=mark,
    )
