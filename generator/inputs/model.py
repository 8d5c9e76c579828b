"""The account format (schema 1) as a typed model: what a valid file holds, and nothing more.

The model is strict about *types* (a date is a real ``YYYY-MM-DD`` date, an enum is one of
its values, no unknown keys) and lenient about *plan quality*: a missing baseline or owner is
a plan problem the quality rules report with their own id, not a schema error. Every value
arrives as the text the person typed (see ``source``), so the field's type alone decides
what it means: ``NO`` in a text field stays ``"NO"``.

Internal fields (``health``, ``internal``, ``events``, ``save_plan``, ``renewals``) live
here like any other; the customer view (``views.customer.customer_safe``) is where they are
left out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Optional, Union

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      WithJsonSchema, model_validator)

SCHEMA_VERSION = 1

Segment = Literal["enterprise", "mid-market", "smb", "self-serve"]
Stage = Literal["new", "expanding", "post-qbr", "pre-renewal"]
Status = Literal["active", "under-review", "completed", "draft"]
VendorRole = Literal["csm", "ae", "cs-manager", "executive", "support", "other"]
StakeholderRole = Literal[
    "champion", "executive-sponsor", "economic-buyer", "it-contact", "end-user", "other"
]
MetricKind = Literal["business", "adoption", "sentiment"]
Unit = Literal["percent", "count", "days", "hours", "money"]
Direction = Literal["up", "down"]
Phase = Literal["onboard", "adopt", "value", "renew-expand"]
MilestoneStatus = Literal["not-started", "in-progress", "done", "at-risk", "blocked"]
ConfirmedBy = Literal["product", "customer"]
RiskCategory = Literal[
    "champion-departure", "low-adoption", "budget", "competing-priorities", "competitor",
    "technical", "other",
]
Level3 = Literal["low", "medium", "high"]
# What can happen to an account that the CSM records (internal). The first seven feed the
# early-warning level and the playbooks; the last three are expansion signals.
EventType = Literal[
    "champion-departed", "formal-complaint", "competitor-mentioned", "meeting-no-show",
    "payment-failure", "budget-review", "new-decision-maker",
    "champion-promoted", "new-use-case", "access-request",
]

# The fields no customer document may show; ``views.customer.customer_safe`` empties them.
INTERNAL_FIELDS = ("health", "internal", "events", "save_plan", "renewals")

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DATE.match(value.strip()):
        raise ValueError("expected a date written YYYY-MM-DD")
    return value


def _locale(value: str) -> str:
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise ValueError(f"'{value}' is not a known locale; write it like en-US, de-DE, "
                         "fr-FR") from None
    return value


def _currency(value: str) -> str:
    if value not in list_currencies():
        raise ValueError(f"'{value}' is not an ISO 4217 currency code; write it like USD, EUR")
    return value


def _schema_version(value: int) -> int:
    if value != SCHEMA_VERSION:
        raise ValueError(f"schema {value} is not supported; this csplan reads schema "
                         f"{SCHEMA_VERSION}")
    return value


# ---------------------------------------------------------------------------- bounds
# Every text, number and date field has a kind, and each kind's bounds are set here, once,
# to what every renderer can show. A name or title goes into headings, slide titles, table
# cells and the DOCX/PPTX title property (255 characters, the document's name included);
# longer text flows in the plan and is measured on its slide (a deck that cannot fit it
# fails with the slide named). Numbers stay where Babel formats them exactly (it fails past
# 1e25 and on NaN and infinity): a trillion either way is far past any real ARR, count or
# metric. Dates stay where date arithmetic (a QBR's 120-day horizon, a health week's end)
# cannot leave the calendar.
TEXT_LIMITS = {
    "id": 64,  # ids and references to them
    "name": 200,  # names, titles, labels: one line
    "text": 20_000,  # goals, commitments, descriptions, notes
    "email": 254,  # RFC 5321
}
MAX_NUMBER = 10**12
NUMBER_LIMITS: dict[str, tuple[int, int]] = {
    "number": (-MAX_NUMBER, MAX_NUMBER),  # metric baselines, targets, actuals
    "amount": (0, MAX_NUMBER),  # money and counts: ARR, seats, ARR thresholds
    "score": (0, 100),  # health scores and weights, percentages
    "minutes": (0, 600),  # an agenda item
}
# At most this many decimal places, so a share like (latest - baseline) / (target - baseline)
# stays formattable too (1e-300 as a target would make it infinite).
MAX_DECIMALS = 6
DATE_RANGE = (date(1990, 1, 1), date(2100, 12, 31))


def text(kind: str) -> Any:
    """Return the type of a non-empty text field of ``kind`` (see ``TEXT_LIMITS``)."""
    return Annotated[str, Field(min_length=1, max_length=TEXT_LIMITS[kind])]


def number(kind: str, whole: bool = False) -> Any:
    """Return the type of a finite number field of ``kind`` (see ``NUMBER_LIMITS``)."""
    low, high = NUMBER_LIMITS[kind]
    if whole:
        return Annotated[int, Field(ge=low, le=high)]
    return Annotated[float, Field(ge=low, le=high, allow_inf_nan=False),
                     AfterValidator(_decimals)]


def _decimals(value: float) -> float:
    if round(value, MAX_DECIMALS) != value:
        raise ValueError(f"'{value:g}' has more than {MAX_DECIMALS} decimal places; round it "
                         f"to {MAX_DECIMALS} or fewer")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date), Field(ge=DATE_RANGE[0], le=DATE_RANGE[1]),
                    WithJsonSchema({"type": "string", "format": "date", "description":
                                    f"YYYY-MM-DD, from {DATE_RANGE[0]} to {DATE_RANGE[1]}"})]
Id = Annotated[str, Field(pattern=r"^[a-z0-9-]+$", max_length=TEXT_LIMITS["id"])]
PersonRef = Annotated[str, Field(max_length=TEXT_LIMITS["id"])]
Quarter = Annotated[str, Field(pattern=r"^\d{4}-Q[1-4]$")]
Name = text("name")
Text = text("text")
Number = number("number")
Amount = number("amount")
Count = number("amount", whole=True)
Score = number("score")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_is_absent(cls, data: Any) -> Any:
        """Treat ``key:`` with no value as if the key were not there: the default applies,
        and a required key is reported missing."""
        if isinstance(data, dict):
            known = {field.alias or name for name, field in cls.model_fields.items()}
            return {k: v for k, v in data.items() if v is not None or k not in known}
        return data


class AccountInfo(_Strict):
    name: Name
    crm_id: Optional[Name] = None  # the account's id in the CRM: how `csplan import` finds it
    industry: Optional[Name] = None
    segment: Segment
    arr: Amount
    currency: Annotated[str, AfterValidator(_currency)]
    locale: Annotated[str, AfterValidator(_locale)] = "en-US"
    logo: Optional[Name] = None


class Product(_Strict):
    name: Name
    plan: Optional[Name] = None
    seats: Optional[Count] = None


class Contract(_Strict):
    start: IsoDate
    renewal: IsoDate


Email = Annotated[str, Field(pattern=r"^[^@\s<>\"'()]+@[^@\s<>\"'()]+\.[a-zA-Z]{2,}$",
                             max_length=TEXT_LIMITS["email"])]


class VendorMember(_Strict):
    id: Id
    name: Name
    title: Optional[Name] = None
    role: VendorRole
    email: Optional[Email] = None


class Engagement(_Strict):
    frequency: Optional[Name] = None
    format: Optional[Name] = None


class Stakeholder(_Strict):
    id: Id
    name: Name
    title: Optional[Name] = None
    role: StakeholderRole
    email: Optional[Email] = None  # contacts import; the QBR recap is addressed to it
    engagement: Optional[Engagement] = None


class SuccessStatement(_Strict):
    quote: Optional[Text] = None
    by: Optional[PersonRef] = None


class Objectives(_Strict):
    summary: Optional[Text] = None
    primary_goal: Optional[Text] = None
    secondary_goals: list[Text] = []
    success_statement: Optional[SuccessStatement] = None


class Actual(_Strict):
    date: IsoDate
    value: Number


class Metric(_Strict):
    id: Id
    name: Name
    kind: MetricKind
    unit: Unit
    direction: Direction = "up"
    baseline: Optional[Number] = None
    target: Optional[Number] = None
    due: Optional[IsoDate] = None
    source: Optional[Name] = None
    owner: Optional[PersonRef] = None
    actuals: list[Actual] = []


class Milestone(_Strict):
    id: Id
    phase: Phase
    title: Name
    owner: Optional[PersonRef] = None
    due: Optional[IsoDate] = None
    status: MilestoneStatus = "not-started"
    done_on: Optional[IsoDate] = None
    time_to_value: bool = False
    confirmed_by: Optional[ConfirmedBy] = None


class Commitments(_Strict):
    vendor: list[Text] = []
    customer: list[Text] = []


class Risk(_Strict):
    title: Name
    category: RiskCategory
    likelihood: Level3
    impact: Level3
    mitigation: Optional[Text] = None
    owner: Optional[PersonRef] = None


class Communication(_Strict):
    what: Text
    audience: list[PersonRef] = []
    frequency: Optional[Name] = None
    format: Optional[Name] = None
    owner: Optional[PersonRef] = None


class Escalation(_Strict):
    trigger: Text
    action: Text
    owner: Optional[PersonRef] = None
    within: Optional[Name] = None


class WeeklyHealth(_Strict):
    """One week of health sub-scores; every key but ``week`` is a dimension of ``weights``."""

    week: IsoDate
    scores: dict[Annotated[str, Field(pattern=r"^[a-z0-9_-]+$",
                                      max_length=TEXT_LIMITS["id"])], Score]

    @model_validator(mode="before")
    @classmethod
    def _gather_scores(cls, data: Any) -> Any:
        if isinstance(data, dict) and "scores" not in data:
            return {"week": data.get("week"),
                    "scores": {k: v for k, v in data.items() if k != "week"}}
        return data


class Health(_Strict):
    weights: dict[Annotated[str, Field(pattern=r"^[a-z0-9_-]+$",
                                       max_length=TEXT_LIMITS["id"])], Score] = {}
    weekly: list[WeeklyHealth] = []


# The sections of a QBR deck an agenda item can cover (``covers``): the deck's speaker notes
# and headlines find a slide's section by these, never by the section's words.
DeckSection = Literal["welcome", "lookback", "results", "milestones", "value", "risks",
                      "next-quarter", "asks"]


class AgendaItem(_Strict):
    section: Name
    minutes: number("minutes", whole=True)
    owner: Optional[PersonRef] = None
    covers: list[DeckSection] = []


class ValueClaim(_Strict):
    claim: Text
    value: Name
    basis: Optional[Text] = None


class RoadmapItem(_Strict):
    item: Text
    why: Optional[Text] = None
    eta: Optional[Name] = None


class Expansion(_Strict):
    opportunity: Text
    basis: Optional[Text] = None


class _Linked(_Strict):
    """What answers a goal or an action item at the next QBR: a metric or a milestone, by id."""

    metric: Optional[Annotated[str, Field(max_length=TEXT_LIMITS["id"])]] = None
    milestone: Optional[Annotated[str, Field(max_length=TEXT_LIMITS["id"])]] = None

    @model_validator(mode="after")
    def _one_link(self):
        if self.metric is not None and self.milestone is not None:
            raise ValueError("link a metric or a milestone, not both")
        return self


class QbrGoal(_Linked):
    """A goal for next quarter; written as plain text or as ``{text, metric|milestone}``,
    with an optional ``target`` (the value the linked metric should reach by the next QBR;
    without it, the metric's own target path decides)."""

    text: Text
    target: Optional[Number] = None


def _goal(value: Any) -> Any:
    return QbrGoal(text=value) if isinstance(value, str) else value


Goal = Annotated[Union[QbrGoal, Text], AfterValidator(_goal)]


class ActionItem(_Linked):
    text: Text
    owner: Optional[PersonRef] = None
    due: Optional[IsoDate] = None
    done: bool = False


class Qbr(_Strict):
    quarter: Quarter
    date: IsoDate
    start: Optional[Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]] = None  # HH:MM
    attendees: list[PersonRef] = []
    agenda: Optional[list[AgendaItem]] = None
    wins: list[Text] = []
    value: list[ValueClaim] = []
    challenges: list[Text] = []
    roadmap: list[RoadmapItem] = []
    next_quarter_goals: list[Goal] = []
    expansion: Optional[Expansion] = None
    action_items: list[ActionItem] = []


