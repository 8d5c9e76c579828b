"""The command line behaves like a good CLI: exit codes, environment variables, the
program file found upwards, subfolders scanned, findings on one stream, usable CPUs."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

import csplan.api
import csplan.rules.engine
import csplan.system
from csplan.cli import main
from csplan.inputs.loader import account_files
from csplan.inputs.program import find_program
from tests.conftest import ACCOUNTS, NORTHWIND

TODAY = ["--today", "2026-11-23"]
# SP009 for Northwind: an error once the program says a plan is stale after one day.
STRICT_PROGRAM = "checks:\n  levels: {SP009: error}\n  stale_after_days: 1\n"


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def test_our_own_bug_exits_3_with_one_line_and_a_log(monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("deliberate bug")

    monkeypatch.setattr(csplan.api, "check_paths", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    result = run("check", NORTHWIND, *TODAY)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "internal error (RuntimeError)" in lines[0], result.stderr
    assert "Traceback" not in result.output
    log = next(tmp_path.glob("csplan-crash-*.log"))
    assert str(log) in lines[0]
    assert "deliberate bug" in log.read_text() and "Traceback" in log.read_text()


def test_an_interrupt_exits_130_and_says_what_was_written(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(csplan.api, "check_paths", interrupted)
    result = run("check", NORTHWIND, *TODAY)
    assert result.exit_code == 130
    assert "Interrupted" in result.stderr and "Aborted!" not in result.output


def test_jobs_default_to_the_cpus_this_process_may_use(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5})
    monkeypatch.setattr(csplan.system, "_cgroup_quota", lambda: None)
    assert csplan.system.usable_cpus() == 6
    monkeypatch.setattr(csplan.system, "_cgroup_quota", lambda: 2)  # a container's quota
    assert csplan.system.usable_cpus() == 2


def test_cgroup_quota_is_read_and_rounded_up(monkeypatch, tmp_path):
    cpu_max = tmp_path / "cpu.max"
    real_path = csplan.system.Path

    def fake(path):
        return cpu_max if str(path) == "/sys/fs/cgroup/cpu.max" else real_path(tmp_path / "none")

    monkeypatch.setattr(csplan.system, "Path", fake)
    cpu_max.write_text("150000 100000\n")
    assert csplan.system._cgroup_quota() == 2
    cpu_max.write_text("max 100000\n")
    assert csplan.system._cgroup_quota() is None


def test_any_positive_number_of_jobs_is_accepted(tmp_path):
    result = run("build", NORTHWIND, "--out", tmp_path / "out", "--formats", "docx",
                 "--jobs", "200", *TODAY)
    assert result.exit_code == 0, result.output
    assert run("build", NORTHWIND, "--jobs", "0").exit_code == 2


def test_options_come_from_environment_variables(tmp_path):
    out = tmp_path / "from-env"
    result = run("build", NORTHWIND, "--formats", "docx",
                 env={"CSPLAN_TODAY": "2026-11-23", "CSPLAN_OUT": str(out),
                      "CSPLAN_BRAND": str(csplan.paths.BRAND)})
    assert result.exit_code == 0, result.output
    assert (out / "northwind-freight" / "northwind-freight-success-plan.docx").is_file()
    assert "CSPLAN_OUT" in run("build", "--help").output


def test_the_program_file_is_found_by_walking_up(tmp_path):
    team = tmp_path / "team"
    accounts = team / "accounts" / "emea"
    accounts.mkdir(parents=True)
    shutil.copy(NORTHWIND, accounts)
    shutil.copytree(ACCOUNTS / "logos", accounts / "logos")
    (team / "program.yaml").write_text(STRICT_PROGRAM)
    assert find_program(accounts) == (team / "program.yaml").resolve()
    result = run("check", team / "accounts", *TODAY)
    assert result.exit_code == 1 and "error SP009" in result.stdout, result.output
    (team / "accounts" / ".git").mkdir()  # the top of a repository: the search stops there
    assert find_program(accounts) is None
    assert run("check", team / "accounts", *TODAY).exit_code == 0


def test_subfolders_are_scanned_but_not_hidden_ones_or_program_files(tmp_path):
    for folder in ("emea", "emea/de", ".trash"):
        (tmp_path / folder).mkdir(parents=True)
    for name in ("a.yaml", "emea/b.yaml", "emea/de/c.yaml", ".trash/d.yaml",
                 "emea/program.yaml", "emea/.e.yaml"):
        (tmp_path / name).write_text("x: 1\n")
    found = [p.relative_to(tmp_path).as_posix() for p in account_files([tmp_path])]
    assert found == ["a.yaml", "emea/b.yaml", "emea/de/c.yaml"]
    assert "subfolders" in run("check", "--help").output


def test_findings_go_to_standard_output_whatever_the_terminal(tmp_path, write_account):
    text = NORTHWIND.read_text().replace("seats: 250", "seat: 250")
    bad = write_account(text, "bad.yaml")
    for command in ("check", "build"):
        result = run(command, bad, "--out", tmp_path / "o", *TODAY) if command == "build" \
            else run(command, bad, *TODAY)
        assert "unknown key 'seat'" in result.stdout, (command, result.output)
        assert "unknown key 'seat'" not in result.stderr


def test_our_bug_in_one_account_fails_it_alone_and_the_run_exits_3(monkeypatch, tmp_path):
    import csplan.views.customer

    real = csplan.views.customer.plan_view

    def broken(loaded, *args, **kwargs):
        if loaded.account.account.name == "Northwind Freight":
            raise ZeroDivisionError("deliberate bug")
        return real(loaded, *args, **kwargs)

    monkeypatch.setattr(csplan.views.customer, "plan_view", broken)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    out = tmp_path / "out"
    result = run("build", ACCOUNTS, "--out", out, "--formats", "docx", "--jobs", "1", *TODAY)
    assert result.exit_code == 3, result.output
    assert "northwind-freight.yaml:0:0: error INTERNAL internal error while building this " \
           "account (ZeroDivisionError)" in result.stdout
    assert (out / "brightwater-clinics" / "brightwater-clinics-success-plan.docx").is_file()
    assert "deliberate bug" in next(tmp_path.glob("csplan-crash-*.log")).read_text()


def test_no_other_thread_runs_when_workers_are_forked(monkeypatch, tmp_path):
    """Python 3.12+ warns (and may deadlock) when a process with threads forks; the progress
    bar on a terminal must not run a refresh thread while the book forks its workers."""
    import io
    import os
    import threading
    from datetime import date

    from csplan.build.book import BookOptions, build_book
    from csplan.inputs.brand import load_brand
    from csplan.paths import BRAND
    from csplan.inputs.program import Programs
    from csplan.build.progress import Reporter

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    threads_at_fork = []
    real_fork = os.fork

    def fork():
        threads_at_fork.append(threading.active_count())
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr("sys.stdout", Terminal())
    files = sorted(ACCOUNTS.glob("*.yaml"))
    options = BookOptions(out=tmp_path / "out", formats=("docx",), brand=load_brand(BRAND),
                          today=date(2026, 11, 23), jobs=2)
    reporter = Reporter(len(files), options.out, quiet=False, verbose=False)
    assert reporter.bar is not None  # the terminal case
    with reporter:
        book = build_book(files, Programs(), options, reporter.result)
    assert [r.status for r in book.results] == ["built"] * 3
    assert threads_at_fork and set(threads_at_fork) == {1}


def test_a_bug_is_still_one_line_when_no_crash_log_can_be_written(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("deliberate bug")

    def no_log(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(csplan.api, "check_paths", broken)
    monkeypatch.setattr("tempfile.mkstemp", no_log)
    result = run("check", NORTHWIND, *TODAY)
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "csplan: internal error (RuntimeError); this is a bug in csplan, not in your files. "
        "Please report it; its traceback could not be saved (No space left on device)"]


def test_output_into_a_closed_pipe_stops_quietly(tmp_path):
    """`csplan brand check | head -3`: the reader goes away; no crash report, exit 141."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "csplan", "brand", "check"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
                               env={**__import__("os").environ, "TMPDIR": str(tmp_path)})
    process.stdout.close()  # like head when it has read enough: before csplan writes a line
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141, stderr
    assert "internal error" not in stderr and not list(tmp_path.glob("csplan-crash-*.log"))


def test_the_command_exits_with_its_code_and_all_its_output(tmp_path):
    """`csplan` ends with os._exit after main (no interpreter teardown): the exit codes of
    a pass, a failed account and a usage error, and every line written, stay as they were."""
    import subprocess
    import sys

    def csplan(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "csplan", *args], capture_output=True,
                              text=True, cwd=tmp_path, timeout=120)

    passed = csplan("check", str(NORTHWIND), *TODAY)
    assert passed.returncode == 0, passed.stderr
    assert "Checked 1 account: 0 errors" in passed.stdout + passed.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(NORTHWIND.read_text(encoding="utf-8").replace(
        "primary_goal: Raise", "primary_goal: ''", 1), encoding="utf-8")
    failed = csplan("check", str(bad), *TODAY)
    assert failed.returncode == 1 and "bad.yaml:" in failed.stdout
    usage = csplan("build", "--formats", "nonsense", str(NORTHWIND))
    assert usage.returncode == 2 and "Invalid value for '--formats'" in usage.stderr
    schema = csplan("schema")
    assert schema.returncode == 0 and schema.stdout.rstrip().endswith("}")
