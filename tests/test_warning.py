"""Early warning (Watch, Warning, Critical) with their trigger dates, the save plan and its
rules, the expansion conversation brief, and the team's renewal metrics on a small book."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from csplan import derive
from csplan.cli import main
from csplan.derive.outcomes import book_outcomes, grr, logo_churn, nrr, on_time_rate, outcome
from csplan.exceptions import SourceError
from csplan.inputs.loader import load_account
from csplan.inputs.model import Renewal
from csplan.inputs.program import DEFAULTS, Program, load_program, merge
from csplan.rules.engine import run_rules
from tests.conftest import ACCOUNTS, TODAY, replace_once
from tests.docs import pdf_text, squash

WEEKS = [date.fromordinal(date(2026, 8, 31).toordinal() + 7 * i)
         for i in range(12)]  # 2026-08-31 ... 2026-11-16, as in Northwind
NORTHWIND_WEEKS = re.compile(r"  weekly:[^\n]*\n(    - \{week:[^\n]*\n)+")


def with_weeks(text: str, rows: list[dict]) -> str:
    """Return the account text with its weekly health replaced by ``rows`` (one per week from
    2026-08-31, each the five sub-scores; a number means every dimension at that score)."""
    lines = []
    for week, row in zip(WEEKS, rows):
        if not isinstance(row, dict):
            row = dict.fromkeys(("usage", "engagement", "outcomes", "support", "relationship"),
                                row)
        scores = ", ".join(f"{k}: {v}" for k, v in row.items())
        lines.append(f"    - {{week: {week.isoformat()}, {scores}}}\n")
    return NORTHWIND_WEEKS.sub(lambda m: "  weekly:\n" + "".join(lines), text, count=1)


def with_internal(text: str, extra: str) -> str:
    """Return the account text with ``extra`` (YAML sections) added at the end."""
    return text.rstrip("\n") + "\n\n" + extra.strip("\n") + "\n"


def derived_of(write_account, text, today=TODAY, program=None):
    loaded = load_account(write_account(text))
    return loaded, derive.of(loaded.account, program or Program.default(), today)


# ---------------------------------------------------------------------------- alert levels
def test_green_to_yellow_is_watch_with_a_check_in_due_in_7_days(write_account, northwind_text):
    text = with_weeks(northwind_text, [90] * 11 + [70])  # yellow from 2026-11-16
    _, d = derived_of(write_account, text)
    assert (d.level.level, d.level.since, d.level.due) == ("watch", date(2026, 11, 16),
                                                           date(2026, 11, 23))
    assert not d.level.overdue  # due today
    assert [t.text for t in d.level.triggers] == ["health went from green to yellow"]
    _, later = derived_of(write_account, text, today=date(2026, 11, 24))
    assert later.level.overdue


def test_yellow_for_21_days_is_warning_from_the_21st_day(write_account, northwind_text):
    # yellow from 2026-11-02: on 2026-11-23 it has been yellow for exactly 21 days
    _, d = derived_of(write_account, with_weeks(northwind_text, [90] * 9 + [70] * 3))
    assert (d.level.level, d.level.since, d.level.due) == ("warning", date(2026, 11, 23),
                                                           date(2026, 11, 30))
    assert [t.text for t in d.level.triggers] == ["yellow for 21 days"]
    # yellow from 2026-11-09: 14 days, still Watch
    _, d = derived_of(write_account, with_weeks(northwind_text, [90] * 10 + [70] * 2))
    assert (d.level.level, d.level.since) == ("watch", date(2026, 11, 9))


def test_one_dimension_at_zero_is_warning_even_on_a_green_account(write_account,
                                                                    northwind_text):
    zero = {"usage": 100, "engagement": 100, "outcomes": 100, "support": 0, "relationship": 100}
    _, d = derived_of(write_account, with_weeks(northwind_text, [95] * 10 + [zero] * 2))
    assert d.band == "green"  # 90: green, and still a Warning
    assert (d.level.level, d.level.since, d.level.due, d.level.overdue) == (
        "warning", date(2026, 11, 9), date(2026, 11, 16), True)
    assert [t.text for t in d.level.triggers] == ["support scored 0"]


def test_red_is_critical_from_the_first_red_week(write_account, northwind_text):
    _, d = derived_of(write_account, with_weeks(northwind_text, [90] * 8 + [60] * 2 + [40] * 2))
    assert (d.level.level, d.level.since, d.level.due) == ("critical", date(2026, 11, 9),
                                                           date(2026, 11, 11))
    assert d.level.triggers[0].text == "health is red (40)"


CHAMPION_LEFT = """events:
  - {date: 2026-11-20, type: champion-departed, who: Maria Lopez, replaced_by: Li Wei}