class Internal(_Strict):
    notes: Optional[Text] = None
    seats_used: Optional[Count] = None  # seats in use, against product.seats


class Event(_Strict):
    """Something that happened to the account, dated (internal)."""

    date: IsoDate
    type: EventType
    note: Optional[Text] = None
    who: Optional[Name] = None  # the person it concerns (the champion who left)
    replaced_by: Optional[Name] = None  # champion departed: who took their place


class SaveAction(_Strict):
    action: Text
    owner: Optional[PersonRef] = None
    due: Optional[IsoDate] = None
    done: bool = False


class Alignment(_Strict):
    """Executive alignment: is there will to stay, and who carries it on both sides."""

    will_to_stay: Optional[Text] = None
    vendor: list[PersonRef] = []
    customer: list[PersonRef] = []


class SuccessCriteria(_Strict):
    day_30: Optional[Text] = None
    day_60: Optional[Text] = None
    day_90: Optional[Text] = None


class SavePlan(_Strict):
    """The plan to keep a Critical account (internal)."""

    started: Optional[IsoDate] = None
    root_cause: Optional[Text] = None  # the CSM's own notes; the brief adds the computed one
    alignment: Optional[Alignment] = None
    actions: list[SaveAction] = []
    criteria: Optional[SuccessCriteria] = None
    checkpoint: Optional[IsoDate] = None  # the go/no-go date
    offboarding: Optional[Text] = None  # how the account leaves well if the criteria fail


