"""The team's CS program file (``program.yaml``): health model, gate, segments, playbooks, checks.

Every section is optional; what a file gives replaces the default for that key (one level
deep: a file that sets ``health.bands`` keeps the default ``health.dimensions``). Without a
file the built-in ``DEFAULTS`` apply, so a new user needs none. Every team setting csplan
uses (bands, alert drop, expansion gate, rule levels and thresholds, segment cadence) is
read from here and from nowhere else.
"""

from __future__ import annotations

import copy
import difflib
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from csplan.exceptions import CsplanError, SourceError
from csplan.inputs.model import TEXT_LIMITS, EventType, number, text
from csplan.inputs.source import Document, read_yaml
from csplan.inputs.validate import validate

PROGRAM_FILE = "program.yaml"
Cadence = Literal["weekly", "monthly", "quarterly", "semi-annual", "annual", "none"]
RuleLevel = Literal["error", "warning", "off"]
Percent = number("score")
Name = text("name")
Text = text("text")
Key = Annotated[str, Field(pattern=r"^[a-z0-9_-]+$", max_length=TEXT_LIMITS["id"])]
Days = Annotated[int, Field(ge=0, le=3650)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Dimension(_Strict):
    weight: Percent
    signals: Optional[Text] = None


class Bands(_Strict):
    green: Percent
    yellow: Percent

    @model_validator(mode="after")
    def _ordered(self) -> "Bands":
        if self.yellow > self.green:
            raise ValueError("the yellow cut-off must not be above the green one")
        return self


class Threshold(_Strict):
    """One step of a signal's thresholds: a value at most ``up_to`` scores ``score``."""

    up_to: Optional[Annotated[float, Field(allow_inf_nan=False)]] = None  # None: any higher value
    score: Percent


class Signal(_Strict):
    """How one raw signal of a health CSV (``csplan import health``) becomes a 0-100 sub-score
    of its ``dimension``: either ``linear: [value scored 0, value scored 100]`` (values between
    are scaled, values outside clamped; the first above the second means less is better) or
    ``thresholds``, steps in ascending ``up_to`` order, the last one without ``up_to``."""

    dimension: Key
    about: Optional[Text] = None
    linear: Optional[Annotated[list[Annotated[float, Field(allow_inf_nan=False)]],
                               Field(min_length=2, max_length=2)]] = None
    thresholds: Optional[Annotated[list[Threshold], Field(min_length=1)]] = None

    @model_validator(mode="after")
    def _one_scale(self) -> "Signal":
        if (self.linear is None) == (self.thresholds is None):
            raise ValueError("give a signal either linear: [value scored 0, value scored 100] "
                             "or thresholds: [{up_to: N, score: S}, ..., {score: S}], not both")
        if self.linear is not None and self.linear[0] == self.linear[1]:
            raise ValueError("linear needs two different values: [scored 0, scored 100]")
        if self.thresholds is not None:
            ups = [t.up_to for t in self.thresholds]
            if ups[-1] is not None or None in ups[:-1]:
                raise ValueError("every threshold but the last needs up_to; the last one, "
                                 "without up_to, scores every higher value")
            if ups[:-1] != sorted(ups[:-1]) or len(set(ups[:-1])) != len(ups) - 1:
                raise ValueError("thresholds must go up: each up_to above the one before")
        return self

    def score(self, value: float) -> float:
        """Return the 0-100 sub-score of ``value``."""
        if self.linear is not None:
            zero, full = self.linear
            return min(100.0, max(0.0, (value - zero) / (full - zero) * 100))
        assert self.thresholds is not None
        for step in self.thresholds:
            if step.up_to is None or value <= step.up_to:
                return step.score
        return self.thresholds[-1].score  # pragma: no cover - the last step has no up_to


class HealthModel(_Strict):
    dimensions: dict[Key, Dimension]
    bands: Bands
    alert_drop: Percent
    signals: dict[Key, Signal] = {}

    @model_validator(mode="after")
    def _known_dimensions(self) -> "HealthModel":
        for name, signal in self.signals.items():
            if signal.dimension not in self.dimensions:
                raise ValueError(f"signal '{name}' scores dimension '{signal.dimension}', "
                                 f"which is not one of health.dimensions "
                                 f"({', '.join(self.dimensions)})")
        return self


class ExpansionGate(_Strict):
    green_days: Days
    business_metric_at_target: bool
    champion_in_place: bool
    min_days_to_renewal: Days


class SegmentModel(_Strict):
    arr_min: number("amount")
    accounts_per_csm: Annotated[list[Annotated[int, Field(ge=1, le=1_000_000)]],
                                Field(min_length=2, max_length=2)]
    touch: Name
    champion_touch: Cadence
    qbr: Cadence


class Step(_Strict):
    day: Days
    owner: Name
    action: Text


class Playbook(_Strict):
    when: Text
    steps: list[Step]


class OnboardingMilestone(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$", max_length=TEXT_LIMITS["id"])]
    phase: Literal["onboard", "adopt", "value", "renew-expand"]
    title: Name  # what done looks like: the success criterion
    day: Days
    owner_role: Name
    time_to_value: bool = False
    csm_action: Optional[Text] = None  # what the CSM does to get it there


def _rule_id(value: str) -> str:
    from csplan.rules import RULES  # here: a rule may import csplan.derive, which imports us

    ids = list(RULES)
    if value not in ids:
        close = difflib.get_close_matches(value.upper(), ids, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ValueError(f"'{value}' is not a rule id ({ids[0]}-{ids[-1]}){hint}")
    return value


class WatchLevel(_Strict):
    """Watch: health drops from green to yellow."""

    from_green: bool = True
    response_days: Days = 7
    response: Text = "CSM check-in"


class WarningLevel(_Strict):
    """Warning: yellow for ``yellow_days`` or more, or any single dimension at 0."""

    yellow_days: Annotated[int, Field(ge=1, le=3650)] = 21
    dimension_at_zero: bool = True
    response_days: Days = 7
    response: Text = "CSM escalates and builds a risk mitigation plan"


class CriticalLevel(_Strict):
    """Critical: health red, or one of ``events`` in the last ``event_days`` days."""

    red: bool = True
    events: list[EventType] = ["champion-departed", "formal-complaint"]
    event_days: Annotated[int, Field(ge=1, le=3650)] = 90
    response_days: Days = 2
    response: Text = "Executive engagement and a save plan"


class EarlyWarning(_Strict):
    """The three alert levels, their triggers and the days each response is due within."""

    watch: WatchLevel = WatchLevel()
    warning: WarningLevel = WarningLevel()
    critical: CriticalLevel = CriticalLevel()

    @model_validator(mode="after")
    def _ordered(self) -> "EarlyWarning":
        if self.critical.response_days > self.warning.response_days:
            raise ValueError(
                f"critical.response_days ({self.critical.response_days}) is longer than "
                f"warning.response_days ({self.warning.response_days}); a Critical account "
                "needs an answer at least as fast as a Warning one")
        return self


Ratio = number("score")


class Targets(_Strict):
    """The team's benchmark targets (percent) for the metrics of its book."""

    grr: Ratio = 90  # gross revenue retention above this
    nrr: Annotated[float, Field(ge=0, le=1000)] = 110  # net revenue retention above this
    logo_churn: Ratio = 5  # logo churn below this, per year
    on_time_renewals: Ratio = 95  # renewals closed on time above this


class Checks(_Strict):
    levels: dict[Annotated[str, AfterValidator(_rule_id)], RuleLevel] = {}
    stale_after_days: Annotated[int, Field(ge=1, le=3650)] = 45
    max_deck_slides: Annotated[int, Field(ge=1, le=200)] = 15


class Program(_Strict):
    """A team's CS program; ``Program.default()`` is the built-in one."""

    schema_: int = Field(1, alias="schema", ge=1, le=1)
    health: HealthModel
    expansion_gate: ExpansionGate
    segments: dict[Literal["enterprise", "mid-market", "smb", "self-serve"], SegmentModel]
    playbooks: dict[Literal["risk", "re-engagement", "growth"], Playbook]
    onboarding: dict[Annotated[str, Field(pattern=r"^[a-z0-9-]+$",
                                          max_length=TEXT_LIMITS["id"])],
                     list[OnboardingMilestone]]
    early_warning: EarlyWarning = EarlyWarning()
    targets: Targets = Targets()
    checks: Checks = Checks()

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @classmethod
    def default(cls) -> "Program":
        return cls.model_validate(copy.deepcopy(DEFAULTS))

    @property
    def weights(self) -> dict[str, float]:
        return {name: d.weight for name, d in self.health.dimensions.items()}


def _step(day: int, owner: str, action: str) -> dict:
    return {"day": day, "owner": owner, "action": action}


def _linear(dimension: str, zero: float, full: float, about: str) -> dict:
    return {"dimension": dimension, "about": about, "linear": [zero, full]}


def _steps(dimension: str, about: str, *steps: tuple) -> dict:
    return {"dimension": dimension, "about": about, "thresholds": [
        {"score": score} if up_to is None else {"up_to": up_to, "score": score}
        for up_to, score in steps]}


def _segment(arr_min: int, ratio: list[int], touch: str, champion: str, qbr: str) -> dict:
    return {"arr_min": arr_min, "accounts_per_csm": ratio, "touch": touch,
            "champion_touch": champion, "qbr": qbr}


DEFAULTS: dict[str, Any] = {
    "schema": 1,
    "health": {
        "dimensions": {
            "usage": {"weight": 35, "signals": "WAU/licensed seats, core feature use"},
            "engagement": {"weight": 25, "signals": "meetings attended, responsiveness"},
            "outcomes": {"weight": 20, "signals": "success-plan goals vs committed"},
            "support": {"weight": 10, "signals": "tickets, CSAT, escalations"},
            "relationship": {"weight": 10, "signals": "champion, executive sponsor, NPS"},
        },
        "bands": {"green": 75, "yellow": 50},
        "alert_drop": 10,
        "signals": {  # raw signals of `csplan import health`: CSV column -> sub-score
            "weekly_active_users_pct": _linear(
                "usage", 0, 80, "weekly active users, % of licensed seats"),
            "seats_used_pct": _linear("usage", 0, 90, "licensed seats in use, %"),
            "feature_adoption_pct": _linear("usage", 0, 70, "core features in use, %"),
            "meeting_attendance_pct": _linear(
                "engagement", 0, 100, "planned meetings the customer attended, %"),
            "response_days": _linear(
                "engagement", 10, 1, "days the customer takes to answer, on average"),
            "days_since_last_exec_meeting": _steps(
                "engagement", "days since the last meeting with their executive",
                (30, 100), (60, 70), (90, 40), (None, 10)),
            "goals_on_track_pct": _linear(
                "outcomes", 0, 100, "success-plan goals on track, %"),
            "open_tickets": _steps("support", "support tickets open at the week's end",
                                   (2, 100), (5, 75), (10, 50), (None, 20)),
            "ticket_severity": _steps(
                "support", "highest severity open: 0 none, 1 low, 2 normal, 3 high, 4 urgent",
                (1, 100), (2, 80), (3, 50), (None, 0)),
            "csat_pct": _linear("support", 50, 95, "support satisfaction, %"),
            "nps": _linear("relationship", -50, 50, "net promoter score, -100 to 100"),
            "champion": _steps("relationship", "a champion in place: yes or no",
                               (0, 0), (None, 100)),
            "executive_sponsor": _steps(
                "relationship", "an executive sponsor engaged: yes or no", (0, 0), (None, 100)),
        },
    },
    "expansion_gate": {"green_days": 60, "business_metric_at_target": True,
                       "champion_in_place": True, "min_days_to_renewal": 60},
    "segments": {
        "enterprise": _segment(100000, [15, 40], "high", "monthly", "quarterly"),
        "mid-market": _segment(25000, [40, 120], "mid", "quarterly", "semi-annual"),
        "smb": _segment(5000, [150, 200], "tech", "none", "none"),
        "self-serve": _segment(0, [1000, 1000], "digital", "none", "none"),
    },
    "playbooks": {
        "risk": {"when": "band is red, or usage declining 2 weeks in a row", "steps": [
            _step(1, "csm", "Reach out with the specific usage observation"),
            _step(3, "cs-manager", "If no answer, escalate and book a 20-minute check-in"),
            _step(7, "csm", "Diagnose: product, team or business issue; offer a targeted fix"),
            _step(14, "executive", "If no recovery, executive outreach and a save plan"),
        ]},
        "re-engagement": {"when": "green to yellow, or yellow for 3 weeks", "steps": [
            _step(1, "csm", "Share one unused high-value feature with a use case for their team"),
            _step(7, "csm", "Offer a 15-minute tips session; frame as value, not concern"),
        ]},
        "growth": {"when": "band is green and time to value is reached", "steps": [
            _step(1, "csm", "Book a business review focused on ROI achieved"),
            _step(14, "ae", "Present expansion options tied to the value shown"),
            _step(30, "csm", "Ask for a reference, case study or review"),
        ]},
    },
    "onboarding": {"default": [
        {"id": "kickoff", "phase": "onboard", "title": "Kickoff held and success plan co-signed",
         "day": 7, "owner_role": "csm",
         "csm_action": "Run the kickoff; agree goals, metrics with baselines, and owners"},
        {"id": "setup", "phase": "onboard",
         "title": "Technical setup complete (SSO, integrations, data)", "day": 14,
         "owner_role": "it-contact",
         "csm_action": "Book the setup session with support; track blockers daily"},
        {"id": "first-value", "phase": "adopt", "title": "First value confirmed in product data",
         "day": 30, "owner_role": "champion", "time_to_value": True,
         "csm_action": "Confirm first value in product analytics, not by asking"},
        {"id": "team-adoption", "phase": "adopt", "title": "60% of licensed seats active",
         "day": 60, "owner_role": "champion",
         "csm_action": "Send the champion a weekly usage report; run a tips session"},
        {"id": "outcome", "phase": "value",
         "title": "First success-plan goal reached or measurably moving", "day": 90,
         "owner_role": "champion",
         "csm_action": "Review the metric with the champion; plan the first QBR"},
    ]},
    "early_warning": {
        "watch": {"from_green": True, "response_days": 7, "response": "CSM check-in"},
        "warning": {"yellow_days": 21, "dimension_at_zero": True, "response_days": 7,
                    "response": "CSM escalates and builds a risk mitigation plan"},
        "critical": {"red": True, "events": ["champion-departed", "formal-complaint"],
                     "event_days": 90, "response_days": 2,
                     "response": "Executive engagement and a save plan"},
    },
    "targets": {"grr": 90, "nrr": 110, "logo_churn": 5, "on_time_renewals": 95},
    "checks": {"levels": {}, "stale_after_days": 45, "max_deck_slides": 15},
}


def merge(defaults: dict, given: dict) -> dict:
    """Return ``defaults`` with each top-level section's keys replaced by those ``given``."""
    merged = copy.deepcopy(defaults)
    for section, value in given.items():
        if isinstance(value, dict) and isinstance(merged.get(section), dict):
            merged[section] = {**merged[section], **value}
        else:
            merged[section] = value
    return merged


def load_program(path: Path | None) -> Program:
    """Return the program in ``path`` merged over the defaults, or the defaults for None.

    Raises SourceError (file:line findings) when the file is not a valid program.
    """
    if path is None:
        return Program.default()
    doc = read_yaml(path)
    if isinstance(doc.data, dict):
        merged = merge(DEFAULTS, doc.data)
        health = merged.get("health")
        given = doc.data.get("health")
        if isinstance(health, dict) and isinstance(given, dict) and "signals" not in given \
                and isinstance(health.get("dimensions"), dict):
            # The default signals of dimensions the team does not have are left out.
            health["signals"] = {k: v for k, v in health["signals"].items()
                                 if v["dimension"] in health["dimensions"]}
        doc = Document(doc.name, merged, doc.positions, doc.warnings)
    return validate(doc, Program)


def find_program(folder: Path) -> Path | None:
    """Return the nearest ``program.yaml``: in ``folder`` or the closest folder above it,
    the way pytest and ruff find their configuration. The search stops at the top of a git
    repository (a folder holding ``.git``), at the home folder and at the file system's
    root, so a stray file far above the accounts is never picked up."""
    folder = folder.resolve()
    home = Path.home().resolve() if Path.home().is_dir() else None
    for candidate in (folder, *folder.parents):
        if (candidate / PROGRAM_FILE).is_file():
            return candidate / PROGRAM_FILE
        if (candidate / ".git").exists() or candidate == home:
            return None
    return None


class Programs:
    """The program for each account: ``--program FILE``, else ``program.yaml`` beside the
    account, else the built-in defaults. Each file is loaded once; a bad one is a
    configuration error (exit 2)."""

    def __init__(self, explicit: Optional[Path] = None):
        self._cache: dict[Optional[Path], Program] = {}
        self._explicit = explicit
        if explicit is not None:
            self._explicit_program = self._load(explicit)

    def for_account(self, account_file: Path) -> Program:
        if self._explicit is not None:
            return self._explicit_program
        return self._load(find_program(account_file.parent))

    def _load(self, path: Optional[Path]) -> Program:
        key = path.resolve() if path else None
        if key not in self._cache:
            try:
                self._cache[key] = load_program(path)
            except SourceError as exc:
                raise CsplanError("the program file is not valid:", exc.findings) from None
        return self._cache[key]
