"""The library API (csplan.api) that the command line is a thin layer over, and the format
registry: a new format is one render function and one registration."""

from __future__ import annotations

import ast
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from csplan import api, render
from csplan.cli import main
from csplan.exceptions import CsplanError
from tests.conftest import ACCOUNTS, ROOT

TODAY = date(2026, 11, 23)


def test_check_returns_each_accounts_findings():
    results = api.check([ACCOUNTS], today=TODAY)
    by_file = {Path(r.file).name: r for r in results}
    assert set(by_file) == {"northwind-freight.yaml", "brightwater-clinics.yaml",
                            "kurierdienst-elbe.yaml"}
    assert not by_file["northwind-freight.yaml"].failed()
    assert any(f.rule == "SP017" for f in by_file["brightwater-clinics.yaml"].findings)


def test_a_missing_program_file_or_empty_folder_is_a_configuration_error(tmp_path):
    with pytest.raises(CsplanError, match="does not exist"):
        api.check([ACCOUNTS], program=tmp_path / "nope.yaml", today=TODAY)
    with pytest.raises(CsplanError, match="no account files"):
        api.check([tmp_path], today=TODAY)


def _northwind_book(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    (book / "logos").mkdir(parents=True)
    shutil.copy(ACCOUNTS / "northwind-freight.yaml", book)
    shutil.copy(ACCOUNTS / "logos" / "northwind.png", book / "logos")
    return book


def _plain_text(view, ctx) -> bytes:
    lines = [view.account_name, view.primary_goal, *(m.name for m in view.metrics)]
    return "\n".join(lines).encode("utf-8")


def test_a_new_format_is_one_function_and_one_registration(monkeypatch, tmp_path):
    monkeypatch.setitem(render.FORMATS, "txt", render.Format(
        "txt", "plan", _plain_text, lambda slug, view: f"{slug}-success-plan.txt",
        default=False, help="the plan as plain text"))
    book = _northwind_book(tmp_path)
    out = tmp_path / "out"
    outcome = api.build([book], out=out, formats=("txt", "docx"), today=TODAY)
    assert not outcome.failed, outcome.findings
    text = (out / "northwind-freight" / "northwind-freight-success-plan.txt").read_text()
    assert text.splitlines()[0] == "Northwind Freight"
    assert "On-time delivery rate" in text
    entry = json.loads(outcome.report.read_text())["accounts"][0]
    assert sorted(Path(p).suffix for p in entry["files"]) == [".docx", ".txt"]
    assert set(entry["format_seconds"]) == {"docx", "txt"}
    # the command line takes it too, and lists it in --help
    result = CliRunner().invoke(main, ["build", str(book), "--out", str(tmp_path / "cli"),
                                       "--formats", "txt", "--today", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli" / "northwind-freight" / "northwind-freight-success-plan.txt"
            ).is_file()


def test_an_internal_format_never_lands_in_the_customer_folder(tmp_path):
    book = _northwind_book(tmp_path)
    outcome = api.brief([book], out=tmp_path / "out", today=TODAY)
    [written] = outcome.results[0].outputs
    assert Path(written).parent == tmp_path / "out" / "_internal" / "briefs"
    assert not (tmp_path / "out" / "northwind-freight").exists()


def test_new_and_portfolio_and_program_are_api_calls(tmp_path):
    target = api.new("Müller & Söhne", folder=tmp_path / "accounts", today=TODAY)
    assert target.name == "muller-sohne.yaml"
    assert "Müller & Söhne" in target.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="line break"):
        api.new("two\nlines", folder=tmp_path / "accounts", today=TODAY)
    outcome = api.portfolio([ACCOUNTS], out=tmp_path / "out", today=TODAY)
    assert outcome.file == tmp_path / "out" / "_internal" / "portfolio.html"
    assert len(outcome.portfolio.accounts) == 3 and not outcome.problems
    written = api.init_program([tmp_path / "accounts"])
    assert written == tmp_path / "accounts" / "program.yaml"


def test_the_command_line_holds_no_business_logic():
    """cli.py may import the API, the registries (for help texts and choices) and what it
    prints with; loading, checking, rendering and writing are the API's."""
    allowed = {"csplan", "csplan.findings", "csplan.inputs.model", "csplan.render",
               "csplan.rules", "csplan.system", "csplan.text", "csplan.build.progress",
               "csplan.build.report", "csplan.build.shards", "csplan.exceptions"}
    tree = ast.parse((ROOT / "generator" / "cli.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module
                and node.module.startswith("csplan")}
    assert imported <= allowed, imported - allowed
    # commands and option helpers only: imports, definitions and a constant or two
    others = [node for node in tree.body[1:] if not isinstance(
        node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))]
    assert len(others) <= 2, [ast.unparse(node)[:60] for node in others]
    # and no command grows into business logic
    long = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)
            and node.end_lineno - node.lineno > 50]
    assert not long, long
