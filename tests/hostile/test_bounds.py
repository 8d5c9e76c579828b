"""Values at and past the bounds of the format: far dates, huge numbers, NaN, overlong titles.

Each is refused with a SCHEMA finding at its line that names the limit, and one bad account
never stops the others: check, build, brief and portfolio still process the good ones, also
when csplan itself fails on an account ("internal error while checking this account").
"""

from __future__ import annotations

import io
import json
import re

import docx
import pytest
from click.testing import CliRunner
from pptx import Presentation

from csplan import derive
from csplan.inputs.brand import load_brand
from csplan.cli import main
from csplan.inputs.loader import load_account
from csplan.paths import BRAND
from csplan.inputs.program import Program
from csplan.render.docx import plan_docx
from csplan.render.pptx import deck_pptx
from csplan.views.customer import plan_view, qbr_view
from tests.conftest import NORTHWIND, TODAY, replace_once
from tests.hostile.conftest import csplan

BAD = "bad-freight.yaml"


def add_bad_account(book, old: str, new: str) -> None:
    """Write a second account, 'Bad Freight', with ``old`` replaced by ``new``."""
    text = (book / "northwind-freight.yaml").read_text(encoding="utf-8")
    text = replace_once(text, "  name: Northwind Freight\n", "  name: Bad Freight\n")
    (book / BAD).write_text(replace_once(text, old, new), encoding="utf-8")


def set_field(book, old: str, new: str) -> None:
    path = book / "northwind-freight.yaml"
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


FAR_DATES = [
    pytest.param("    date: 2026-12-08", "    date: 9999-12-28",
                 r"bad-freight\.yaml:268:5: error SCHEMA qbrs\[1\]\.date: '9999-12-28' is "
                 r"after 2100-12-31; csplan accepts dates from 1990-01-01 to 2100-12-31",
                 id="qbr"),
    pytest.param("{week: 2026-11-16,", "{week: 9999-12-27,",
                 r"bad-freight\.yaml:245:8: error SCHEMA health\.weekly\[11\]\.week: "
                 r"'9999-12-27' is after 2100-12-31; csplan accepts dates from 1990-01-01 to "
                 r"2100-12-31", id="health-week"),
]


def assert_good_built(out, *names: str) -> None:
    for name in names:
        folder = out / ("_internal/briefs" if "internal" in name else "northwind-freight")
        assert (folder / name).is_file(), sorted(p.name for p in out.rglob("*"))
    assert not (out / "bad-freight").exists()


@pytest.mark.parametrize("old, new, finding", FAR_DATES)
def test_a_far_date_is_refused_and_the_other_account_is_checked(book, old, new, finding):
    add_bad_account(book, old, new)
    result = csplan("check", book)
    assert result.exit_code == 1, result.output
    assert re.search(finding, result.stdout), result.stdout
    assert "northwind-freight.yaml" not in result.stdout  # clean, and checked
    assert "Checked 2 accounts" in result.stderr and "1 failed" in result.stderr