"""


def test_a_champion_departing_makes_a_green_account_critical(write_account, northwind_text):
    loaded, d = derived_of(write_account, with_internal(northwind_text, CHAMPION_LEFT))
    assert d.band == "green"
    assert (d.level.level, d.level.since, d.level.due, d.level.overdue) == (
        "critical", date(2026, 11, 20), date(2026, 11, 22), True)
    assert [t.text for t in d.level.triggers] == [
        "champion departed: Maria Lopez, replaced by Li Wei"]
    assert [f.format().split(": ", 1)[1] for f in run_rules(loaded, d) if f.rule == "SP025"] == [
        "warning SP025 Critical since 2026-11-20 because champion departed: Maria Lopez, "
        "replaced by Li Wei, and no save plan; executive engagement and a save plan due "
        "2026-11-22: write a save_plan section"]
    # before the event there is no alert; 91 days after it, the event no longer counts
    assert derived_of(write_account, with_internal(northwind_text, CHAMPION_LEFT),
                      today=date(2026, 11, 19))[1].level is None
    assert derived_of(write_account, with_internal(northwind_text, CHAMPION_LEFT),
                      today=date(2027, 2, 19))[1].level is None


def test_the_levels_are_program_settings(write_account, northwind_text, tmp_path):
    program = Program.model_validate(merge(DEFAULTS, {"early_warning": {
        "warning": {"yellow_days": 7, "response_days": 3},
        "critical": {"events": ["payment-failure"], "response_days": 1}}}))
    _, d = derived_of(write_account, with_weeks(northwind_text, [90] * 10 + [70] * 2),
                      program=program)
    assert (d.level.level, d.level.since, d.level.due) == ("warning", date(2026, 11, 16),
                                                           date(2026, 11, 19))
    failed = with_internal(northwind_text, "events:\n  - {date: 2026-11-21, type: "
                                           "payment-failure}\n")
    _, d = derived_of(write_account, failed, program=program)
    assert (d.level.level, d.level.due) == ("critical", date(2026, 11, 22))
    assert derived_of(write_account, with_internal(northwind_text, CHAMPION_LEFT),
                      program=program)[1].level is None


@pytest.mark.parametrize("yaml, line, message", [
    ("early_warning:\n  critical: {response_days: 10}\n", 1,
     "early_warning: critical.response_days (10) is longer than warning.response_days (7); a "
     "Critical account needs an answer at least as fast as a Warning one"),
    ("early_warning:\n  critical: {events: [champion-left]}\n", 2,
     "early_warning.critical.events[0]: 'champion-left' is not one of: champion-departed, "
     "formal-complaint, competitor-mentioned"),
])
def test_a_bad_early_warning_setting_is_refused_with_its_line(tmp_path, yaml, line, message):
    path = tmp_path / "program.yaml"
    path.write_text(yaml)
    with pytest.raises(SourceError) as caught:
        load_program(path)
    text = "\n".join(f.format() for f in caught.value.findings)
    assert f"program.yaml:{line}:" in text and message in text, text


# ---------------------------------------------------------------------------- save plan
SAVE_PLAN = """save_plan:
  started: 2026-11-20
  actions:
    - {action: Executive call, owner: dana, due: 2026-11-24}
    - {action: Retrain the dispatchers, owner: TBD}
  checkpoint: 2027-04-01
