"""A book built in shards: ``build --shard K/N`` builds a stable part of the accounts and
writes a report part; ``report merge`` joins the parts into the report and the index a full
build writes. Shards share one output folder without writing the same file."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from csplan.build.account import assign_slugs
from csplan.build.shards import shard_keys
from csplan.cli import main
from tests.conftest import ACCOUNTS, ROOT, replace_once

TODAY = ["--today", "2026-11-23"]
TIMINGS = ("seconds", "format_seconds", "peak_mb")


def run(*args):
    return CliRunner().invoke(main, [*[str(a) for a in args]], catch_exceptions=False)


def build(book: Path, out: Path, *args):
    return run("build", book, "--out", out, *TODAY, *args)


def merge(out: Path):
    return run("report", "merge", "--out", out)


def report(out: Path) -> dict:
    return json.loads((out / "_internal" / "build-report.json").read_text())


def entries(out: Path) -> list[dict]:
    """Return the report's accounts, in order, without what depends on timing."""
    return [{k: v for k, v in a.items() if k not in TIMINGS} for a in report(out)["accounts"]]


def documents(out: Path) -> dict[str, str]:
    """Return the SHA-256 of every document (customer files and briefs) under ``out``."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()
            and p.suffix in (".docx", ".pdf", ".pptx")}


def parts(out: Path) -> dict[str, dict]:
    folder = out / "_internal" / "report-parts"
    return {p.name: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}


def part_files(part: dict) -> set[str]:
    return {Path(a["report"]["file"]).name for a in part["accounts"]}


@pytest.fixture
def book(tmp_path) -> Path:
    """The example accounts and a fourth with a name of its own."""
    folder = tmp_path / "book"
    shutil.copytree(ACCOUNTS, folder)
    text = (folder / "kurierdienst-elbe.yaml").read_text(encoding="utf-8")
    (folder / "havel-logistik.yaml").write_text(
        replace_once(text, "name: Kurierdienst Elbe GmbH", "name: Havel Logistik AG"),
        encoding="utf-8")
    return folder


def test_two_shards_and_a_merge_equal_a_full_build(book, tmp_path):
    full, sharded = tmp_path / "full", tmp_path / "sharded"
    formats = ["--formats", "docx,pdf,pptx,brief"]
    assert build(book, full, *formats).exit_code == 0
    first = build(book, sharded, "--shard", "1/2", *formats)
    second = build(book, sharded, "--shard", "2/2", *formats)
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    # A shard writes its part only; the merge writes the report and the index.
    assert not (sharded / "_internal" / "build-report.json").exists()
    assert not (sharded / "_internal" / "index.html").exists()
    written = parts(sharded)
    assert set(written) == {"shard-1-of-2.json", "shard-2-of-2.json"}
    one, two = (part_files(written[f"shard-{k}-of-2.json"]) for k in (1, 2))
    assert one and two and not one & two and len(one | two) == 4  # a partition, both busy
    result = merge(sharded)
    assert result.exit_code == 0, result.output
    assert "merged 2 report parts" in result.stderr.lower()
    assert entries(sharded) == entries(full)
    assert report(sharded)["summary"] == report(full)["summary"] == {
        "built": 4, "skipped": 0, "failed": 0}
    index = (sharded / "_internal" / "index.html").read_text()
    assert index == (full / "_internal" / "index.html").read_text()
    assert documents(sharded) == documents(full) and len(documents(full)) == 14
    # A rebuild of a shard skips what it built, from its accounts' own cache entries.
    again = build(book, sharded, "--shard", "2/2", *formats, "--verbose")
    lines = again.stderr.splitlines()
    assert again.exit_code == 0, again.output
    assert sum(line.startswith("skipped ") for line in lines) == len(two), again.stderr
    assert not any(line.startswith("built ") for line in lines)


def test_a_shard_keeps_its_accounts_whatever_the_book_holds(book, tmp_path):
    out = tmp_path / "out"
    assert build(book, out, "--shard", "1/3", "--formats", "docx").exit_code == 0
    before = part_files(parts(out)["shard-1-of-3.json"])
    for i in range(5):  # other accounts join the book
        text = (book / "northwind-freight.yaml").read_text(encoding="utf-8")
        (book / f"extra-{i}.yaml").write_text(
            replace_once(text, "name: Northwind Freight", f"name: Extra Carrier {i}"),
            encoding="utf-8")
    assert build(book, out, "--shard", "1/3", "--formats", "docx").exit_code == 0
    after = part_files(parts(out)["shard-1-of-3.json"])
    assert before == after - {f"extra-{i}.yaml" for i in range(5)}


def test_a_slug_collision_lands_in_one_shard_with_the_full_builds_folders(book, tmp_path):
    text = (book / "northwind-freight.yaml").read_text(encoding="utf-8")
    (book / "northwind-caps.yaml").write_text(
        replace_once(text, "name: Northwind Freight", "name: NORTHWIND Freight"),
        encoding="utf-8")
    full = tmp_path / "full"
    assert build(book, full, "--formats", "docx").exit_code == 0
    slugs = {Path(a["file"]).name: a["slug"] for a in report(full)["accounts"]}
    assert re.fullmatch(r"northwind-freight-[0-9a-f]{6}", slugs["northwind-caps.yaml"])
    assert re.fullmatch(r"northwind-freight-[0-9a-f]{6}", slugs["northwind-freight.yaml"])
    for n in (2, 3):
        out = tmp_path / f"out-{n}"
        for k in range(1, n + 1):
            assert build(book, out, "--shard", f"{k}/{n}", "--formats", "docx").exit_code == 0
        holding = [name for name, part in parts(out).items()
                   if {"northwind-freight.yaml", "northwind-caps.yaml"} & part_files(part)]
        assert len(holding) == 1  # both Northwinds in one shard
        assert merge(out).exit_code == 0
        assert entries(out) == entries(full)
        assert documents(out) == documents(full)


def test_accounts_that_could_share_a_folder_share_a_key():
    pair = assign_slugs(["Acme Corp", "ACME corp"])
    names = ["Acme Corp", "ACME corp", pair[0], pair[1].upper(), "Acme  Corp!", None,
             "Customer 100001", "Customer 100002", "Widgets 0000aa"]
    keys = shard_keys(names)
    assert len(set(keys[:5])) == 1  # one group: everything that can clash with Acme Corp
    # A name ending in six hex digits joins another account only when it is that account's
    # hashed slug, so books named by customer number still spread over the shards.
    assert len({keys[5], keys[6], keys[7], keys[8], keys[0]}) == 5
    assert keys == shard_keys(names)  # stable


@pytest.mark.parametrize("text", [
    "schema: 1\naccount:\n  name: Acme Corp\n",
    "people: [{name: Not This}]\naccount:\n  logo: {name: nor this}\n  name: Acme Corp\n",
    "account: {industry: Retail, name: \"Acme\\u200b Corp \"}\n",
    "account:\n  \"na\\u200bme\": Acme Corp\n",  # an invisible character in the key
    "account:\n  name: >-\n    Acme\n    Corp\n",
    "account:\n  name: Cafe\u0301 Noir\n",  # NFD
    "account:\n  name: ~\n",
    "account:\n  name: [Acme]\n",
    "name: Acme Corp\naccount: {}\n",
])
def test_the_quick_look_at_a_name_reads_what_the_reader_reads(tmp_path, text):
    from csplan.inputs.source import read_scalar, read_yaml

    path = tmp_path / "account.yaml"
    path.write_text(text, encoding="utf-8")
    name = read_yaml(path).data["account"].get("name")
    assert read_scalar(path, ("account", "name")) == (name if isinstance(name, str) else None)


@pytest.mark.parametrize("value", ["0/2", "3/2", "1/0", "2", "a/b", "1/2/3", "-1/2", ""])
def test_a_bad_shard_is_a_usage_error(book, tmp_path, value):
    result = build(book, tmp_path / "out", "--shard", value)
    assert result.exit_code == 2
    assert "--shard" in result.stderr and "K/N" in result.stderr, result.stderr
    assert not (tmp_path / "out").exists()


def test_merge_refuses_missing_foreign_and_duplicate_parts(book, tmp_path):
    out = tmp_path / "out"
    result = merge(out)
    assert result.exit_code == 2 and "no report parts" in result.stderr
    assert build(book, out, "--shard", "2/3", "--formats", "docx").exit_code == 0
    result = merge(out)
    assert result.exit_code == 2
    assert "missing" in result.stderr and "1/3" in result.stderr and "3/3" in result.stderr
    assert "--shard 1/3" in result.stderr  # says what to run
    assert not (out / "_internal" / "build-report.json").exists()
    folder = out / "_internal" / "report-parts"
    # Parts of different N (copied in from another run).
    shutil.copy(folder / "shard-2-of-3.json", folder / "shard-1-of-2.json")
    result = merge(out)
    assert result.exit_code == 2 and "different" in result.stderr, result.stderr
    assert "shard-1-of-2.json" in result.stderr and "shard-2-of-3.json" in result.stderr
    (folder / "shard-1-of-2.json").unlink()
    # Two parts that claim the same account.
    assert build(book, out, "--shard", "1/3", "--formats", "docx").exit_code == 0
    assert build(book, out, "--shard", "3/3", "--formats", "docx").exit_code == 0
    mine = json.loads((folder / "shard-2-of-3.json").read_text())
    theirs = json.loads((folder / "shard-3-of-3.json").read_text())
    theirs["accounts"] += mine["accounts"][:1]
    (folder / "shard-3-of-3.json").write_text(json.dumps(theirs))
    result = merge(out)
    assert result.exit_code == 2 and "both" in result.stderr, result.stderr
    claimed = mine["accounts"][0]["report"]["file"]
    assert claimed in result.stderr
    # A damaged part.
    (folder / "shard-3-of-3.json").write_text('{"accounts": [')
    result = merge(out)
    assert result.exit_code == 2 and "shard-3-of-3.json" in result.stderr
    assert "--shard 3/3" in result.stderr


def test_stale_parts_are_removed(book, tmp_path):
    out = tmp_path / "out"
    assert build(book, out, "--shard", "1/3", "--formats", "docx").exit_code == 0
    assert build(book, out, "--shard", "2/2", "--formats", "docx").exit_code == 0
    assert set(parts(out)) == {"shard-2-of-2.json"}  # another N's part is stale
    assert build(book, out, "--formats", "docx").exit_code == 0
    assert parts(out) == {}  # a full build writes the report itself
    assert merge(out).exit_code == 2


def test_shards_at_the_same_time_into_one_folder(tmp_path):
    sys.path.insert(0, str(ROOT))
    from benchmarks.synth import write_book

    book = write_book(tmp_path / "book", 10)
    for path in ACCOUNTS.rglob("*"):
        if path.is_file():
            target = book / path.relative_to(ACCOUNTS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    full, out = tmp_path / "full", tmp_path / "out"
    formats = ["--formats", "docx,pptx"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen(
        [sys.executable, "-m", "csplan", "build", str(book), "--out", str(out), "--shard",
         f"{k}/2", "--jobs", "1", *formats, *TODAY], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env=env) for k in (1, 2)]
    results = [p.communicate(timeout=600) for p in processes]
    # The synthetic book holds one account with a check error: its shard exits 1.
    assert sorted(p.returncode for p in processes) == [0, 1], results
    build(book, full, *formats)
    assert merge(out).exit_code == 1  # the book's exit code: one account failed
    assert entries(out) == entries(full)
    assert documents(out) == documents(full)
    assert (out / "_internal" / "index.html").read_text() == (
        full / "_internal" / "index.html").read_text()
    cache = sorted((out / "_internal" / "cache").iterdir())
    assert len(cache) == report(full)["summary"]["built"]
    for path in cache:
        assert json.loads(path.read_text())["entry"]["outputs"]
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp")] == []
