"""The team's CS program: program.yaml written, validated, used, and rendered as a document."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from csplan.cli import main
from csplan.inputs.program import Program, load_program
from tests.conftest import ACCOUNTS, replace_once
from tests.docs import docx_text, pdf_text, squash

TODAY = ["--today", "2026-11-23"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def book(tmp_path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(ACCOUNTS, folder)
    return folder


def test_init_writes_the_defaults_commented_and_refuses_to_overwrite(book):
    result = run("program", book, "--init")
    assert result.exit_code == 0 and "wrote" in result.output
    written = book / "program.yaml"
    text = written.read_text()
    assert "# The team's customer success program" in text and "alert_drop: 10" in text
    assert load_program(written) == Program.default()
    assert run("program", book, "--init").exit_code == 2
    assert run("check", book, *TODAY).exit_code == 0  # the defaults change nothing


def test_the_program_document_shows_the_defaults_and_is_internal_on_every_page(book, tmp_path):
    out = tmp_path / "out"
    result = run("program", book, "--out", out, *TODAY)
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(out / "_internal" / "cs-program.pdf"))
    for page in reader.pages:
        assert "INTERNAL - DO NOT SHARE" in page.extract_text()
    text = squash(pdf_text(out / "_internal" / "cs-program.pdf"))
    docx = squash(docx_text(out / "_internal" / "cs-program.docx"))
    for fact in ("1 Onboarding milestone map", "Kickoff held and success plan co-signed", "Day 7",
                 "Confirm first value in product analytics", "2 Health signal matrix",
                 "WAU/licensed seats, core feature use", "35%",
                 "green 75-100, yellow 50-74, red 0-49", "more than 10 points",
                 "Risk playbook: when band is red", "Day 14", "Executive",
                 "Re-engagement playbook", "Growth playbook", "4 Expansion gate",
                 "at least 60 consecutive days", "more than 60 days away", "5 Coverage model",
                 "100,000 and up", "25,000 to 99,999", "15-40", "40-120", "150-200",
                 "Twice a year", "6 Capacity of the current book",
                 "The book needs 1 CSM at the program's ratios and has 3: no more needed.",
                 "Priya Shah", "Enterprise $180,000", "Mid-market £48,000", "SMB €9,600"):
        assert squash(fact) in text, fact
        assert squash(fact) in docx, fact
    assert "INTERNAL - DO NOT SHARE" in docx_text(out / "_internal" / "cs-program.docx")


CHANGED = """\
health:
  dimensions:
    usage: {weight: 40, signals: "Daily active dispatchers"}
    engagement: {weight: 30, signals: "Replies within a day"}
    outcomes: {weight: 20, signals: "Plan goals on track"}
    support: {weight: 10, signals: "Open tickets"}
  bands: {green: 80, yellow: 55}
  alert_drop: 8
playbooks:
  growth:
    when: green for a quarter
    steps:
      - {day: 1, owner: csm, action: "Share the ROI summary"}
      - {day: 10, owner: ae, action: "Propose the yard module"}
      - {day: 20, owner: executive, action: "Executive thank-you call"}
      - {day: 45, owner: csm, action: "Ask for a case study"}
segments:
  enterprise: {arr_min: 150000, accounts_per_csm: [1, 2], touch: high, champion_touch: monthly, qbr: quarterly}
"""


def test_a_changed_program_shows_every_number_set(book, tmp_path):
    (book / "program.yaml").write_text(CHANGED)
    for name in ("north-2", "north-3"):
        text = (book / "northwind-freight.yaml").read_text()
        (book / f"{name}.yaml").write_text(replace_once(
            text, "name: Northwind Freight", f"name: Northwind {name}"))
    out = tmp_path / "out"
    result = run("program", book, "--out", out, *TODAY)
    assert result.exit_code == 0, result.output
    for text in (squash(pdf_text(out / "_internal" / "cs-program.pdf")),
                 squash(docx_text(out / "_internal" / "cs-program.docx"))):
        for fact in ("Daily active dispatchers", "40%", "30%",
                     "green 80-100, yellow 55-79, red 0-54", "more than 8 points",
                     "Growth playbook: when green for a quarter", "Day 45",
                     "Ask for a case study", "Executive thank-you call", "150,000 and up",
                     "1-2",
                     # Priya: 3 enterprise accounts / 2 = 150% load, 50% over
                     "150%", "50% over", "Priya Shah is 50% over capacity",
                     # ceil(3/2 + 1/120 + 1/200) = 2 CSMs needed; 3 named
                     "The book needs 2 CSMs at the program's ratios and has 3"):
            assert squash(fact) in text, fact


def test_program_settings_move_the_checks(book):
    (book / "program.yaml").write_text(CHANGED)
    result = run("check", book, *TODAY)
    # an 8-point alert: Brightwater's 12.35-point drop alerts, and 39.75 is red under 55
    assert "brightwater-clinics.yaml:145:7: warning SP021 health dropped 12.35 points in the " \
           "week of 2026-11-16 and health is red (39.75)" in result.stdout
    (book / "program.yaml").write_text(CHANGED.replace("alert_drop: 8", "alert_drop: 15")
                                       .replace("yellow: 55", "yellow: 35"))
    result = run("check", book, *TODAY)
    # a 15-point alert and yellow from 35: neither the drop nor the band raises SP021 now
    assert " SP021 " not in result.stdout and "brightwater-clinics.yaml:26:1" in result.stdout


def test_an_invalid_program_is_a_configuration_error(book, tmp_path):
    (book / "program.yaml").write_text("segments:\n  enterprise: {arr_min: -1}\n")
    result = run("program", book, "--out", tmp_path / "out", *TODAY)
    assert result.exit_code == 2
    assert "program.yaml:2:3: error SCHEMA segments.enterprise: missing required key" in \
        result.output