"""


def test_save_plan_actions_need_owners_and_dates_and_a_checkpoint_before_renewal(
        write_account, northwind_text):
    loaded, d = derived_of(write_account,
                           with_internal(northwind_text, CHAMPION_LEFT + "\n" + SAVE_PLAN))
    lines = [f.format().split(": ", 1)[1] for f in run_rules(loaded, d)]
    assert [x for x in lines if "SP02" in x and "SP021" not in x] == [
        "warning SP026 save-plan action 'Retrain the dispatchers' has no due date",
        "warning SP026 save-plan action 'Retrain the dispatchers' has no owner; name the "
        "person (an id) who does it",
        "warning SP027 the save plan's checkpoint 2027-04-01 is not before the renewal on "
        "2027-03-31; bring it forward"]  # and no SP025: the Critical account has a plan
    fixed = SAVE_PLAN.replace("owner: TBD}", "owner: priya, due: 2026-12-01}").replace(
        "2027-04-01", "2027-03-01")
    loaded, d = derived_of(write_account, with_internal(northwind_text, fixed))
    assert not [f for f in run_rules(loaded, d) if f.rule in ("SP025", "SP026", "SP027")]
    loaded, d = derived_of(write_account, with_internal(
        northwind_text, "save_plan:\n  actions:\n    - {action: Call, owner: tom, due: "
                        "2026-12-01}\n"))
    assert [f.message for f in run_rules(loaded, d) if f.rule == "SP027"] == [
        "the save plan has no go/no-go checkpoint; set save_plan.checkpoint to a date before "
        "the renewal on 2027-03-31"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args] + ["--today", "2026-11-23"],
                              catch_exceptions=False)


@pytest.fixture(scope="module")
def internal_docs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("internal")
    for command in ("saveplan", "brief"):
        result = run(command, ACCOUNTS, "--out", out)
        assert result.exit_code == 0, result.output
    return out


def test_saveplan_writes_the_five_parts_for_the_critical_account(internal_docs):
    folder = internal_docs / "_internal" / "saveplans"
    assert sorted(p.name for p in folder.iterdir()) == [
        "brightwater-clinics-save-plan-internal.pdf"]  # the others are not Critical
    flat = squash(pdf_text(folder / "brightwater-clinics-save-plan-internal.pdf"))
    for fact in (
            "INTERNAL - DO NOT SHARE", "Brightwater Clinics: save plan",
            "Critical since 16 Nov 2026: Executive engagement and a save plan, due 18 Nov 2026, "
            "overdue.",
            # 1 root cause: the trend since the decline began, and the events since
            "1 Root cause", "Health went from 74.05 on 14 Sept 2026 to 39.75 now.",
            "Usage 78 40 -13.3", "Relationship 80 30 -5",
            "12 Nov 2026: meeting no-show: Dr Rupert Vance (Missed the monthly steering call)",
            "The October reorganisation moved the schedulers",
            # 2 alignment, 3 actions, 4 criteria dated from the start, 5 checkpoint
            "2 Executive alignment", "Our side: Dana Kim and Sam Okoro",
            "Their side: Dr Rupert Vance and Helen Marsh",
            "Executive call between Dana and Rupert Dana Kim 25 Nov 2026 open",
            "30 days 18 Dec 2026 Scheduling in Fleetline back above 70% in every clinic",
            "90 days 16 Feb 2027",
            "Go/no-go on 6 Jan 2027, 9 days before the renewal on 15 Jan 2027.",
            "If the criteria are not met: Agree a three-month wind-down"):
        assert squash(fact) in flat, fact


def test_a_critical_account_without_a_save_plan_gets_a_draft(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(ACCOUNTS, book)
    text = (book / "brightwater-clinics.yaml").read_text()
    (book / "brightwater-clinics.yaml").write_text(text[:text.index("save_plan:")]
                                                    + text[text.index("renewals:"):])
    result = run("saveplan", book / "brightwater-clinics.yaml", "--out", tmp_path / "out")
    assert result.exit_code == 0 and "SP025" in result.output
    flat = squash(pdf_text(tmp_path / "out" / "_internal" / "saveplans" /
                           "brightwater-clinics-save-plan-internal.pdf"))
    assert squash("Draft: the account has no save_plan yet.") in flat
    assert squash("Usage 78 40 -13.3") in flat


def test_the_brief_shows_the_level_and_includes_the_save_plan_when_critical(internal_docs):
    flat = squash(pdf_text(internal_docs / "_internal" / "briefs" /
                           "brightwater-clinics-qbr-prep-internal.pdf"))
    for fact in ("Early warning: Critical since 16 Nov 2026", "due 18 Nov 2026, overdue.",
                 "Triggered by: health is red (39.75)", "Save plan", "1 Root cause",
                 "5 Go/no-go checkpoint"):
        assert squash(fact) in flat, fact
    northwind = squash(pdf_text(internal_docs / "_internal" / "briefs" /
                                "northwind-freight-qbr-prep-internal.pdf"))
    assert squash("Early warning: none: no early-warning trigger holds.") in northwind
    assert "1 Root cause" not in northwind


# ---------------------------------------------------------------------------- expansion
def test_the_expansion_brief_opens_with_value_and_names_the_ae(internal_docs):
    flat = squash(pdf_text(internal_docs / "_internal" / "briefs" /
                           "northwind-freight-qbr-prep-internal.pdf"))
    for fact in (
            "Expansion conversation",
            "Open with the value achieved: Hours to plan the next day's routes went from 6 hr "
            "to 1.5 hr (target 2 hr), reached on Aug 31, 2026.",
            "Ask about the adjacent pain: Legacy routing licence spend, at $20,000 against a "
            "target of $0 by Mar 31, 2027.",
            "Quantify the gap: $20,000 still to go, 33.3% of the way from the baseline $60,000.",
            "Propose a phased expansion: a higher tier first, then services.",
            "Tom Reyes (account executive) takes the commercial step",
            "Goal reached early: Hours to plan the next day's routes, 30 days before its due "
            "date.", "More seats: no signal yet", "A higher tier: a signal supports it"):
        assert squash(fact) in flat, fact
    brightwater = squash(pdf_text(internal_docs / "_internal" / "briefs" /
                                  "brightwater-clinics-qbr-prep-internal.pdf"))
    assert "Expansion conversation" not in brightwater  # the gate does not pass


def test_expansion_signals_come_from_the_account(write_account, northwind_text):
    text = replace_once(northwind_text, "  notes: Finance asked", "  seats_used: 240\n  notes: "
                                                                 "Finance asked")
    text = with_internal(text, """events:
  - {date: 2026-10-01, type: access-request, who: Yard team, note: 12 planners}
  - {date: 2026-11-02, type: champion-promoted, who: Maria Lopez, note: VP Operations}
