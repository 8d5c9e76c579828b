"""Book builds: many accounts, isolated workers, incremental rebuilds, report and index."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import csplan.build.book as book_module
from csplan.build.account import assign_slugs
from csplan.cli import main
from tests.conftest import ACCOUNTS, ROOT, replace_once

TODAY = ["--today", "2026-11-23"]
RENDER_ACCOUNT = book_module.render_account  # the real one, for wrappers that patch it


def build(*args):
    return CliRunner().invoke(main, ["build", *[str(a) for a in args], *TODAY],
                              catch_exceptions=False)


@pytest.fixture
def book(tmp_path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(ACCOUNTS, folder)
    return folder


def report(out: Path) -> dict:
    return json.loads((out / "_internal" / "build-report.json").read_text())


def statuses(out: Path) -> dict[str, str]:
    """Return each account's status; a failed one shows its first error, so a failing
    comparison says why."""
    return {Path(a["file"]).name: a["status"] if a["status"] != "failed" else "failed: " + next(
        (f["message"] for f in a["findings"] if f["level"] == "error"), "")
        for a in report(out)["accounts"]}


def test_a_book_builds_in_parallel_and_reports(book, tmp_path):
    out = tmp_path / "out"
    result = build(book, "--out", out, "--jobs", "2")
    assert result.exit_code == 0, result.output
    data = report(out)
    assert data["summary"] == {"built": 3, "skipped": 0, "failed": 0}
    assert data["today"] == "2026-11-23"
    entry = next(a for a in data["accounts"] if a["slug"] == "northwind-freight")
    assert set(entry) == {"file", "account", "slug", "status", "files", "findings", "notes",
                          "seconds", "format_seconds", "peak_mb", "alert"}
    assert set(entry["format_seconds"]) == {"docx", "pdf", "pptx"} and entry["peak_mb"] > 10
    assert entry["files"] == ["northwind-freight/northwind-freight-success-plan.docx",
                              "northwind-freight/northwind-freight-success-plan.pdf",
                              "northwind-freight/northwind-freight-qbr-2026-Q4.pptx"]
    assert all((out / f).is_file() for a in data["accounts"] for f in a["files"])
    assert "Built 3, skipped 0, failed 0 of 3 accounts" in result.stderr


def test_the_index_opens_from_disk_and_is_marked_internal(book, tmp_path):
    out = tmp_path / "out"
    build(book, "--out", out)
    html = (out / "_internal" / "index.html").read_text()
    assert "Internal: shows health scores. Do not share with customers." in html
    for name in ("Northwind Freight", "Brightwater Clinics", "Kurierdienst Elbe GmbH"):
        assert name in html
    assert re.search(r'<span class="band green">green</span> 91.5', html)
    assert re.search(r'<span class="band red">red</span> 39.75', html)
    links = re.findall(r'href="([^"]+)"', html)
    assert len(links) == 8 and all((out / "_internal" / link).is_file() for link in links)
    assert not re.search(r'(src|href)="(https?:|//)', html) and "@import" not in html


def test_the_index_and_the_report_show_the_early_warning_level(book, tmp_path):
    """Brightwater is Critical (red since the week of Nov 16, response due two days later,
    overdue on Nov 23): the index says so in its own column and the report in ``alert``,
    also when the account is skipped the next time (its facts come from the cache)."""
    out = tmp_path / "out"
    for run in ("built", "skipped"):
        assert build(book, "--out", out, "--formats", "docx").exit_code == 0
        html = (out / "_internal" / "index.html").read_text()
        assert "<th>Alert level</th>" in html
        rows = {name: row for row in html.split("<tr>")[2:]
                for name in ("Northwind Freight", "Brightwater Clinics",
                             "Kurierdienst Elbe GmbH") if name in row}
        assert re.search(r'<span class="level critical">Critical</span><br><small>since '
                         r'2026-11-16; response due 2026-11-18 <span class="overdue">overdue'
                         r'</span></small>', rows["Brightwater Clinics"]), rows
        assert 'class="level' not in rows["Northwind Freight"]
        entries = {e["account"]: e for e in report(out)["accounts"]}
        assert {e["status"] for e in entries.values()} == {run}
        assert entries["Brightwater Clinics"]["alert"] == {
            "level": "critical", "since": "2026-11-16", "due": "2026-11-18", "overdue": True}
        assert entries["Northwind Freight"]["alert"] is None
    customer = [p for p in out.rglob("*") if p.is_file() and "_internal" not in p.parts]
    assert customer and not any(b"Alert level" in p.read_bytes() for p in customer)


def test_one_bad_account_fails_alone(book, tmp_path):
    (book / "broken.yaml").write_text("schema: 1\naccount: [\n")
    out = tmp_path / "out"
    result = build(book, "--out", out)
    assert result.exit_code == 1
    found = statuses(out)
    assert found.pop("broken.yaml").startswith("failed: ")
    assert found == {"brightwater-clinics.yaml": "built", "kurierdienst-elbe.yaml": "built",
                     "northwind-freight.yaml": "built"}
    assert re.search(r"broken\.yaml:\d+:\d+: error YAML", result.stdout)


def test_unchanged_accounts_are_skipped_by_content_not_time(book, tmp_path):
    out = tmp_path / "out"
    build(book, "--out", out)
    northwind = out / "northwind-freight" / "northwind-freight-success-plan.pdf"
    first = northwind.stat().st_mtime_ns
    os.utime(book / "northwind-freight.yaml")  # a new modification time, same content
    result = build(book, "--out", out)
    assert result.exit_code == 0
    assert set(statuses(out).values()) == {"skipped"}
    assert northwind.stat().st_mtime_ns == first
    index = (out / "_internal" / "index.html").read_text()
    assert index.count('class="skipped">skipped</td>') == 3 and "green</span> 91.5" in index
    text = (book / "northwind-freight.yaml").read_text()
    (book / "northwind-freight.yaml").write_text(text.replace("seats: 250", "seats: 260"))
    build(book, "--out", out)
    assert statuses(out) == {"brightwater-clinics.yaml": "skipped",
                             "kurierdienst-elbe.yaml": "skipped",
                             "northwind-freight.yaml": "built"}
    forced = build(book, "--out", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert set(statuses(out).values()) == {"built"}


def test_a_new_date_a_new_brand_or_a_missing_file_rebuilds(book, tmp_path):
    out = tmp_path / "out"
    build(book, "--out", out)
    CliRunner().invoke(main, ["build", str(book), "--out", str(out), "--today", "2026-11-24"])
    assert set(statuses(out).values()) == {"built"}
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", brand)
    (brand / "brand.yaml").write_text((brand / "brand.yaml").read_text().replace(
        '"#14AAA0"', '"#14AAA1"'))
    build(book, "--out", out, "--brand", brand)
    assert set(statuses(out).values()) == {"built"}
    (out / "kurierdienst-elbe-gmbh" / "kurierdienst-elbe-gmbh-success-plan.pdf").unlink()
    build(book, "--out", out, "--brand", brand)
    assert statuses(out)["kurierdienst-elbe.yaml"] == "built"
    assert statuses(out)["northwind-freight.yaml"] == "skipped"


def crash_for(name: str, how: str):
    def render(checked, *args, **kwargs):
        if Path(checked.file).name == name:
            if how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            if how == "exit":
                os._exit(3)
            if how == "hang":
                time.sleep(30)
        return RENDER_ACCOUNT(checked, *args, **kwargs)
    return render


@pytest.mark.parametrize("how, message", [
    ("kill", "the worker building this account crashed (signal 9)"),
    ("exit", "the worker building this account crashed (exit 3)"),
])
def test_a_crashed_worker_fails_only_its_account(book, tmp_path, monkeypatch, how, message):
    monkeypatch.setattr(book_module, "render_account", crash_for("brightwater-clinics.yaml",
                                                                 how))
    out = tmp_path / "out"
    result = build(book, "--out", out, "--jobs", "2")
    assert result.exit_code == 1
    assert statuses(out) == {"brightwater-clinics.yaml": f"failed: {message}",
                             "kurierdienst-elbe.yaml": "built",
                             "northwind-freight.yaml": "built"}
    assert f"error BUILD {message}" in result.stdout


def test_a_hung_account_times_out_alone(book, tmp_path, monkeypatch):
    monkeypatch.setattr(book_module, "render_account", crash_for("northwind-freight.yaml",
                                                                 "hang"))
    out = tmp_path / "out"
    started = time.monotonic()
    # long enough that a busy machine still builds the healthy accounts in time
    result = build(book, "--out", out, "--timeout", "8")
    assert time.monotonic() - started < 28
    assert result.exit_code == 1
    assert statuses(out)["northwind-freight.yaml"] == (
        "failed: building took longer than 8 s (--timeout) and was stopped")
    assert statuses(out)["kurierdienst-elbe.yaml"] == "built"
    assert "building took longer than 8 s (--timeout) and was stopped" in result.stdout


def noting_the_worker(checked, *args, **kwargs):
    result = RENDER_ACCOUNT(checked, *args, **kwargs)
    result.notes.append(f"worker {os.getpid()}")
    return result


def worker_pids(out: Path) -> list[int]:
    return [int(n.split()[1]) for a in report(out)["accounts"] for n in a["notes"]
            if n.startswith("worker ")]


@pytest.mark.parametrize("per_worker, distinct", [(40, 1), (1, 3)])
def test_a_worker_stays_warm_for_several_accounts_then_is_replaced(
        book, tmp_path, monkeypatch, per_worker, distinct):
    monkeypatch.setattr(book_module, "render_account", noting_the_worker)
    monkeypatch.setattr(book_module, "ACCOUNTS_PER_WORKER", per_worker)
    out = tmp_path / "out"
    assert build(book, "--out", out, "--jobs", "1").exit_code == 0
    pids = worker_pids(out)
    assert len(pids) == 3 and os.getpid() not in pids
    assert len(set(pids)) == distinct


def test_workers_leave_no_temporary_font_folders(book, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", None)
    # one worker builds Brightwater, is killed on Kurierdienst (the parent removes its
    # folder), the next builds Northwind and ends normally (it removes its own)
    monkeypatch.setattr(book_module, "render_account", crash_for("kurierdienst-elbe.yaml",
                                                                 "kill"))
    out = tmp_path / "out"
    build(book, "--out", out, "--jobs", "1")
    assert statuses(out) == {
        "brightwater-clinics.yaml": "built", "northwind-freight.yaml": "built",
        "kurierdienst-elbe.yaml": "failed: the worker building this account crashed (signal 9)"}
    assert list(scratch.iterdir()) == []


def test_slugs_are_safe_and_distinct():
    names = ["Acme Corp", "ACME corp", "..", "a/b", "CON", "", "???", "Café Nöir"]
    slugs = assign_slugs(names)
    assert len(set(slugs)) == len(names)
    hashed = r"-[0-9a-f]{6}"
    for slug, pattern in zip(slugs, [f"acme-corp{hashed}", f"acme-corp{hashed}",
                                     f"account{hashed}", "a-b", "account-con",
                                     f"account{hashed}", f"account{hashed}", "cafe-noir"]):
        assert re.fullmatch(pattern, slug), (slug, pattern)
    assert assign_slugs(list(reversed(names))) == list(reversed(slugs))  # order-independent


def test_accounts_whose_names_collide_get_their_own_folders(book, tmp_path):
    text = (book / "northwind-freight.yaml").read_text()
    (book / "northwind-copy.yaml").write_text(replace_once(
        text, "name: Northwind Freight", "name: NORTHWIND freight"))
    out = tmp_path / "out"
    stray = out / "notes-from-someone.txt"
    stray.parent.mkdir()
    stray.write_text("not ours")
    assert build(book, "--out", out).exit_code == 0
    slugs = {a["slug"] for a in report(out)["accounts"]}
    northwinds = sorted(s for s in slugs if s.startswith("northwind-freight"))
    assert len(northwinds) == 2 and all(re.fullmatch(r"northwind-freight-[0-9a-f]{6}", s)
                                        for s in northwinds)
    assert stray.read_text() == "not ours"


def test_json_format_prints_the_report(book, tmp_path):
    out = tmp_path / "out"
    result = build(book, "--out", out, "--format", "json")
    assert json.loads(result.stdout)["summary"]["built"] == 3


def one_account(tmp_path: Path) -> Path:
    folder = tmp_path / "one"
    folder.mkdir()
    shutil.copy(ACCOUNTS / "northwind-freight.yaml", folder)
    shutil.copytree(ACCOUNTS / "logos", folder / "logos")
    return folder


def test_the_formats_of_one_account_are_built_at_once_by_two_workers(tmp_path, monkeypatch):
    monkeypatch.setattr(book_module, "render_account", noting_the_worker)
    book = one_account(tmp_path)
    alone, shared = tmp_path / "alone", tmp_path / "shared"
    assert build(book, "--out", alone, "--jobs", "1").exit_code == 0
    assert build(book, "--out", shared, "--jobs", "2").exit_code == 0
    pids = worker_pids(shared)
    # one part per format (docx, pdf, pptx), on two workers, none of them this process
    assert len(pids) == 3 and len(set(pids)) == 2 and os.getpid() not in pids
    assert len(set(worker_pids(alone))) == 1
    first, second = report(alone)["accounts"][0], report(shared)["accounts"][0]
    assert second["status"] == "built" and second["findings"] == first["findings"]
    assert second["files"] == first["files"]  # in the order of the formats
    assert set(second["format_seconds"]) == {"docx", "pdf", "pptx"}
    for name in first["files"]:
        assert (shared / name).read_bytes() == (alone / name).read_bytes(), name
    cached = [json.loads(p.read_text())["entry"] for p in
              (shared / "_internal" / "cache").iterdir()]
    assert [o["path"] for o in cached[0]["outputs"]] == first["files"]
    again = build(book, "--out", shared, "--jobs", "2")
    assert statuses(shared) == {"northwind-freight.yaml": "skipped"}, again.output


def test_a_format_whose_worker_crashes_fails_its_account_once(tmp_path, monkeypatch):
    def kill_on_pdf(checked, slug, brand, out, formats, *args):
        if formats == ("pdf",):
            os.kill(os.getpid(), signal.SIGKILL)
        return RENDER_ACCOUNT(checked, slug, brand, out, formats, *args)

    monkeypatch.setattr(book_module, "render_account", kill_on_pdf)
    book = one_account(tmp_path)
    out = tmp_path / "out"
    result = build(book, "--out", out, "--jobs", "2")
    assert result.exit_code == 1
    entry = report(out)["accounts"][0]
    assert entry["status"] == "failed"
    assert [f["message"] for f in entry["findings"]] == [
        "the worker building this account crashed (signal 9)"]
    assert result.stdout.count("the worker building this account crashed") == 1
    assert list((out / "_internal").glob("cache/*")) == []


def test_the_pdf_of_one_account_is_built_by_the_worker_that_warmed_up_early(
        tmp_path, monkeypatch):
    warmed = tmp_path / "warmed"
    warm = book_module._warm_pdf

    def noting_the_warm_up():
        warmed.write_text(str(os.getpid()))
        warm()

    def noting_the_formats(checked, slug, brand, out, formats, *args):
        result = RENDER_ACCOUNT(checked, slug, brand, out, formats, *args)
        result.notes.append(f"{','.join(formats)} {os.getpid()}")
        return result

    monkeypatch.setattr(book_module, "_warm_pdf", noting_the_warm_up)
    monkeypatch.setattr(book_module, "render_account", noting_the_formats)
    out = tmp_path / "out"
    assert build(one_account(tmp_path), "--out", out, "--jobs", "2").exit_code == 0
    notes = dict(n.split() for n in report(out)["accounts"][0]["notes"])
    assert set(notes) == {"docx", "pdf", "pptx"}
    assert notes["pdf"] == warmed.read_text() != str(os.getpid())
    assert notes["docx"] == notes["pptx"] != notes["pdf"]


def test_a_build_stopped_by_its_brand_leaves_no_worker_behind(tmp_path):
    import multiprocessing

    from csplan import api
    from csplan.exceptions import CsplanError

    brand = tmp_path / "brand"
    brand.mkdir()  # no brand.yaml
    with pytest.raises(CsplanError, match="not a brand folder"):
        api.build([one_account(tmp_path)], out=tmp_path / "out", brand=brand, jobs=2)
    assert multiprocessing.active_children() == []