@pytest.mark.parametrize("old, new, finding", FAR_DATES)
def test_a_far_date_fails_its_account_alone_in_build(book, tmp_path, old, new, finding):
    add_bad_account(book, old, new)
    out = tmp_path / "out"
    result = csplan("build", book, "--out", out, "--formats", "docx,pptx", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert re.search(finding, result.stdout), result.stdout
    assert_good_built(out, "northwind-freight-success-plan.docx",
                      "northwind-freight-qbr-2026-Q4.pptx")
    report = json.loads((out / "_internal" / "build-report.json").read_text())
    assert report["summary"] == {"built": 1, "skipped": 0, "failed": 1}


@pytest.mark.parametrize("old, new, finding", FAR_DATES)
def test_a_far_date_fails_its_account_alone_in_brief(book, tmp_path, old, new, finding):
    add_bad_account(book, old, new)
    out = tmp_path / "out"
    result = csplan("brief", book, "--out", out)
    assert result.exit_code == 1, result.output
    assert re.search(finding, result.stdout), result.stdout
    assert_good_built(out, "northwind-freight-qbr-prep-internal.pdf")


@pytest.mark.parametrize("old, new, finding", FAR_DATES)
def test_a_far_date_fails_its_account_alone_in_portfolio(book, tmp_path, old, new, finding):
    add_bad_account(book, old, new)
    out = tmp_path / "out"
    result = csplan("portfolio", book, "--out", out, "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert [a["name"] for a in data["accounts"]] == ["Northwind Freight"]
    problem = data["unreadable"][0]
    assert re.search(finding, f"{problem['file']}:{problem['line']}:{problem['column']}: "
                              f"{problem['level']} {problem['rule']} {problem['message']}")
    assert "Northwind Freight" in (out / "_internal" / "portfolio.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, finding", [
    pytest.param("  name: Northwind Freight\n", "  name: " + "N" * 300 + "\n",
                 r"northwind-freight\.yaml:7:3: error SCHEMA account\.name: text is 300 "
                 r"characters, more than 200; shorten it", id="title-300"),
    pytest.param("  seats: 250", "  seats: " + "1" + "0" * 30,
                 r"northwind-freight\.yaml:18:3: error SCHEMA product\.seats: '1e\+30' is out "
                 r"of range; it must be at most 1,000,000,000,000; write a smaller value",
                 id="seats-1e30"),
    pytest.param("value: 93}", "value: 1e308}",
                 r"northwind-freight\.yaml:79:\d+: error SCHEMA metrics\[0\]\.actuals\[2\]\."
                 r"value: '1e308' is out of range; it must be at most 1,000,000,000,000; "
                 r"write a smaller value", id="value-1e308"),
    pytest.param("value: 93}", "value: nan}",
                 r"northwind-freight\.yaml:79:\d+: error SCHEMA metrics\[0\]\.actuals\[2\]\."
                 r"value: expected a finite number, got 'nan'; write a number like 42 or 3.5",
                 id="value-nan"),
    pytest.param("value: 93}", "value: inf}",
                 r"northwind-freight\.yaml:79:\d+: error SCHEMA metrics\[0\]\.actuals\[2\]\."
                 r"value: expected a finite number, got 'inf'; write a number like 42 or 3.5",
                 id="value-inf"),
    pytest.param("    target: 95\n", "    target: 1e-300\n",
                 r"northwind-freight\.yaml:72:5: error SCHEMA metrics\[0\]\.target: '1e-300' "
                 r"has more than 6 decimal places; round it to 6 or fewer", id="target-1e-300"),
    pytest.param("  start: 2026-02-01", "  start: 1989-12-31",
                 r"northwind-freight\.yaml:21:3: error SCHEMA contract\.start: '1989-12-31' is "
                 r"before 1990-01-01; csplan accepts dates from 1990-01-01 to 2100-12-31",
                 id="date-1989"),
])
def test_a_value_past_its_bound_is_a_schema_finding_naming_the_limit(book, old, new, finding):
    set_field(book, old, new)
    result = csplan("check", book)
    assert result.exit_code == 1
    assert re.search(finding, result.stdout), result.stdout


def test_a_title_of_exactly_the_limit_builds_all_three_documents(book, tmp_path):
    from csplan.inputs.model import TEXT_LIMITS

    name = ("Northwind Freight International " * 10)[:TEXT_LIMITS["name"] - 1] + "X"
    set_field(book, "  name: Northwind Freight\n", f"  name: {name}\n")
    out = tmp_path / "out"
    result = csplan("build", book, "--out", out)
    assert result.exit_code == 0, result.output
    files = sorted(p.suffix for p in out.glob("*/*") if p.parent.name != "_internal")
    assert files == [".docx", ".pdf", ".pptx"], files


@pytest.fixture
def crashing(monkeypatch, tmp_path):
    """Make csplan itself fail on the account named 'Bad Freight' (an unexpected bug); its
    crash logs go to a folder of the test's own."""
    real = derive.health_series
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)

    def health_series(account, program, today):
        if account.account.name == "Bad Freight":
            raise RuntimeError("simulated bug")
        return real(account, program, today)

    monkeypatch.setattr(derive, "health_series", health_series)


INTERNAL = (r"bad-freight\.yaml:0:0: error INTERNAL internal error while (checking|listing) "
            r"this account \(RuntimeError\); this is a bug in csplan, not in the file: please "
            r"report it with \S+csplan-crash-\S+\.log")


def test_an_internal_error_fails_one_account_in_check(book, crashing):
    add_bad_account(book, "  industry: Logistics", "  industry: Freight")
    result = csplan("check", book)
    assert result.exit_code == 3  # a bug of csplan's, not a failed account
    assert re.search(INTERNAL, result.stdout), result.stdout
    assert "Checked 2 accounts" in result.stderr and "1 failed" in result.stderr


@pytest.mark.parametrize("command, formats, built", [
    ("build", ("--formats", "docx"), "northwind-freight-success-plan.docx"),
    ("brief", (), "northwind-freight-qbr-prep-internal.pdf"),
])
def test_an_internal_error_fails_one_account_in_build_and_brief(book, tmp_path, crashing,
                                                                 command, formats, built):
    add_bad_account(book, "  industry: Logistics", "  industry: Freight")
    out = tmp_path / "out"
    result = csplan(command, book, "--out", out, *formats)
    assert result.exit_code == 3
    assert re.search(INTERNAL, result.stdout), result.stdout
    assert_good_built(out, built)


def test_an_internal_error_fails_one_account_in_portfolio(book, tmp_path, crashing):
    add_bad_account(book, "  industry: Logistics", "  industry: Freight")
    result = csplan("portfolio", book, "--out", tmp_path / "out", "--format", "json")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert [a["name"] for a in data["accounts"]] == ["Northwind Freight"]
    assert re.search(INTERNAL, "bad-freight.yaml:0:0: error INTERNAL "
                     + data["unreadable"][0]["message"])
    assert any("simulated bug" in log.read_text() for log in tmp_path.glob("csplan-crash-*.log"))


def test_document_title_properties_are_cut_to_255_characters():
    """The last defence: a title longer than Office allows is cut, never a crash."""
    loaded = load_account(NORTHWIND)
    loaded.account.account.name = "N" * 400  # past the model's bound, as a bug might do
    brand = load_brand(BRAND)
    derived = derive.of(loaded.account, Program.default(), TODAY)
    data = plan_docx(plan_view(derived, brand.spec.name, None), brand, None)
    assert docx.Document(io.BytesIO(data)).core_properties.title == "N" * 255
    deck = deck_pptx(qbr_view(derived, brand.spec.name), brand, None)
    assert Presentation(io.BytesIO(deck)).core_properties.title == "N" * 255


@pytest.mark.parametrize("command", ["check", "new"])
def test_today_outside_the_date_range_is_a_usage_error(book, tmp_path, command):
    args = [book] if command == "check" else ["Acme", "--dir", tmp_path / "new"]
    result = CliRunner().invoke(main, [command, *map(str, args), "--today", "9999-12-30"])
    assert result.exit_code == 2, result.output
    assert "'9999-12-30' is outside the dates csplan accepts, 1990-01-01 to 2100-12-31" in \
        result.output
    assert not (tmp_path / "new").exists()
