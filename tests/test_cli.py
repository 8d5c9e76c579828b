"""The csplan command line: output, exit codes, and no tracebacks."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from csplan.cli import main
from csplan.inputs.loader import load_account
from csplan.inputs.scaffold import yaml_str
from csplan.inputs.schema import account_schema, program_schema
from tests.conftest import ACCOUNTS, ROOT

TODAY = ["--today", "2026-11-23"]


def run(*args, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def book(tmp_path) -> Path:
    """A copy of the example accounts (with logos) to break."""
    target = tmp_path / "book"
    shutil.copytree(ACCOUNTS, target)
    return target


def test_check_examples_passes_with_brightwater_warnings():
    result = run("check", ACCOUNTS, *TODAY)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(" warning " in line and "brightwater-clinics.yaml" in line for line in lines)
    assert len(lines) == 7
    assert "Checked 3 accounts: 0 errors, 7 warnings, 0 failed." in result.stderr


def test_strict_makes_warnings_fail():
    result = run("check", ACCOUNTS, "--strict", *TODAY)
    assert result.exit_code == 1
    assert "Aborted with 7 warnings in strict mode." in result.stderr


def test_json_is_the_same_findings_as_objects():
    text = run("check", ACCOUNTS, *TODAY).stdout.splitlines()
    data = json.loads(run("check", ACCOUNTS, "--format", "json", *TODAY).stdout)
    assert [f"{d['file']}:{d['line']}:{d['column']}: {d['level']} {d['rule']} {d['message']}"
            for d in data] == text
    assert set(data[0]) == {"file", "line", "column", "level", "rule", "message"}


def test_a_broken_file_is_reported_and_the_rest_still_checked(book):
    (book / "broken.yaml").write_text("schema: 1\naccount: {name: X, segment: big}\n  bad\n")
    (book / "dangling.yaml").write_text(
        (book / "northwind-freight.yaml").read_text().replace("owner: dana,", "owner: donna,"))
    result = run("check", book, *TODAY)
    assert result.exit_code == 1
    out = result.stdout
    assert re.search(r"broken\.yaml:3:\d+: error YAML YAML syntax", out)
    assert "dangling.yaml:228:80: error SP003 'donna' is not the id of anyone" in out
    assert out.count("brightwater-clinics.yaml") == 7
    assert "Checked 5 accounts" in result.stderr and "2 failed" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("content", [
    "a: &x 1\nb: *x\n", "!!python/object/apply:os.system ['true']\n", "[" * 50000,
    "\x00\x01\x02", "schema: 1\nschema: 1\n", "", "- just\n- a list\n",
    "schema: 1\naccount:\n  name: [unclosed\n",
])
def test_hostile_yaml_gives_a_message_not_a_traceback(tmp_path, content):
    path = tmp_path / "hostile.yaml"
    path.write_text(content, encoding="utf-8")
    result = run("check", path, *TODAY)
    assert result.exit_code == 1
    assert re.match(rf"{re.escape(str(path))}:\d+:\d+: error (YAML|SCHEMA) ", result.stdout)
    assert "Traceback" not in result.output


def test_missing_path_and_bad_option_are_usage_errors(tmp_path):
    assert run("check", tmp_path / "nope.yaml").exit_code == 2
    assert run("check", ACCOUNTS, "--today", "23/11/2026").exit_code == 2
    assert run("check", tmp_path).exit_code == 2  # a folder with no accounts


def test_bad_program_file_is_a_configuration_error(book):
    (book / "program.yaml").write_text("checks:\n  levels: {SP99: off}\n  stale_after: 30\n")
    result = run("check", book, *TODAY)
    assert result.exit_code == 2
    assert "program.yaml:2:12: error SCHEMA checks.levels.SP99: 'SP99' is not a rule id" in result.stderr
    assert "program.yaml:3:3: error SCHEMA unknown key 'stale_after' in checks; did you mean " \
           "'stale_after_days'?" in result.stderr


def test_program_beside_the_accounts_sets_levels_and_thresholds(book):
    (book / "program.yaml").write_text(
        "checks:\n  levels: {SP009: off, SP017: error}\n  stale_after_days: 30\n")
    result = run("check", book, *TODAY)
    assert " SP009 " not in result.stdout
    assert "error SP017 milestone 'all-clinics'" in result.stdout
    assert result.exit_code == 1
    (book / "program.yaml").write_text("checks:\n  stale_after_days: 3\n")
    result = run("check", book, *TODAY)
    assert "northwind-freight.yaml:26:1: warning SP009 plan last reviewed 5 days ago (more " \
           "than 3)" in result.stdout


def test_explicit_program_option(book, tmp_path):
    program = tmp_path / "team.yaml"
    program.write_text("checks:\n  levels: {SP019: off, SP017: off, SP009: off, SP021: off, "
                       "SP015: off}\n")
    result = run("check", book, "--strict", "--program", program, *TODAY)
    assert result.exit_code == 0 and result.stdout == ""
    assert run("check", book, "--program", tmp_path / "missing.yaml").exit_code == 2


def test_new_writes_a_file_that_loads_and_checks_point_at_the_gaps(tmp_path):
    result = run("new", "Acme Corp", "--dir", tmp_path, "--segment", "enterprise", *TODAY)
    assert result.exit_code == 0
    path = tmp_path / "acme-corp.yaml"
    text = path.read_text()
    assert 'name: "Acme Corp"' in text and "segment: enterprise" in text
    check = run("check", path, *TODAY)
    assert check.exit_code == 1
    out = check.stdout
    assert " SCHEMA " not in out and " YAML " not in out
    for rule in ("SP001", "SP004", "SP006", "SP007", "SP008"):
        assert f" error {rule} " in out
    # owners of the onboarding milestones are left for the CSM; each is pointed at
    assert out.count("has no owner") == 5
    assert "milestone 'first-value'" in out
    again = run("new", "ACME corp", "--dir", tmp_path, *TODAY)
    assert again.exit_code == 2 and "already exists" in again.output


def test_new_uses_the_program_onboarding_template_for_the_segment(tmp_path):
    (tmp_path / "program.yaml").write_text(
        "onboarding:\n  smb:\n    - {id: welcome, phase: onboard, title: \"Welcome call: "
        "goals\", day: 3, owner_role: csm}\n    - {id: live, phase: adopt, title: Live, day: 10, "
        "owner_role: champion, time_to_value: true}\n")
    result = run("new", "Tiny Shop", "--dir", tmp_path, "--segment", "smb", *TODAY)
    assert result.exit_code == 0
    text = (tmp_path / "tiny-shop.yaml").read_text()
    assert "id: welcome" in text and "due: 2026-11-26" in text and "due: 2026-12-03" in text
    assert "id: kickoff" not in text and "time_to_value: true" in text


def test_new_needs_a_name(tmp_path):
    result = run("new", "  ", "--dir", tmp_path)
    assert result.exit_code == 2 and "the account needs a name" in result.output
    assert not list(tmp_path.iterdir())


def test_new_with_a_hostile_name_stays_in_the_folder(tmp_path):
    result = run("new", "../../etc/passwd: {x: !!python/object 1}", "--dir", tmp_path, *TODAY)
    assert result.exit_code == 0
    [written] = list(tmp_path.glob("*.yaml"))
    assert written.name == "etc-passwd-x-python-object-1.yaml"
    assert run("check", written, *TODAY).stdout.count(" YAML ") == 0


@pytest.mark.parametrize("name, code", [
    ("Acme\nschema: 2", "U+000A"), ("Acme\u2028schema: 2", "U+2028"), ("Acme\u2029Corp", "U+2029"),
    ("Acme\r\nCorp", "U+000A, U+000D"), ("Acme\tCorp", "U+0009"), ("Acme\x1b[31mCorp", "U+001B"),
    ("Acme\x85Corp", "U+0085"), ("Acme\u200bCorp", "U+200B"), ("Acme\u202eCorp", "U+202E"),
])
def test_new_refuses_a_name_with_a_line_break_control_or_invisible_character(tmp_path, name,
                                                                             code):
    result = run("new", name, "--dir", tmp_path, *TODAY)
    assert result.exit_code == 2
    assert f"Invalid value for NAME: it holds {code} " in result.output, result.output
    assert "type the account's name on one line" in result.output
    assert "\x1b" not in result.output and "\u2028" not in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("name", [
    '"Acme" Corp: #1 -> the best', "- Acme: 'quoted' # not a comment", "? key: value",
    "Acme {x: [1, 2]} & *alias !tag %YAML", 'Back\\slash \\n "q" \'q\' `t`', "@at | > ~ null",
    "Ünïcode 株式会社 مريم \U0001f468\u200d\U0001f469\u200d\U0001f467", "yes",
])
def test_new_writes_any_one_line_name_so_it_loads_exactly_as_given(tmp_path, name):
    result = run("new", "--dir", tmp_path, *TODAY, "--", name)  # "--": a name may start "-"
    assert result.exit_code == 0, result.output
    [path] = tmp_path.glob("*.yaml")
    assert load_account(path).account.account.name == name
    check = run("check", path, *TODAY)
    assert not re.search(r" (YAML|SCHEMA|TEXT) ", check.stdout), check.stdout


@pytest.mark.parametrize("value", ["a\u2028b\u2029c\x85d", "a\x7fb\x9bc", "x\ufffey", "\"#:\n\t\\"])
def test_scaffold_quotes_text_so_yaml_reads_it_back_exactly(value):
    assert yaml.safe_load(f"k: {yaml_str(value)}  # comment\n") == {"k": value}


def test_schema_commands_print_json_schema():
    data = json.loads(run("schema").stdout)
    assert data["properties"]["account"]["$ref"].endswith("AccountInfo")
    assert "metrics" in data["properties"] and data["$defs"]["Metric"]["properties"]["kind"][
        "enum"] == ["business", "adoption", "sentiment"]
    assert "expansion_gate" in json.loads(run("schema", "--program").stdout)["properties"]


def test_committed_schema_files_are_current():
    assert json.loads((ROOT / "schema" / "account.schema.json").read_text()) == account_schema()
    assert json.loads((ROOT / "schema" / "program.schema.json").read_text()) == program_schema()


def test_every_command_has_help_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name, command in main.commands.items():
        assert command.help and run(name, "--help").exit_code == 0
        assert f"csplan {name}" in readme, name
    assert "SP023" in run("check", "--help").stdout


def test_version():
    assert run("--version").stdout.startswith("csplan, version ")


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text().splitlines()
    fence = readme.index("```bash")
    install_and_run, test_command = readme[fence + 1], readme[fence + 2]
    assert install_and_run.startswith("pip install -e . && csplan build accounts/")
    assert test_command in (ROOT / ".ci" / "run").read_text().splitlines()