""")
    _, d = derived_of(write_account, text)
    s = d.signals
    assert s.seats_near_limit and (s.seats_used, s.seats) == (240, 250)
    assert [(e.type, e.who) for e in s.access_requests + s.promotions] == [
        ("access-request", "Yard team"), ("champion-promoted", "Maria Lopez")]
    assert s.types == (("seats", True), ("tier", True), ("cross-sell", True),
                       ("services", True))


# ---------------------------------------------------------------------------- metrics
def test_grr_nrr_and_logo_churn_on_a_book_checked_by_hand():
    renewals = [
        Renewal(date=date(2026, 2, 1), arr_before=100000, arr_after=110000, on_time=True),
        Renewal(date=date(2026, 2, 15), arr_before=50000, arr_after=40000, on_time=True),
        Renewal(date=date(2026, 3, 1), arr_before=30000, churned=True, on_time=False),
        Renewal(date=date(2026, 3, 20), arr_before=20000, arr_after=20000),
    ]
    o = [outcome(r) for r in renewals]
    # before 200k; expansion 10k; contraction 10k; churned 30k
    assert grr(o) == pytest.approx((200 - 10 - 30) / 200)  # 80%
    assert nrr(o) == pytest.approx((200 + 10 - 10 - 30) / 200)  # 85%
    assert logo_churn(o) == pytest.approx(1 / 4)
    assert on_time_rate(o) == pytest.approx(2 / 3)  # the fourth does not say


def test_the_book_metrics_per_quarter_and_segment_name_missing_data(write_account,
                                                                    northwind_text):
    program = Program.default()
    a = load_account(write_account(with_internal(northwind_text, """renewals:
  - {date: 2026-02-01, arr_before: 100000, arr_after: 110000, on_time: true}
  - {date: 2026-05-01, arr_before: 30000, churned: true, on_time: false}
