"""The CSM's side: the internal QBR prep brief and the portfolio, and that they agree with
what check derives for the same accounts and date."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from benchmarks.synth import write_book
from csplan.cli import main
from tests.conftest import ACCOUNTS, replace_once
from tests.docs import pdf_text, squash

TODAY = ["--today", "2026-11-23"]


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args] + TODAY, catch_exceptions=False)


@pytest.fixture(scope="module")
def briefs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("briefs")
    result = run("brief", ACCOUNTS, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def brief_text(briefs: Path, slug: str) -> tuple[str, PdfReader]:
    path = briefs / "_internal" / "briefs" / f"{slug}-qbr-prep-internal.pdf"
    return pdf_text(path), PdfReader(str(path))


def test_the_brief_of_a_red_account_says_what_to_do_this_week(briefs):
    text, reader = brief_text(briefs, "brightwater-clinics")
    assert 1 <= len(reader.pages) <= 3  # two, and the save plan of a Critical account
    for page in reader.pages:
        assert "INTERNAL - DO NOT SHARE" in page.extract_text()
    flat = squash(text)
    for fact in (
            "39.75", "red",
            # each dimension's latest sub-score and change
            "Usage", "35%", "-16", "Relationship", "-15",
            # alerts: the 12.35-point drop and the run of yellow weeks
            "16 Nov 2026: dropped 12.35 points (more than 10)",
            "Yellow for 9 weeks, 14 Sept 2026 to 9 Nov 2026",
            # the risk playbook, dated from the day it was triggered (16 Nov)
            "Risk playbook", "Triggered 16 Nov 2026: health is red (39.75)",
            "17 Nov 2026", "19 Nov 2026", "23 Nov 2026", "30 Nov 2026",
            "If no recovery, executive outreach and a save plan",
            # expansion verdict with each condition
            "Expansion: withheld", "Unmet health green for 0 consecutive days (needs 60)",
            "Met champion in place: Helen Marsh", "Unmet renewal in 53 days",
            # churn indicators, open actions, notes, checklist
            "Missed touchpoints", "Metrics off track: Patient no-show rate",
            "Onboard the last three clinics", "past due (Q2 2026)",
            "Helen may move to the regional role in January",
            "Two quantified ROI points: Missed appointments avoided: about 40 a month",
            "Renewal: 15 Jan 2027 (53 days)"):
        assert squash(fact) in flat, fact


def test_the_brief_of_a_green_account_calls_for_growth(briefs):
    text, _ = brief_text(briefs, "northwind-freight")
    flat = squash(text)
    for fact in ("91.5", "Growth playbook", "Expansion: qualifies",
                 "Met health green for 84 consecutive days (needs 60)",
                 "Expansion opportunity: Add the yard-management module",
                 "Share carrier-level late-load data", "Finance asked about multi-year pricing"):
        assert squash(fact) in flat, fact
    assert "Churn indicators" in text and "None present." in text


def test_briefs_are_only_built_when_asked(tmp_path):
    out = tmp_path / "out"
    assert run("build", ACCOUNTS / "northwind-freight.yaml", "--out", out).exit_code == 0
    assert not list(out.rglob("*-qbr-prep-internal.pdf"))
    result = run("build", ACCOUNTS / "northwind-freight.yaml", "--out", out,
                 "--formats", "brief")
    assert result.exit_code == 0
    assert (out / "_internal" / "briefs" / "northwind-freight-qbr-prep-internal.pdf").is_file()


def test_customer_folders_hold_customer_files_only(tmp_path):
    """A CSM shares OUT/<slug>/ with that customer as a whole: after a build, the briefs
    and the portfolio, it holds the plan and the deck and nothing else, and every internal
    file is under OUT/_internal/."""
    out = tmp_path / "out"
    for command in (("build",), ("brief",), ("portfolio",)):
        assert run(*command, ACCOUNTS, "--out", out).exit_code in (0, 1)
    top = sorted(p.name for p in out.iterdir())
    assert top == ["_internal", "brightwater-clinics", "kurierdienst-elbe-gmbh",
                   "northwind-freight"]
    assert sorted(p.name for p in (out / "northwind-freight").iterdir()) == [
        "northwind-freight-qbr-2026-Q4.pptx", "northwind-freight-success-plan.docx",
        "northwind-freight-success-plan.pdf"]
    internal = {p.relative_to(out / "_internal").as_posix()
                for p in (out / "_internal").rglob("*") if p.is_file()}
    assert {"index.html", "build-report.json", "portfolio.html",
            "briefs/northwind-freight-qbr-prep-internal.pdf"} <= internal
    index = (out / "_internal" / "index.html").read_text()
    assert 'href="../northwind-freight/northwind-freight-success-plan.pdf"' in index


def check_json(folder: Path) -> list[dict]:
    return json.loads(run("check", folder, "--format", "json").stdout)


def test_the_portfolio_agrees_with_check(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(ACCOUNTS, book)
    text = (book / "northwind-freight.yaml").read_text()
    (book / "misfiled.yaml").write_text(replace_once(
        replace_once(text, "name: Northwind Freight", "name: Northwind Misfiled"),
        "segment: enterprise ", "segment: smb "))
    out = tmp_path / "out"
    result = run("portfolio", book, "--out", out, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    findings = check_json(book)
    by_file = {a["file"]: a for a in data["accounts"]}
    for account in data["accounts"]:
        mine = [f for f in findings if f["file"] == account["file"]]
        assert account["stale"] == any(f["rule"] == "SP009" for f in mine)
        assert bool(account["stalled"]) == any(f["rule"] == "SP017" and "(stalled)" in
                                               f["message"] for f in mine)
    assert data["bands"] == {"green": 2, "yellow": 1, "red": 1, "none": 0}
    assert by_file[str(book / "brightwater-clinics.yaml")]["score"] == 39.75
    assert by_file[str(book / "brightwater-clinics.yaml")]["trend"] == "down"
    assert data["renewals"] == {"30": [], "60": ["Brightwater Clinics"],
                                "90": ["Brightwater Clinics"]}
    assert data["stale"] == ["Brightwater Clinics"]
    assert data["stalled"] == ["Brightwater Clinics"]
    assert sorted(data["expansion"]) == ["Northwind Freight", "Northwind Misfiled"]
    assert data["misfiled"] == [{"name": "Northwind Misfiled", "filed": "smb",
                                 "by_arr": "enterprise", "arr": 180000.0, "currency": "USD"}]
    priya = next(c for c in data["capacity"] if c["csm"] == "Priya Shah")
    assert priya["accounts"] == {"enterprise": 1, "smb": 1}
    assert priya["load"] == pytest.approx(1 / 40 + 1 / 200)
    html = (out / "_internal" / "portfolio.html").read_text()
    assert "Internal: health, capacity and notes. Do not share with customers." in html
    assert not re.search(r'(src|href)="(https?:|//)', html) and "<script" not in html
    assert "Filed in a different segment than their ARR says" in html


def test_over_capacity_is_flagged_by_how_much(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(ACCOUNTS, book)
    (book / "program.yaml").write_text(
        "segments:\n  mid-market: {arr_min: 25000, accounts_per_csm: [1, 1], touch: mid, "
        "champion_touch: quarterly, qbr: semi-annual}\n")
    text = (book / "brightwater-clinics.yaml").read_text()
    (book / "bw2.yaml").write_text(replace_once(text, "name: Brightwater Clinics",
                                                "name: Brightwater North"))
    data = json.loads(run("portfolio", book, "--out", tmp_path / "out", "--format",
                          "json").stdout)
    sam = next(c for c in data["capacity"] if c["csm"] == "Sam Okoro")
    assert sam["load"] == 2.0 and sam["over_by"] == 1.0
    assert "100.0% over" in (tmp_path / "out" / "_internal" / "portfolio.html").read_text()


def test_a_synthetic_book_portfolio_matches_check(tmp_path):
    book = write_book(tmp_path / "synth", 40)
    data = json.loads(run("portfolio", book, "--out", tmp_path / "out", "--format",
                          "json").stdout)
    findings = check_json(book)
    assert len(data["accounts"]) == 40
    for account in data["accounts"]:
        mine = [f for f in findings if f["file"] == account["file"]]
        assert account["stale"] == any(f["rule"] == "SP009" for f in mine)
        assert bool(account["stalled"]) == any(f["rule"] == "SP017" and "(stalled)" in
                                               f["message"] for f in mine)
    assert sum(data["bands"].values()) == 40
