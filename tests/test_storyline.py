"""The QBR deck as a storyline (issue #18): every content slide uses its area, the wins and the
executive summary are there, we said / we did pairs by link, notes follow the slide's section,
charts sit on a date axis, and the agenda runs 60 minutes on the clock."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation

from csplan import api
from tests.conftest import ACCOUNTS, replace_once

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    outcome = api.build([ACCOUNTS], out=out, formats=("pptx",), today=TODAY)
    assert not outcome.failed, outcome.findings
    return {p.parent.name: p for p in out.rglob("*.pptx")}


def _texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) + "\n".join(
        c.text for s in slide.shapes if s.has_table for r in s.table.rows for c in r.cells)


def test_every_content_slide_is_filled_to_two_thirds(decks):
    for name, path in decks.items():
        prs = Presentation(str(path))
        slides = list(prs.slides)
        for index, slide in enumerate(slides):
            if index == 0:  # the cover is a statement slide; the closing one is filled too
                continue
            lowest = max(s.top + s.height for s in slide.shapes if s.top is not None)
            assert lowest >= prs.slide_height * 2 / 3, (name, index, slide.shapes.title.text)


def test_a_few_action_items_are_cards_and_the_closing_slide_repeats_the_goals(decks):
    slides = list(Presentation(str(decks["northwind-freight"])).slides)
    actions = next(s for s in slides if s.shapes.title.text == "Asks and action items")
    cards = [s.text_frame.text for s in actions.shapes if s.name == "action"]
    assert cards == ["Send the QBR summary and updated plan\nPriya Shah · due Dec 10, 2026",
                     "Share the November TMS report\nMaria Lopez · due Dec 15, 2026"]
    assert not any(s.has_table for s in actions.shapes)
    closing = _texts(slides[-1])
    assert "Next QBR: Mar 9, 2027\nUntil then\nReach 95% on-time delivery across all " \
        "regions\nSwitch off the last legacy routing tool" in closing
    assert "Priya Shah" in closing and "support@fleetline.example" in closing


def test_the_wins_are_on_the_value_slide(decks):
    prs = Presentation(str(decks["northwind-freight"]))
    text = "\n".join(_texts(s) for s in prs.slides)
    assert "Two legacy routing tools switched off three days early" in text
    assert "Wins this quarter" in text


def test_the_executive_summary_shows_the_plans_numbers(decks):
    prs = Presentation(str(decks["northwind-freight"]))
    summary = _texts(prs.slides[2])
    assert prs.slides[2].shapes.title.text == "Executive summary"
    for fact in ("93%", "Target 95% by Dec 31, 2026", "$20,000", "1.5 hr", "84%",
                 "5  Done", "0  At risk", "0  Stalled", "+3 pts since Q3 2026"):
        assert fact in summary, fact
    assert "Last quarter: we said, we did — 4 of 5 commitments from last time met" in summary


def test_we_said_we_did_pairs_by_link_and_names_the_previous_quarter(decks):
    prs = Presentation(str(decks["brightwater-clinics"]))
    slide = prs.slides[3]
    assert slide.shapes.title.text == "We said, we did: since our Q2 2026 QBR"
    text = _texts(slide)
    assert "Patient no-show rate: 16.8% (31 Oct 2026)\nMissed" in text
    assert "Not done yet: All twelve clinics schedule in Fleetline (due 30 Oct 2026)" in text


def test_an_unlinked_goal_raises_sp025(tmp_path):
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "northwind.png").write_bytes(
        (ACCOUNTS / "logos" / "northwind.png").read_bytes())
    text = (ACCOUNTS / "northwind-freight.yaml").read_text(encoding="utf-8")
    text = replace_once(text, "{text: Reach 93% on-time delivery, metric: on-time, target: 93}",
                        "Reach 93% on-time delivery")
    text = replace_once(text, "{text: Switch off two of the three legacy routing tools, "
                              "milestone: legacy-retired}", "Polish the brass doorknobs")
    path = tmp_path / "northwind-freight.yaml"
    path.write_text(text, encoding="utf-8")
    findings = [f.message for result in api.check([path], today=TODAY) for f in result.findings
                if f.rule == "SP028"]
    assert any("goal 'Reach 93% on-time delivery' is paired with" in f for f in findings)
    assert any("nothing answers the 2026-Q3 goal 'Polish the brass doorknobs'" in f
               for f in findings)


def test_notes_follow_the_slides_section_and_carry_no_coaching(decks):
    prs = Presentation(str(decks["northwind-freight"]))
    by_title = {s.shapes.title.text: s.notes_slide.notes_text_frame.text for s in prs.slides}
    assert by_title["Next quarter: goals and roadmap"].startswith(
        "Agenda: Next quarter: goals and roadmap (10 minutes")
    assert by_title["Challenges and open risks"].startswith(
        "Agenda: Challenges and open risks (10 minutes")
    notes = "\n".join(by_title.values())
    for coaching in ("Tie the opportunity", "not the signature", "Agree each goal with",
                     "Confirm each owner", "Name each challenge", "multi-year pricing",
                     "health"):
        assert coaching not in notes, coaching


def test_every_chart_has_a_date_axis(decks):
    with zipfile.ZipFile(decks["northwind-freight"]) as z:
        charts = [z.read(n).decode() for n in z.namelist()
                  if n.startswith("ppt/charts/chart") and n.endswith(".xml")]
    assert charts and all("<c:dateAx>" in c for c in charts)


def test_the_agenda_runs_sixty_minutes_from_the_start_time(decks):
    prs = Presentation(str(decks["northwind-freight"]))
    table = next(s for s in prs.slides[1].shapes if s.has_table).table
    rows = [[c.text for c in r.cells] for r in table.rows][1:-1]
    assert sum(int(r[2].split()[0]) for r in rows) == 60
    assert rows[0][0] == "10:00–10:05" and rows[-1][0].endswith("–11:00")
    assert any(r[1] == "Milestones" for r in rows)
    assert any(r[1] == "Asks and action items" for r in rows)


def test_a_results_title_says_when_a_target_was_reached_or_missed(decks):
    """A target whose date has passed is not "by 31 Oct 2026" any more: it was missed; a
    target already reached is not still ahead."""
    missed = "\n".join(_texts(s) for s in Presentation(str(decks["brightwater-clinics"])).slides)
    assert ("Transport runs scheduled in Fleetline up from 0% to 58%; target 90% missed: "
            "it was due 31 Oct 2026") in missed
    assert "Patient no-show rate down from 18% to 16.8%; target 10% by 31 Dec 2026" in missed
    reached = "\n".join(_texts(s) for s in Presentation(str(decks["northwind-freight"])).slides)
    assert "Weekly active seats up from 0% to 84%; target 80% reached" in reached
    assert "target 80% by" not in reached


def test_the_next_qbr_follows_the_segments_cadence(decks):
    """Brightwater is mid-market, whose program holds QBRs semi-annually (its plan's
    communication table says so too): its next QBR is six months on, not a quarter."""
    closing = _texts(Presentation(str(decks["brightwater-clinics"])).slides[-1])
    assert "Next QBR: 3 Jun 2027" in closing  # the QBR of 3 Dec 2026 + 182 days
    northwind = _texts(Presentation(str(decks["northwind-freight"])).slides[-1])
    assert "Next QBR: Mar 9, 2027" in northwind  # enterprise: quarterly


def test_an_action_is_not_proven_by_a_reading_from_before_it_was_due(decks):
    """The refresher (due Oct 15) was shown beside "Weekly active seats: 84% (Sep 30, 2026)",
    a reading taken before it could have had any effect."""
    lookback = _texts(Presentation(str(decks["northwind-freight"])).slides[3])
    assert "Run a peak-season refresher for dispatchers" in lookback
    assert "84% (Sep 30, 2026)" not in lookback
    assert "On-time delivery rate: 93% (Oct 31, 2026)" in lookback  # a goal's reading stays