"""), "a.yaml")).account
    b = load_account(write_account(with_internal(northwind_text, """renewals:
  - {date: 2026-02-10, arr_before: 50000, arr_after: 40000}
""").replace("name: Northwind Freight", "name: Southwind"), "b.yaml")).account
    c = load_account(write_account(northwind_text.replace("name: Northwind Freight",
                                                          "name: Eastwind"), "c.yaml")).account
    o = book_outcomes([(a, program, "green", True), (b, program, "red", False),
                       (c, program, None, True)], TODAY)
    rows = {(r.quarter, r.segment): r for r in o.renewals}
    q1 = rows[("2026-Q1", "all")]
    assert (q1.renewals, q1.arr_before, q1.arr_after) == (2, 150000, 150000)
    assert (q1.grr, q1.nrr, q1.logo_churn, q1.on_time) == (
        pytest.approx(140 / 150), pytest.approx(1.0), 0, 1.0)
    q2 = rows[("2026-Q2", "enterprise")]
    assert (q2.grr, q2.nrr, q2.logo_churn, q2.on_time) == (0, 0, 1, 0)
    targets = {t.name: (t.value, t.met) for t in o.targets}
    assert targets == {"grr": (round(140 / 180 * 100, 1), False),
                       "nrr": (round(150 / 180 * 100, 1), False),
                       "logo_churn": (round(100 / 3, 1), False),
                       "on_time_renewals": (50.0, False)}
    assert o.missing == {"renewals": ["Eastwind"], "on_time": ["Southwind (2026-02-10)"],
                         "health": ["Eastwind"]}
    everyone = next(r for r in o.segments if r.segment == "all")
    assert everyone.bands == {"green": 1, "yellow": 0, "red": 1, "none": 1}
    assert (everyone.qualified, everyone.with_opportunity) == (2, 2)


def _two_currencies(write_account, northwind_text):
    """Return two accounts renewing in 2026-Q1: one in USD (100k -> 110k), one in EUR
    (50k -> 40k), paths and accounts."""
    usd = write_account(with_internal(northwind_text, """renewals:
  - {date: 2026-02-01, arr_before: 100000, arr_after: 110000, on_time: true}
"""), "usd.yaml")
    eur = write_account(with_internal(replace_once(replace_once(
        northwind_text, "currency: USD", "currency: EUR"), "name: Northwind Freight",
        "name: Nordwind Fracht"), """renewals:
  - {date: 2026-02-10, arr_before: 50000, arr_after: 40000, on_time: true}