class Renewal(_Strict):
    """One renewal that closed (internal): ARR before and after, and how it went."""

    date: IsoDate
    arr_before: Amount
    arr_after: Optional[Amount] = None  # 0 (or absent) when churned
    expansion: Optional[Amount] = None  # default: the rise from arr_before to arr_after
    contraction: Optional[Amount] = None  # default: the fall, when not churned
    churned: bool = False
    reason: Optional[Text] = None
    on_time: Optional[bool] = None  # closed by the renewal date


class Account(_Strict):
    """One customer account: everything its success plan and QBR decks are made from."""

    schema_: Annotated[int, AfterValidator(_schema_version)] = Field(alias="schema")
    account: AccountInfo
    product: Product
    contract: Contract
    stage: Stage
    status: Status
    last_reviewed: Optional[IsoDate] = None
    vendor_team: list[VendorMember] = []
    stakeholders: list[Stakeholder] = []
    objectives: Objectives = Objectives()
    metrics: list[Metric] = []
    leading_indicators: list[Text] = []
    milestones: list[Milestone] = []
    commitments: Commitments = Commitments()
    risks: list[Risk] = []
    communication: list[Communication] = []
    escalation: list[Escalation] = []
    health: Optional[Health] = None
    qbrs: list[Qbr] = []
    internal: Optional[Internal] = None
    events: list[Event] = []
    save_plan: Optional[SavePlan] = None
    renewals: list[Renewal] = []

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    def person_name(self, person_id: str | None) -> str | None:
        """Return the display name of a vendor or customer person id, or None if unknown."""
        for person in (*self.vendor_team, *self.stakeholders):
            if person.id == person_id:
                return person.name
        return None

    @property
    def person_ids(self) -> set[str]:
        return {p.id for p in (*self.vendor_team, *self.stakeholders)}

    @property
    def stakeholder_ids(self) -> set[str]:
        return {p.id for p in self.stakeholders}

    def stakeholders_with(self, role: str) -> list[Stakeholder]:
        return [s for s in self.stakeholders if s.role == role]

    def qbrs_by_date(self) -> list[Qbr]:
        """Return the QBRs oldest first (the last is the one a deck is built for)."""
        return sorted(self.qbrs, key=lambda q: (q.quarter, q.date))
