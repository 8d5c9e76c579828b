"""What csplan prints for people: a hostile file name reaches the terminal as one inert line.

A file named with terminal escape sequences, a bell or a newline must not colour, ring or
forge a line of the output; JSON output keeps the real name, escaped by JSON.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata

import pytest
from click.testing import CliRunner

from csplan.cli import main
from csplan.exceptions import CsplanError
from csplan.findings import Finding
from tests.conftest import ACCOUNTS, replace_once
from tests.hostile.conftest import TODAY

FORGED = "forged.yaml:1:1: error SP001 this line was forged"
NAME = f"red\x1b[31m bell\x07 rtl\u202e \n{FORGED}.yaml"
SHOWN = f"red\\x1b[31m bell\\x07 rtl\\u202e \\n{FORGED}.yaml"


def csplan(*args):
    """Run csplan as on a terminal: click would strip escape sequences from a pipe, a
    terminal gets them."""
    return CliRunner().invoke(main, [str(a) for a in args] + TODAY, catch_exceptions=False,
                              color=True)


@pytest.fixture
def hostile_book(tmp_path):
    """Northwind under a hostile file name, with a TEXT warning so a finding names the file."""
    folder = tmp_path / "book"
    (folder / "logos").mkdir(parents=True)
    shutil.copy(ACCOUNTS / "logos" / "northwind.png", folder / "logos" / "northwind.png")
    text = (ACCOUNTS / "northwind-freight.yaml").read_text(encoding="utf-8")
    text = replace_once(text, "  industry: Logistics", '  industry: "Logi\\u200bstics"')
    (folder / NAME).write_text(text, encoding="utf-8")
    return folder


def assert_inert(output: str) -> None:
    """No control or bidi character but the newlines between lines, and no forged line."""
    raw = [f"U+{ord(c):04X}" for c in output
           if c != "\n" and (unicodedata.category(c) == "Cc" or "\u202a" <= c <= "\u202e")]
    assert not raw, output
    assert not [line for line in output.splitlines() if line.startswith("forged.yaml")]


def test_check_prints_a_hostile_file_name_escaped_on_one_line(hostile_book):
    result = csplan("check", hostile_book)
    assert result.exit_code == 0, result.output
    assert_inert(result.output)
    assert f"{hostile_book}/{SHOWN}:8:13: warning TEXT removed invisible" in result.stdout
    assert len(result.stdout.splitlines()) == 1


def test_check_json_keeps_the_real_file_name(hostile_book):
    result = csplan("check", hostile_book, "--format", "json")
    assert json.loads(result.stdout)[0]["file"] == str(hostile_book / NAME)
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_build_prints_a_hostile_file_name_escaped_on_one_line(hostile_book, tmp_path):
    out = tmp_path / "out"
    result = csplan("build", hostile_book, "--out", out, "--formats", "docx", "--verbose")
    assert result.exit_code == 0, result.output
    assert_inert(result.output)
    assert f"{hostile_book}/{SHOWN}:8:13: warning TEXT removed invisible" in result.stdout
    assert re.search(rf"^built {re.escape(f'{hostile_book}/{SHOWN}')} -> "
                     rf"{re.escape(str(out))}/\S*northwind-freight/ \(docx\) [\d.]+s$",
                     result.output, re.M), result.output
    [report_file] = out.rglob("build-report.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["accounts"][0]["file"] == str(hostile_book / NAME)


def test_a_failed_build_names_the_hostile_file_escaped(hostile_book, tmp_path):
    path = hostile_book / NAME
    path.write_text(path.read_text(encoding="utf-8") + "nonsense: 1\n", encoding="utf-8")
    result = csplan("build", hostile_book, "--out", tmp_path / "out", "--verbose")
    assert result.exit_code == 1
    assert_inert(result.output)
    assert re.search(rf"^failed {re.escape(f'{hostile_book}/{SHOWN}')}$", result.output, re.M)


def test_a_finding_is_always_one_line_and_an_error_message_too():
    finding = Finding(NAME, 3, 1, "error", "SCHEMA", "unknown key 'a\nb'")
    assert finding.format() == f"{SHOWN}:3:1: error SCHEMA unknown key 'a\\nb'"
    error = CsplanError(f"brand logo {NAME} does not exist")
    assert error.format_message() == f"brand logo {SHOWN} does not exist"


def test_a_usage_error_names_a_hostile_path_escaped(tmp_path):
    result = csplan("build", tmp_path / NAME)
    assert result.exit_code == 2
    assert_inert(result.output)