"""), "eur.yaml")
    return usd, eur


def test_team_metrics_never_add_money_across_currencies(write_account, northwind_text):
    program = Program.default()
    usd, eur = (load_account(p).account for p in _two_currencies(write_account,
                                                                   northwind_text))
    o = book_outcomes([(usd, program, "green", True), (eur, program, "green", True)], TODAY)
    assert o.currencies == ["EUR", "USD"]
    rows = {(r.quarter, r.segment, r.currency): (r.renewals, r.arr_before, r.arr_after, r.grr,
                                                 r.nrr) for r in o.renewals}
    assert rows[("2026-Q1", "all", "USD")] == (1, 100000, 110000, 1.0, pytest.approx(1.1))
    assert rows[("2026-Q1", "all", "EUR")] == (1, 50000, 40000, 0.8, 0.8)
    assert not any(before == 150000 for _n, before, *_rest in rows.values())
    targets = {(t.name, t.currency): t.value for t in o.targets}
    assert targets == {("grr", "EUR"): 80.0, ("grr", "USD"): 100.0, ("nrr", "EUR"): 80.0,
                       ("nrr", "USD"): 110.0, ("logo_churn", None): 0.0,
                       ("on_time_renewals", None): 100.0}


def test_the_portfolio_and_the_program_show_money_metrics_per_currency(write_account,
                                                                       northwind_text,
                                                                       tmp_path):
    usd, _eur = _two_currencies(write_account, northwind_text)
    book = usd.parent
    out = tmp_path / "out"
    assert run("portfolio", book, "--out", out).exit_code == 0
    html = (out / "_internal" / "portfolio.html").read_text()
    mixed = ("Mixed currencies (EUR, USD): money figures are shown per currency, never added "
             "up.")
    assert mixed in html
    assert "<td>Gross revenue retention (GRR) in EUR</td><td>80.0%</td>" in html
    assert "<td>Gross revenue retention (GRR) in USD</td><td>100.0%</td>" in html
    assert "<td>EUR</td><td>1</td><td>50000</td><td>40000</td>" in html
    assert "150000" not in html
    assert run("program", book, "--out", out).exit_code == 0
    text = squash(pdf_text(out / "_internal" / "cs-program.pdf"))
    assert squash(mixed) in text
    assert squash("Net revenue retention (NRR) in EUR 80%") in text
    assert squash("Net revenue retention (NRR) in USD 110%") in text


def test_the_portfolio_shows_levels_and_the_team_metrics(tmp_path):
    result = run("portfolio", ACCOUNTS, "--out", tmp_path, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["levels"] == {"critical": 1, "warning": 0, "watch": 0, "none": 2}
    first = data["accounts"][0]
    assert (first["name"], first["level"], first["level_since"], first["response_due"],
            first["overdue"], first["save_plan"]) == (
        "Brightwater Clinics", "critical", "2026-11-16", "2026-11-18", True, True)
    targets = {t["name"]: t["value"] for t in data["outcomes"]["targets"]}
    assert targets == {"grr": 100.0, "nrr": 133.3, "logo_churn": 0.0, "on_time_renewals": 100.0}
    assert data["outcomes"]["missing"]["renewals"] == ["Kurierdienst Elbe GmbH",
                                                        "Northwind Freight"]
    html = (tmp_path / "_internal" / "portfolio.html").read_text()
    for fact in ("Critical / Warning / Watch", "response due 2026-11-18", "overdue",
                 "Team metrics against targets", "Gross revenue retention (GRR)",
                 "133.3%", "No renewals recorded (left out of GRR, NRR, logo churn and "
                 "on-time renewals): Kurierdienst Elbe GmbH, Northwind Freight"):
        assert fact in html, fact


def test_an_account_with_nothing_to_write_says_so(tmp_path):
    result = run("saveplan", ACCOUNTS / "northwind-freight.yaml", "--out", tmp_path)
    assert result.exit_code == 0
    assert "note: no save_plan in the account and it is not Critical: no save plan built" \
        in result.output
    assert "->  ()" not in result.output
    assert "checked " + str(ACCOUNTS / "northwind-freight.yaml") + ": nothing to write" \
        in result.output
