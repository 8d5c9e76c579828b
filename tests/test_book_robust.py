"""Book builds under stress: a damaged cache, damaged documents, a moved book, a new csplan,
a killed or interrupted parent, stale temporary folders, and what each worker holds."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import csplan.build.book as book_module
from csplan.cli import main
from csplan.inputs.loader import LoadedAccount
from tests.conftest import ACCOUNTS, ROOT, replace_once

TODAY = ["--today", "2026-11-23"]
RENDER_ACCOUNT = book_module.render_account


def build(*args):
    return CliRunner().invoke(main, ["build", *[str(a) for a in args], *TODAY],
                              catch_exceptions=False)


def internal(out: Path) -> Path:
    """Return where a build puts its report, index and cache (``_internal/`` where the
    layout has one)."""
    return out / "_internal" if (out / "_internal").is_dir() else out


def report(out: Path) -> dict:
    return json.loads((internal(out) / "build-report.json").read_text())


def statuses(out: Path) -> dict[str, str]:
    return {Path(a["file"]).name: a["status"] for a in report(out)["accounts"]}


@pytest.fixture
def book(tmp_path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(ACCOUNTS, folder)
    return folder


def cache_entries(out: Path) -> list[Path]:
    """Return the build cache's files: one per account, in ``_internal/cache/``."""
    return sorted((internal(out) / "cache").iterdir())


def _entries_with(key: str, value):
    def damage(path: Path) -> None:
        data = json.loads(path.read_text())
        data["entry"][key] = value
        path.write_text(json.dumps(data))
    return damage


def _directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "something").write_text("x")


