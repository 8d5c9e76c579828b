"""The account format (schema 1) as a typed model: what a valid file holds, and nothing more.

The model is strict about *types* (a date is a real ``YYYY-MM-DD`` date, an enum is one of
its values, no unknown keys) and lenient about *plan quality*: a missing baseline or owner is
a plan problem the quality rules report with their own id, not a schema error. Every value
arrives as the text the person typed (see ``source``), so the field's type alone decides
what it means: ``NO`` in a text field stays ``"NO"``.

Internal fields (``health``, ``internal``) live here like any other; the customer view
(``view``) is where they are left out.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Optional

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

SCHEMA_VERSION = 1

Segment = Literal["enterprise", "mid-market", "smb", "self-serve"]
Stage = Literal["new", "expanding", "post-qbr", "pre-renewal"]
Status = Literal["active", "under-review", "completed"]
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


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Id = Annotated[str, Field(pattern=r"^[a-z0-9-]+$", max_length=64)]
PersonRef = Annotated[str, Field(max_length=64)]
Quarter = Annotated[str, Field(pattern=r"^\d{4}-Q[1-4]$")]
Text = Annotated[str, Field(min_length=1, max_length=20_000)]
# Account numbers are money, counts, hours and percentages: a trillion either way is far past
# any real one, and keeps every value formattable (Babel fails on numbers near 1e308).
MAX_NUMBER = 1e12
Number = Annotated[float, Field(ge=-MAX_NUMBER, le=MAX_NUMBER, allow_inf_nan=False)]
Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]


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
    name: Text
    industry: Optional[Text] = None
    segment: Segment
    arr: Annotated[float, Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)]
    currency: Annotated[str, AfterValidator(_currency)]
    locale: Annotated[str, AfterValidator(_locale)] = "en-US"
    logo: Optional[Text] = None


class Product(_Strict):
    name: Text
    plan: Optional[Text] = None
    seats: Optional[Annotated[int, Field(ge=0)]] = None


class Contract(_Strict):
    start: IsoDate
    renewal: IsoDate


class VendorMember(_Strict):
    id: Id
    name: Text
    title: Optional[Text] = None
    role: VendorRole
    email: Optional[Annotated[str, Field(pattern=r"^[^@\s<>\"'()]+@[^@\s<>\"'()]+\.[a-zA-Z]{2,}$",
                                         max_length=254)]] = None


class Engagement(_Strict):
    frequency: Optional[Text] = None
    format: Optional[Text] = None


class Stakeholder(_Strict):
    id: Id
    name: Text
    title: Optional[Text] = None
    role: StakeholderRole
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
    name: Text
    kind: MetricKind
    unit: Unit
    direction: Direction = "up"
    baseline: Optional[Number] = None
    target: Optional[Number] = None
    due: Optional[IsoDate] = None
    source: Optional[Text] = None
    owner: Optional[PersonRef] = None
    actuals: list[Actual] = []


class Milestone(_Strict):
    id: Id
    phase: Phase
    title: Text
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
    title: Text
    category: RiskCategory
    likelihood: Level3
    impact: Level3
    mitigation: Optional[Text] = None
    owner: Optional[PersonRef] = None


class Communication(_Strict):
    what: Text
    audience: list[PersonRef] = []
    frequency: Optional[Text] = None
    format: Optional[Text] = None
    owner: Optional[PersonRef] = None


class Escalation(_Strict):
    trigger: Text
    action: Text
    owner: Optional[PersonRef] = None
    within: Optional[Text] = None


class WeeklyHealth(_Strict):
    """One week of health sub-scores; every key but ``week`` is a dimension of ``weights``."""

    week: IsoDate
    scores: dict[Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")], Score]

    @model_validator(mode="before")
    @classmethod
    def _gather_scores(cls, data: Any) -> Any:
        if isinstance(data, dict) and "scores" not in data:
            return {"week": data.get("week"),
                    "scores": {k: v for k, v in data.items() if k != "week"}}
        return data


class Health(_Strict):
    weights: dict[Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")], Annotated[
        float, Field(ge=0, le=100, allow_inf_nan=False)]] = {}
    weekly: list[WeeklyHealth] = []


class AgendaItem(_Strict):
    section: Text
    minutes: Annotated[int, Field(ge=0, le=600)]
    owner: Optional[PersonRef] = None


class ValueClaim(_Strict):
    claim: Text
    value: Text
    basis: Optional[Text] = None


class RoadmapItem(_Strict):
    item: Text
    why: Optional[Text] = None
    eta: Optional[Text] = None


class Expansion(_Strict):
    opportunity: Text
    basis: Optional[Text] = None


class ActionItem(_Strict):
    text: Text
    owner: Optional[PersonRef] = None
    due: Optional[IsoDate] = None
    done: bool = False


class Qbr(_Strict):
    quarter: Quarter
    date: IsoDate
    attendees: list[PersonRef] = []
    agenda: Optional[list[AgendaItem]] = None
    wins: list[Text] = []
    value: list[ValueClaim] = []
    challenges: list[Text] = []
    roadmap: list[RoadmapItem] = []
    next_quarter_goals: list[Text] = []
    expansion: Optional[Expansion] = None
    action_items: list[ActionItem] = []


class Internal(_Strict):
    notes: Optional[Text] = None


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
