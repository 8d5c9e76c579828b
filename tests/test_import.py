"""``csplan import``: CSV exports into account files, edited in place (issue #20, part 1)."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from csplan.cli import main
from csplan.inputs.loader import load_account
from tests.conftest import ACCOUNTS, replace_once

WEEK = "- {week: 2026-11-16, usage: 90, engagement: 90, outcomes: 90, support: 95, relationship: 100}"


@pytest.fixture
def book(tmp_path) -> Path:
    folder = tmp_path / "accounts"
    shutil.copytree(ACCOUNTS, folder)
    return folder


def csplan(*args, cwd: Path | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def write_csv(folder: Path, text: str, name: str = "export.csv",
              encoding: str = "utf-8") -> Path:
    path = folder.parent / name
    path.write_bytes(text.encode(encoding))
    return path


def added_lines(before: str, after: str) -> list[str]:
    """Return the lines ``after`` adds to ``before``; fail if it removes or changes any."""
    diff = list(difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)))
    assert not [d for d in diff if d.startswith("- ")], "a line of the file was changed"
    return [d[2:] for d in diff if d.startswith("+ ")]


def test_health_sub_scores_are_inserted_and_nothing_else_changes(book):
    northwind = book / "northwind-freight.yaml"
    before = northwind.read_text()
    csv = write_csv(book, "account,week,usage,engagement,outcomes,support,relationship\n"
                          "northwind-freight,2026-11-23,70,60,80,90,75.5\n")
    result = csplan("import", "health", csv, book)
    assert result.exit_code == 0, result.output
    assert added_lines(before, northwind.read_text()) == [
        "    - {week: 2026-11-23, usage: 70, engagement: 60, outcomes: 80, support: 90, "
        "relationship: 75.5}\n"]
    assert "accounts/northwind-freight.yaml: 1 added, 0 already there, 0 in conflict" in \
        result.output
    assert load_account(northwind).account.health.weekly[-1].scores["usage"] == 70


def test_raw_signals_are_scored_by_the_program_s_health_model(book):
    northwind = book / "northwind-freight.yaml"
    csv = write_csv(book, "crm_id;week;Seats used %;Feature adoption %;Meeting attendance %;"
                          "Days since last exec meeting;Goals on track %;Open tickets;"
                          "Ticket severity;NPS;Champion;Executive sponsor\n"
                          "northwind-freight;23.11.2026;81;60;90;45;75;3;2;40;yes;no\n")
    result = csplan("import", "health", csv, northwind)
    assert result.exit_code == 0, result.output
    # usage: mean(81/90, 60/70) = 87.9; engagement: mean(90, 70); support: mean(75, 80)
    # relationship: mean(nps 40 -> 90, champion 100, sponsor 0) = 63.3
    assert load_account(northwind).account.health.weekly[-1].scores == {
        "usage": 88, "engagement": 80, "outcomes": 75, "support": 78, "relationship": 63}

    (book / "program.yaml").write_text(
        "health:\n  signals:\n"
        "    seats_used_pct: {dimension: usage, linear: [0, 100]}\n"
        "    goals_on_track_pct: {dimension: outcomes, thresholds: [{up_to: 50, score: 0}, "
        "{score: 100}]}\n"
        "    engagement_score: {dimension: engagement, linear: [0, 10]}\n"
        "    support_score: {dimension: support, linear: [0, 10]}\n"
        "    relationship_score: {dimension: relationship, linear: [0, 10]}\n")
    csv = write_csv(book, "crm_id,week,seats_used_pct,goals_on_track_pct,engagement_score,"
                          "support_score,relationship_score\n"
                          "northwind-freight,2026-11-30,81,75,5,10,2\n", "own.csv")
    result = csplan("import", "health", csv, northwind)
    assert result.exit_code == 0, result.output
    assert load_account(northwind).account.health.weekly[-1].scores == {
        "usage": 81, "engagement": 50, "outcomes": 100, "support": 100, "relationship": 20}


def test_a_bad_health_model_in_program_yaml_is_named(book):
    (book / "program.yaml").write_text(
        "health:\n  signals:\n    nps: {dimension: happiness, linear: [0, 1]}\n"
        "    open_tickets: {dimension: support, linear: [0, 1], thresholds: [{score: 1}]}\n")
    csv = write_csv(book, "account,week,usage\nnorthwind-freight,2026-11-23,70\n")
    result = csplan("import", "health", csv, book / "northwind-freight.yaml")
    assert result.exit_code == 2
    assert "program.yaml" in result.output
    assert "signal 'nps' scores dimension 'happiness'" in result.output \
        or "either linear" in result.output


def test_importing_the_same_csv_twice_changes_nothing(book):
    northwind = book / "northwind-freight.yaml"
    csv = write_csv(book, "account,metric,date,value\n"
                          "Northwind Freight,on-time,2026-11-30,94.5\n"
                          "Northwind Freight,on-time,2026-10-31,93\n")
    assert csplan("import", "actuals", csv, book).exit_code == 0
    once = northwind.read_bytes()
    result = csplan("import", "actuals", csv, book)
    assert result.exit_code == 0
    assert northwind.read_bytes() == once
    assert "northwind-freight.yaml: 0 added, 2 already there, 0 in conflict" in result.output


def test_a_contradicting_row_is_reported_and_applied_only_with_replace(book):
    northwind = book / "northwind-freight.yaml"
    before = northwind.read_text()
    csv = write_csv(book, "account,week,usage,engagement,outcomes,support,relationship\n"
                          "northwind-freight,2026-11-16,10,10,10,10,10\n"
                          "northwind-freight,2026-11-23,70,60,80,90,75\n")
    result = csplan("import", "health", csv, book)
    assert result.exit_code == 1
    assert ("export.csv:2:1: error IMPORT week 2026-11-16 is in accounts/northwind-freight.yaml"
            in result.output.replace(str(book.parent) + "/", ""))
    assert "1 added, 0 already there, 1 in conflict" in result.output
    after = northwind.read_text()
    assert WEEK in after and len(added_lines(before, after)) == 1

    result = csplan("import", "health", csv, book, "--replace")
    assert result.exit_code == 0, result.output
    assert "0 added, 1 replaced, 1 already there, 0 in conflict" in result.output
    text = northwind.read_text()
    assert WEEK not in text
    assert ("    - {week: 2026-11-16, usage: 10, engagement: 10, outcomes: 10, support: 10, "
            "relationship: 10}\n    - {week: 2026-11-23") in text


def test_actuals_go_in_date_order_and_an_unknown_metric_is_reported(book):
    northwind = book / "northwind-freight.yaml"
    before = northwind.read_text()
    csv = write_csv(book, "Account Name;Metric;Date;Value\n"
                          "Northwind Freight;tool-cost;31.08.2026;30000\n"
                          "Northwind Freight;no-such;31.08.2026;1\n"
                          "Nowhere Inc;tool-cost;31.08.2026;1\n")
    result = csplan("import", "actuals", csv, book)
    assert result.exit_code == 1
    assert "has no metric 'no-such'" in result.output
    assert "no account has the crm_id, file name or name 'Nowhere Inc'" in result.output
    after = northwind.read_text()
    assert added_lines(before, after) == ["      - {date: 2026-08-31, value: 30000}\n"]
    assert ("      - {date: 2026-07-31, value: 40000}\n      - {date: 2026-08-31, value: 30000}\n"
            "      - {date: 2026-10-31, value: 20000}\n") in after


def test_crm_id_wins_and_a_name_two_accounts_share_is_not_applied(book):
    northwind = book / "northwind-freight.yaml"
    text = northwind.read_text()
    northwind.write_text(replace_once(text, "name: Northwind Freight", "name: Northwind Freight"
                                      "\n  crm_id: 001Ax000003"))
    (book / "copy.yaml").write_text(text)  # another account with the same name
    csv = write_csv(book, "account,metric,date,value\n"
                          "001Ax000003,nps,2026-11-30,40\n"
                          "Northwind Freight,nps,2026-11-30,41\n")
    result = csplan("import", "actuals", csv, book)
    assert result.exit_code == 1
    assert "'Northwind Freight' is the name of 2 accounts" in result.output
    assert load_account(northwind).account.metrics[-1].actuals[-1].value == 40
    assert (book / "copy.yaml").read_text() == text


def test_lists_and_sections_that_are_missing_or_empty_are_added(book, write_account):
    text = (book / "northwind-freight.yaml").read_text()
    start = text.index("health:")
    end = text.index("\nqbrs:")
    text = text[:start] + text[end + 1:]  # no health section at all
    text = replace_once(text, "    actuals:\n      - {date: 2026-09-30, value: 36}\n",
                        "    actuals: []\n")
    account = write_account(text)
    csv = write_csv(account.parent / "x", "week,usage,engagement,outcomes,support,relationship\n"
                                         "2026-11-23,70,60,80,90,75\n")
    assert csplan("import", "health", csv, account).exit_code == 0
    csv = write_csv(account.parent / "x", "metric,date,value\nnps,2026-11-30,40\n", "a.csv")
    assert csplan("import", "actuals", csv, account).exit_code == 0
    after = account.read_text()
    assert "    actuals: [{date: 2026-11-30, value: 40}]\n" in after
    assert after.endswith("health:\n  weekly:\n    - {week: 2026-11-23, usage: 70, engagement: "
                          "60, outcomes: 80, support: 90, relationship: 75}\n") or (
        "\nhealth:\n  weekly:\n    - {week: 2026-11-23" in after)
    loaded = load_account(account).account
    assert loaded.health.weekly[0].scores["usage"] == 70
    assert loaded.metrics[-1].actuals[0].value == 40


def test_line_endings_and_a_byte_order_mark_are_kept(book):
    northwind = book / "northwind-freight.yaml"
    raw = b"\xef\xbb\xbf" + northwind.read_bytes().replace(b"\n", b"\r\n")
    northwind.write_bytes(raw)
    csv = write_csv(book, "metric,date,value\nnps,2026-11-30,40\n")
    assert csplan("import", "actuals", csv, northwind).exit_code == 0
    after = northwind.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert b"      - {date: 2026-09-30, value: 36}\r\n      - {date: 2026-11-30, value: 40}\r\n" \
        in after


SALESFORCE = (
    '"First Name","Last Name","Title","Email","Contact Role","Phone","Account Name",'
    '"Mailing City"\n'
    '"Maria","Lopez","VP Operations","maria@northwind.example","Champion","+1 415 555 0100",'
    '"Northwind Freight","Chicago"\n'
    '"Anna","Schmidt","CTO","anna@northwind.example","Technical Buyer","+49 30 1234",'
    '"Northwind Freight","Berlin"\n'
    '"Bob","Stone","Analyst, Routing","bob@northwind.example","Influencer","",'
    '"Northwind Freight",""\n'
    '"Ana","Schmidt","Controller","ana@northwind.example","Economic Decision Maker","",'
    '"Northwind Freight",""\n')


def test_a_salesforce_contact_export_imports_as_stakeholders(book):
    northwind = book / "northwind-freight.yaml"
    before = northwind.read_text()
    csv = write_csv(book, SALESFORCE)
    result = csplan("import", "contacts", csv, "--account", northwind)
    assert result.exit_code == 0, result.output
    assert "role 'Influencer' of Bob Stone is not a stakeholder role; written as 'other'" in \
        result.output
    assert "1 already there" in result.output  # Maria Lopez
    assert added_lines(before, northwind.read_text()) == [
        "  - id: anna-schmidt\n", "    name: Anna Schmidt\n", "    title: CTO\n",
        "    role: it-contact\n", "    email: anna@northwind.example\n",
        "  - id: bob-stone\n", "    name: Bob Stone\n", '    title: "Analyst, Routing"\n',
        "    role: other\n", "    email: bob@northwind.example\n",
        "  - id: ana-schmidt\n", "    name: Ana Schmidt\n", "    title: Controller\n",
        "    role: economic-buyer\n", "    email: ana@northwind.example\n"]
    again = csplan("import", "contacts", csv, "--account", northwind)
    assert "0 added, 4 already there, 0 in conflict" in again.output


def test_hubspot_headers_and_a_column_map_work(book):
    northwind = book / "northwind-freight.yaml"
    csv = write_csv(book, "Record ID,First Name,Last Name,Job Title,Email,Buying Role\n"
                          "1,Jo,Park,COO,jo@northwind.example,Budget Holder\n")
    assert csplan("import", "contacts", csv, "--account", northwind).exit_code == 0
    person = load_account(northwind).account.stakeholders[-1]
    assert (person.id, person.title, person.role) == ("jo-park", "COO", "economic-buyer")

    csv = write_csv(book, "Vorname;Nachname;Funktion;Rolle\nLi;Wei;Dispatcher;Champion\n"
                          "Kim;Lee;Planner;Champion\n", "de.csv")
    result = csplan("import", "contacts", csv, "--account", northwind, "--map",
                    "Vorname=first_name", "--map", "Nachname=last_name",
                    "--map", "Funktion=title", "--map", "Rolle=role")
    assert result.exit_code == 1  # Li Wei is already there with another title
    assert "Li Wei is stakeholder 'li' with another title, role" in result.output
    assert load_account(northwind).account.stakeholders[-1].name == "Kim Lee"
    bad = csplan("import", "contacts", csv, "--account", northwind, "--map", "Beruf=title")
    assert bad.exit_code == 2 and "has no column 'Beruf'" in bad.output
    bad = csplan("import", "contacts", csv, "--account", northwind, "--map", "Beruf")
    assert bad.exit_code == 2 and "'Beruf': write COLUMN=FIELD" in bad.output


def test_dry_run_prints_a_diff_per_file_and_writes_nothing(book):
    before = {p.name: p.read_bytes() for p in book.glob("*.yaml")}
    csv = write_csv(book, "account,week,usage,engagement,outcomes,support,relationship\n"
                          "northwind-freight,2026-11-23,70,60,80,90,75\n"
                          "Brightwater Clinics,2026-11-23,50,50,50,50,50\n")
    result = csplan("import", "health", csv, "--dry-run", book)
    assert result.exit_code == 0
    assert {p.name: p.read_bytes() for p in book.glob("*.yaml")} == before
    assert result.stdout.count("--- a/") == 2
    assert ("+    - {week: 2026-11-23, usage: 50, engagement: 50, outcomes: 50, support: 50, "
            "relationship: 50}") in result.stdout
    assert "(dry run: not written)" in result.output


def test_a_row_missing_a_dimension_is_not_applied(book):
    northwind = book / "northwind-freight.yaml"
    before = northwind.read_bytes()
    csv = write_csv(book, "account,week,usage\nnorthwind-freight,2026-11-23,70\n")
    result = csplan("import", "health", csv, book)
    assert result.exit_code == 1
    assert "no value for engagement, outcomes, relationship, support" in result.output
    assert northwind.read_bytes() == before


def test_a_row_without_its_week_or_value_is_reported_not_dropped(book):
    northwind = book / "northwind-freight.yaml"
    before = northwind.read_bytes()
    csv = write_csv(book, "account,week,usage,engagement,outcomes,support,relationship\n"
                          "northwind-freight,,70,60,80,90,75\n")
    result = csplan("import", "health", csv, book)
    assert result.exit_code == 1
    assert "export.csv:2:2: error IMPORT no week in this row; row not applied" in result.stdout
    csv = write_csv(book, "account,metric,date,value\nnorthwind-freight,nps,2026-11-30,\n",
                    "a.csv")
    result = csplan("import", "actuals", csv, book)
    assert result.exit_code == 1
    assert "a.csv:2:4: error IMPORT no 'value' in this row; row not applied" in result.stdout
    assert northwind.read_bytes() == before


def test_a_linked_account_file_stays_a_link(book, tmp_path):
    real = tmp_path / "elsewhere.yaml"
    (book / "northwind-freight.yaml").rename(real)
    (book / "northwind-freight.yaml").symlink_to(real)
    csv = write_csv(book, "metric,date,value\nnps,2026-11-30,40\n")
    assert csplan("import", "actuals", csv, book / "northwind-freight.yaml").exit_code == 0
    assert (book / "northwind-freight.yaml").is_symlink()
    assert "{date: 2026-11-30, value: 40}" in real.read_text()


@pytest.mark.parametrize("mode", [0o600, 0o664])
def test_an_imported_file_keeps_its_permissions(book, mode):
    northwind = book / "northwind-freight.yaml"
    northwind.chmod(mode)
    csv = write_csv(book, "metric,date,value\nnps,2026-11-30,40\n")
    result = csplan("import", "actuals", csv, northwind)
    assert result.exit_code == 0, result.output
    assert "{date: 2026-11-30, value: 40}" in northwind.read_text()
    assert northwind.stat().st_mode & 0o777 == mode


def test_a_file_changed_during_the_import_is_not_overwritten(book, monkeypatch):
    from csplan.inputs import yamledit

    northwind = book / "northwind-freight.yaml"
    real_apply = yamledit.apply

    def apply_while_someone_saves(text, edits):
        northwind.write_text(text + "# saved by someone else\n")
        return real_apply(text, edits)

    monkeypatch.setattr(yamledit, "apply", apply_while_someone_saves)
    csv = write_csv(book, "metric,date,value\nnps,2026-11-30,40\n")
    result = csplan("import", "actuals", csv, northwind)
    assert result.exit_code == 1
    assert "the file changed while csplan was importing into it" in result.stdout
    assert northwind.read_text().endswith("# saved by someone else\n")


@pytest.mark.parametrize("health, written", [
    ("health: ~\n", "health: {weekly: [{week: 2026-11-23, usage: 70, engagement: 60, "
                    "outcomes: 80, support: 90, relationship: 75}]}\n"),
    ("health: {weights: {usage: 50, engagement: 10, outcomes: 10, support: 10, "
     "relationship: 20}}\n",
     "health: {weights: {usage: 50, engagement: 10, outcomes: 10, support: 10, "
     "relationship: 20}, weekly: [{week: 2026-11-23, usage: 70, engagement: 60, outcomes: 80, "
     "support: 90, relationship: 75}]}\n"),
    ("health:\n  weekly:\n", "health:\n  weekly:\n    - {week: 2026-11-23, usage: 70, "
                             "engagement: 60, outcomes: 80, support: 90, relationship: 75}\n"),
])
def test_a_health_section_written_any_way_gets_the_row(book, health, written):
    northwind = book / "northwind-freight.yaml"
    text = northwind.read_text()
    text = text[:text.index("health:")] + health + text[text.index("\nqbrs:") + 1:]
    northwind.write_text(text)
    csv = write_csv(book, "week,usage,engagement,outcomes,support,relationship\n"
                          "2026-11-23,70,60,80,90,75\n")
    result = csplan("import", "health", csv, northwind)
    assert result.exit_code == 0, result.output
    assert northwind.read_text() == replace_once(text, health, written)
    assert load_account(northwind).account.health.weekly[0].scores["usage"] == 70
