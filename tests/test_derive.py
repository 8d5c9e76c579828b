"""Derived values, checked against numbers computed by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from csplan import derive
from csplan.inputs.loader import load_account
from csplan.inputs.model import Metric, Milestone
from csplan.inputs.program import DEFAULTS, Program, merge
from tests.conftest import ACCOUNTS, NORTHWIND, TODAY


@pytest.fixture(scope="module")
def northwind():
    return load_account(NORTHWIND).account


@pytest.fixture(scope="module")
def brightwater():
    return load_account(ACCOUNTS / "brightwater-clinics.yaml").account


def program(**sections) -> Program:
    return Program.model_validate(merge(DEFAULTS, sections))


def test_health_score_is_the_weighted_sum(northwind):
    series = derive.health_series(northwind, Program.default(), TODAY)
    # 80*.35 + 70*.25 + 75*.20 + 90*.10 + 100*.10 = 28 + 17.5 + 15 + 9 + 10
    assert series[0].score == 79.5 and series[0].band == "green" and series[0].drop is None
    # 90*.35 + 90*.25 + 90*.20 + 95*.10 + 100*.10 = 31.5 + 22.5 + 18 + 9.5 + 10
    assert series[-1].score == 91.5
    assert not any(w.alert for w in series)


def test_red_week_and_drop_alert(brightwater):
    series = derive.health_series(brightwater, Program.default(), TODAY)
    # week of 11-09: 56*.35 + 50*.25 + 45*.2 + 65*.1 + 45*.1 = 52.1 (yellow)
    # week of 11-16: 40*.35 + 35*.25 + 40*.2 + 60*.1 + 30*.1 = 39.75 (red), a 12.35 drop
    assert (series[-2].score, series[-2].band) == (52.1, "yellow")
    assert (series[-1].score, series[-1].band, series[-1].drop) == (39.75, "red", 12.35)
    assert series[-1].alert and not series[-2].alert


def test_bands_and_alert_drop_come_from_the_program(northwind, brightwater):
    strict = program(health={"bands": {"green": 80, "yellow": 35}, "alert_drop": 20})
    assert derive.health_series(northwind, strict, TODAY)[0].band == "yellow"  # 79.5 < 80
    last = derive.health_series(brightwater, strict, TODAY)[-1]
    assert last.band == "yellow" and not last.alert  # 39.75 >= 35; 12.35 < 20

def test_weights_default_to_the_program(northwind):
    no_weights = northwind.model_copy(deep=True)
    no_weights.health.weights = {}
    assert derive.health_weights(no_weights, Program.default()) == Program.default().weights


def test_green_days_counts_from_the_first_green_week(northwind):
    series = derive.health_series(northwind, Program.default(), TODAY)
    assert derive.green_days(series, TODAY) == 84  # 2026-08-31 .. 2026-11-23
    # Data stops on 11-16: green is not assumed past that week's seven days.
    assert derive.green_days(series, date(2027, 1, 1)) == 84
    assert derive.green_days(series, date(2026, 9, 10)) == 10


def milestone(due: date, status: str = "in-progress") -> Milestone:
    return Milestone(id="m", phase="adopt", title="T", owner="x", due=due, status=status)


@pytest.mark.parametrize("days_late, status, expected", [
    (0, "in-progress", "in-progress"), (1, "in-progress", "at-risk"),
    (6, "not-started", "at-risk"), (7, "in-progress", "stalled"), (40, "blocked", "stalled"),
    (-5, "blocked", "blocked"), (30, "done", "done"),
])
def test_milestone_state(days_late, status, expected):
    assert derive.milestone_state(milestone(TODAY - timedelta(days=days_late), status),
                                  TODAY) == expected


def test_metric_progress_is_direction_aware(northwind):
    by_id = {m.id: derive.metric_progress(m, northwind.contract.start, TODAY)
             for m in northwind.metrics}
    assert by_id["on-time"].progress == pytest.approx(11 / 13)  # (93-82)/(95-82)
    assert by_id["tool-cost"].progress == pytest.approx(2 / 3)  # (20000-60000)/(0-60000)
    assert by_id["plan-hours"].progress == pytest.approx(1.125) and by_id["plan-hours"].reached
    assert not by_id["on-time"].reached


def test_projection_is_a_least_squares_line(northwind):
    on_time = derive.metric_progress(northwind.metrics[0], northwind.contract.start, TODAY)
    # x = 0, 92, 184 days; y = 85, 90, 93 -> slope 736/16928 per day; mean (92, 89.33);
    # due 2026-12-31 is day 245: 89.333 + 0.043478 * 153 = 95.986
    assert on_time.projected == pytest.approx(95.986, abs=0.001)
    assert on_time.on_track is True


def test_projection_with_one_actual_uses_the_baseline_at_start():
    m = Metric(id="m", name="M", kind="business", unit="count", baseline=10, target=40,
               due=date(2026, 12, 31), actuals=[{"date": date(2026, 7, 1), "value": 20}])
    p = derive.metric_progress(m, date(2026, 1, 1), TODAY)
    # (2026-01-01, 10) -> (2026-07-01, 20): 10 per 181 days; 2026-12-31 is 183 days later
    assert p.projected == pytest.approx(20 + 10 * 183 / 181)
    assert p.on_track is False


def test_past_due_short_of_target_is_off_track(brightwater):
    runs = derive.metric_progress(brightwater.metrics[1], brightwater.contract.start, TODAY)
    assert runs.on_track is False and runs.latest == 58


def test_no_actuals_means_unknown():
    m = Metric(id="m", name="M", kind="business", unit="count", baseline=1, target=2)
    assert derive.metric_progress(m, date(2026, 1, 1), TODAY).on_track is None


def test_northwind_qualifies_for_expansion(northwind):
    verdict = derive.of(northwind, Program.default(), TODAY).verdict
    assert verdict.qualifies and not verdict.unmet
    assert [c.detail for c in verdict.conditions] == [
        "health green for 84 consecutive days (needs 60)",
        "business metric at target: Hours to plan the next day's routes",
        "champion in place: Maria Lopez",
        "renewal in 128 days (needs more than 60)",
    ]


def test_brightwater_is_withheld_with_reasons(brightwater):
    verdict = derive.of(brightwater, Program.default(), TODAY).verdict
    assert not verdict.qualifies
    assert [c.name for c in verdict.unmet] == ["health green", "business metric at target",
                                               "renewal far enough"]


def test_the_gate_comes_from_the_program(northwind):
    longer = program(expansion_gate={"green_days": 90, "min_days_to_renewal": 130})
    verdict = derive.of(northwind, longer, TODAY).verdict
    assert [c.detail for c in verdict.unmet] == [
        "health green for 84 consecutive days (needs 90)",
        "renewal in 128 days (needs more than 130)"]
    relaxed = program(expansion_gate={"business_metric_at_target": False,
                                      "champion_in_place": False})
    names = [c.name for c in derive.of(northwind, relaxed, TODAY).verdict.conditions]
    assert names == ["health green", "renewal far enough"]


def test_default_agenda_is_sixty_minutes(northwind):
    items = derive.of(northwind, Program.default(), TODAY).agenda
    assert sum(i.minutes for i in items) == 60 and len(items) == 8
    assert items[2].section == "Results: goals vs actuals" and items[2].minutes == 10
    assert [i.section for i in items if i.section in ("Milestones", "Asks and action items")] \
        == ["Milestones", "Asks and action items"]
    assert {i.owner for i in items} == {"priya"}  # the CSM leads by default


def test_last_quarter_pairs_by_link(northwind):
    look = derive.of(northwind, Program.default(), TODAY).lookback
    assert look.previous.quarter == "2026-Q3"
    assert [(g.goal.text, g.paired, g.state) for g in look.goals] == [
        ("Switch off two of the three legacy routing tools", "link", "met"),
        ("Reach 93% on-time delivery", "link", "met")]
    assert look.goals[0].milestone.id == "legacy-retired"
    assert look.goals[1].reading == (date(2026, 10, 31), 93.0)
    assert [a.state for a in look.actions] == ["met", "met", "missed"]


def test_no_previous_qbr_means_no_lookback():
    kurier = load_account(ACCOUNTS / "kurierdienst-elbe.yaml").account
    derived = derive.of(kurier, Program.default(), TODAY)
    assert derived.lookback is None and derived.qbr is None and derived.slides == []


def test_a_goal_answered_by_a_metric_reading_keeps_the_reading():
    bright = load_account(ACCOUNTS / "brightwater-clinics.yaml").account
    look = derive.of(bright, Program.default(), TODAY).lookback
    by_goal = {g.goal.text: g for g in look.goals}
    no_show = by_goal["No-show rate below 14%"]
    assert no_show.source == "metric" and no_show.metric.id == "no-show"
    assert no_show.reading == (date(2026, 10, 31), 16.8) and no_show.state == "missed"
    clinics = by_goal["All twelve clinics schedule in Fleetline"]
    assert clinics.milestone.id == "all-clinics" and clinics.state == "missed"


def test_the_stale_plan_verdict_counts_days_since_the_review(northwind, brightwater):
    late = derive.of(brightwater, Program.default(), TODAY).review
    assert (late.age, late.limit, late.stale) == (69, 45, True)
    fresh = derive.of(northwind, program(checks={"stale_after_days": 5}), TODAY).review
    assert (fresh.age, fresh.limit, fresh.stale) == (5, 5, False)