@pytest.mark.parametrize("damage, why", [
    (lambda p: p.write_text('{"accounts": {'), "not valid JSON"),
    (lambda p: p.write_text("[1, 2]"), "damaged"),
    (_entries_with("findings", 3), "damaged"),
    (_entries_with("notes", None), "damaged"),
    (_entries_with("facts", "row"), "damaged"),
    (_entries_with("row", "row"), "damaged"),
    (_directory, "a folder"),
])
def test_a_damaged_cache_rebuilds_everything_with_one_warning(book, tmp_path, damage, why):
    out = tmp_path / "out"
    assert build(book, "--out", out).exit_code == 0
    entries = cache_entries(out)
    assert len(entries) == 3
    for entry in entries:
        damage(entry)
    result = build(book, "--out", out)
    assert result.exit_code == 0, result.output
    assert set(statuses(out).values()) == {"built"}
    warnings = [line for line in result.stderr.splitlines() if "build cache" in line]
    assert len(warnings) == 1, result.stderr  # one warning, not one per account
    assert re.match(rf"{re.escape(str(internal(out) / 'cache'))}/[0-9a-f]{{64}}\.json: "
                    "warning: ", warnings[0]) and why in warnings[0]
    assert "rebuilt" in warnings[0] and "2 more" in warnings[0]
    again = build(book, "--out", out)
    if why == "a folder":  # csplan does not remove a folder it did not make: it says so
        assert "remove that folder" in again.stderr
        assert set(statuses(out).values()) == {"built"}
    else:  # the damaged entries were replaced by good ones
        assert "build cache" not in again.stderr
        assert set(statuses(out).values()) == {"skipped"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_cache_rebuilds_everything_with_one_warning(book, tmp_path):
    out = tmp_path / "out"
    build(book, "--out", out)
    for entry in cache_entries(out):
        entry.chmod(0)
    result = build(book, "--out", out)
    assert set(statuses(out).values()) == {"built"}
    assert "cannot be read" in result.stderr


def test_a_damaged_document_is_rebuilt(book, tmp_path):
    out = tmp_path / "out"
    build(book, "--out", out)
    folder = out / "northwind-freight"
    pdf = folder / "northwind-freight-success-plan.pdf"
    pdf.write_bytes(pdf.read_bytes()[: pdf.stat().st_size // 2])  # truncated
    docx = folder / "northwind-freight-success-plan.docx"
    docx.write_bytes(b"\0" * docx.stat().st_size)  # same size, other content
    (out / "kurierdienst-elbe-gmbh" / "kurierdienst-elbe-gmbh-success-plan.docx").write_bytes(b"")
    result = build(book, "--out", out)
    assert result.exit_code == 0, result.output
    assert statuses(out) == {"brightwater-clinics.yaml": "skipped",
                             "kurierdienst-elbe.yaml": "built", "northwind-freight.yaml": "built"}
    assert_documents_valid(out)


def test_a_moved_book_is_still_skipped_from_another_folder(tmp_path, monkeypatch):
    first = tmp_path / "first"
    shutil.copytree(ACCOUNTS, first / "book")
    monkeypatch.chdir(first)
    assert build("book", "--out", "out").exit_code == 0
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    first.rename(moved)
    monkeypatch.chdir(tmp_path)
    result = build("elsewhere/moved/book", "--out", "elsewhere/moved/out")
    assert result.exit_code == 0, result.output
    out = moved / "out"
    assert set(statuses(out).values()) == {"skipped"}
    data = report(out)
    assert {a["file"] for a in data["accounts"]} == {
        f"elsewhere/moved/book/{name}" for name in
        ("brightwater-clinics.yaml", "kurierdienst-elbe.yaml", "northwind-freight.yaml")}
    assert all(f["file"].startswith("elsewhere/moved/book/")
               for a in data["accounts"] for f in a["findings"])
    files = [f for a in data["accounts"] for f in a["files"]]
    assert len(files) == 8 and all((out / f).is_file() for f in files)
    index = internal(out) / "index.html"
    links = re.findall(r'href="([^"]+)"', index.read_text())
    assert len(links) == 8 and all((index.parent / link).is_file() for link in links)
    cache = [entry.read_text() for entry in cache_entries(out)]
    assert len(cache) == 3  # nothing in it depends on where the book was
    assert not any(str(tmp_path) in entry for entry in cache)


def test_a_change_to_csplan_or_its_libraries_rebuilds(book, tmp_path, monkeypatch):
    out = tmp_path / "out"
    build(book, "--out", out)
    monkeypatch.setattr(book_module, "code_hash", lambda: "another csplan")
    build(book, "--out", out)
    assert set(statuses(out).values()) == {"built"}
    build(book, "--out", out)
    assert set(statuses(out).values()) == {"skipped"}
    monkeypatch.setattr(book_module, "library_versions", lambda: "weasyprint 99")
    build(book, "--out", out)
    assert set(statuses(out).values()) == {"built"}


def test_the_code_hash_covers_code_templates_and_the_default_brand(tmp_path):
    package = tmp_path / "site" / "csplan"
    shutil.copytree(ROOT / "generator", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", package / "templates")
    shutil.copytree(ROOT / "brand", package / "default_brand")
    roots = (package, package / "templates", package / "default_brand")
    before = book_module.hash_code(*roots)
    assert book_module.hash_code(*roots) == before
    for changed in (package / "render" / "docx.py", package / "templates" / "plan.html.j2",
                    package / "default_brand" / "brand.yaml"):
        changed.write_text(changed.read_text() + "\n")
        after = book_module.hash_code(*roots)
        assert after != before, changed
        before = after
    (package / "notes.txt").write_text("not code")
    assert book_module.hash_code(*roots) == before


def counting_accounts(checked, *args, **kwargs):
    gc.unfreeze()  # objects inherited from the parent are frozen, out of get_objects()
    folder = Path(checked.file).parent.resolve()
    held = sum(1 for o in gc.get_objects()
               if isinstance(o, LoadedAccount) and o.path.parent.resolve() == folder)
    result = RENDER_ACCOUNT(checked, *args, **kwargs)
    result.notes.append(f"accounts held {held}")
    return result


def test_a_worker_holds_only_its_own_account(book, tmp_path, monkeypatch):
    monkeypatch.setattr(book_module, "render_account", counting_accounts)
    monkeypatch.setattr(book_module, "ACCOUNTS_PER_WORKER", 1)
    out = tmp_path / "out"
    assert build(book, "--out", out, "--jobs", "1").exit_code == 0
    held = [n for a in report(out)["accounts"] for n in a["notes"] if n.startswith("accounts")]
    assert held == ["accounts held 1"] * 3


def test_font_folders_of_dead_processes_are_removed(book, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr("tempfile.tempdir", None)
    ended = subprocess.Popen(["true"])
    ended.wait()
    stale = scratch / f"csplan-fonts-{ended.pid}-abc123"
    stale.mkdir()
    (stale / "font").write_bytes(b"x" * 1000)
    alive = scratch / f"csplan-fonts-{os.getpid()}-def456"
    alive.mkdir()
    other = scratch / "someone-elses"
    other.mkdir()
    assert build(book, "--out", tmp_path / "out", "--jobs", "1").exit_code == 0
    assert sorted(p.name for p in scratch.iterdir()) == sorted([alive.name, other.name])


# --- the parent killed or interrupted: a real process, with real workers ---------------

def six_accounts(tmp_path: Path) -> Path:
    folder = tmp_path / "book"
    shutil.copytree(ACCOUNTS, folder)
    for old in ("northwind-freight", "brightwater-clinics", "kurierdienst-elbe"):
        text = (folder / f"{old}.yaml").read_text()
        name = re.search(r"^  name: (.+)$", text, re.M).group(1)
        (folder / f"{old}-2.yaml").write_text(replace_once(
            text, f"  name: {name}\n", f"  name: {name} Two\n"))
    return folder


def group(pgid: int) -> list[int]:
    """Return the live (not zombie) processes of a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def workers(parent: int) -> list[int]:
    """Return the forked workers of a process: its children running its own command."""
    try:
        command = Path(f"/proc/{parent}/cmdline").read_bytes()
    except OSError:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if (entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1]
                                             .split()[1]) == parent
                    and (entry / "cmdline").read_bytes() == command):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def start_build(book: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "csplan", "build", str(book), "--out", str(out), "--jobs", "2",
         *TODAY], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, env=env)
    deadline = time.monotonic() + 90
    while len(workers(process.pid)) < 2:
        assert process.poll() is None and time.monotonic() < deadline, "no workers started"
        time.sleep(0.05)
    time.sleep(1.0)  # well into rendering
    return process


def wait_for_no_group(pgid: int, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while group(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = group(pgid)
    for pid in left:  # never leave them behind, even when the test fails
        os.kill(pid, signal.SIGKILL)
    return left


def assert_documents_valid(out: Path) -> None:
    import docx
    import pptx
    import pypdf

    data = report(out)
    for entry in data["accounts"]:
        assert entry["status"] in ("built", "skipped"), entry
        for name in entry["files"]:
            path = out / name
            if path.suffix == ".docx":
                assert docx.Document(str(path)).paragraphs
            elif path.suffix == ".pptx":
                assert len(pptx.Presentation(str(path)).slides) > 5
            else:
                assert len(pypdf.PdfReader(str(path)).pages) >= 1
    strays = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert strays == []


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_the_parent_is_killed_and_the_next_build_is_whole(tmp_path):
    book = six_accounts(tmp_path)
    out = tmp_path / "out"
    process = start_build(book, out)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert wait_for_no_group(process.pid) == []
    result = build(book, "--out", out, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert len(report(out)["accounts"]) == 6
    assert_documents_valid(out)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_stops_the_workers_and_says_what_was_written(tmp_path):
    book = six_accounts(tmp_path)
    out = tmp_path / "out"
    process = start_build(book, out)
    os.kill(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Aborted!" not in stderr and "Traceback" not in stderr
    said = re.search(r"Interrupted: (\d) of 6 accounts built", stderr)
    assert said, stderr
    assert "run the same command again to finish" in stderr
    assert wait_for_no_group(process.pid) == []
    strays = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert strays == []
    result = build(book, "--out", out, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert list(statuses(out).values()).count("skipped") == int(said.group(1))
    assert_documents_valid(out)


def test_the_cache_records_each_document_by_size_and_hash(book, tmp_path):
    out = tmp_path / "out"
    build(book, "--out", out)
    data = [json.loads(path.read_text()) for path in cache_entries(out)]
    entry = next(e["entry"] for e in data if "northwind" in e["key"])
    recorded = {o["path"]: (o["size"], o["sha256"]) for o in entry["outputs"]}
    northwind = next(a for a in report(out)["accounts"] if a["slug"] == "northwind-freight")
    for name in northwind["files"]:
        body = (out / name).read_bytes()
        assert recorded[name] == (len(body), hashlib.sha256(body).hexdigest())


def test_the_cache_is_one_file_per_account_and_a_failed_account_loses_its_own(book, tmp_path):
    out = tmp_path / "out"
    old = out / "_internal" / ".csplan-cache.json"  # the one cache file of earlier versions
    old.parent.mkdir(parents=True)
    old.write_text("{}")
    build(book, "--out", out)
    assert not old.exists()
    entries = {json.loads(p.read_text())["key"]: p for p in cache_entries(out)}
    assert sorted(k.split("|")[0].rsplit("/", 1)[-1] for k in entries) == [
        "brightwater-clinics.yaml", "kurierdienst-elbe.yaml", "northwind-freight.yaml"]
    for key, path in entries.items():  # named by a SHA-256 of its key
        assert path.name == hashlib.sha256(key.encode()).hexdigest() + ".json"
    northwind = book / "northwind-freight.yaml"
    northwind.write_text(northwind.read_text().replace("schema: 1", "schema: 1\nbogus: 1"))
    assert build(book, "--out", out).exit_code == 1
    left = {json.loads(p.read_text())["key"] for p in cache_entries(out)}
    assert left == {k for k in entries if "northwind" not in k}
    assert statuses(out) == {"brightwater-clinics.yaml": "skipped",
                             "kurierdienst-elbe.yaml": "skipped",
                             "northwind-freight.yaml": "failed"}
