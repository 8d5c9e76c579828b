"""`csplan build --watch`: a warm process that builds again after each save."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from docx import Document

from csplan import api
from csplan.build import book as book_module
from csplan.build.watch import changes, state, wait_for_change
from csplan.cli import main
from csplan.paths import BRAND
from tests.conftest import ACCOUNTS, NORTHWIND, TODAY, replace_once

GOAL = "Raise on-time delivery from 82% to 95% across all regional routes"


def _book(tmp_path: Path) -> Path:
    book = tmp_path / "book"
    shutil.copytree(ACCOUNTS / "logos", book / "logos")
    shutil.copy(NORTHWIND, book)
    shutil.copy(ACCOUNTS / "brightwater-clinics.yaml", book)
    return book


def _text(docx: Path) -> str:
    return "\n".join(p.text for p in Document(str(docx)).paragraphs)


def _watch(book: Path, out: Path, **more):
    return api.watch([book], out=out, formats=("docx",), today=TODAY, jobs=1, interval=0.02,
                     **more)


def test_a_save_builds_that_account_again_and_skips_the_others(tmp_path):
    book, out = _book(tmp_path), tmp_path / "out"
    seen: list[list[str]] = []
    rounds = _watch(book, out, rounds=2, on_change=seen.append)
    first = next(rounds)
    assert [r.status for r in first.outcome.results] == ["built", "built"]
    warm = [w.process.pid for w in book_module._KEPT]  # the workers stay for the next round
    assert len(warm) == 1 and book_module._KEPT[0].process.is_alive()
    account = book / NORTHWIND.name
    account.write_text(replace_once(account.read_text(encoding="utf-8"), GOAL,
                                    "Raise on-time delivery to 97% on every route"),
                       encoding="utf-8")
    second = next(rounds)
    assert second.changed == seen[0] == [str(account)]
    by_file = {Path(r.file).name: r.status for r in second.outcome.results}
    assert by_file == {"brightwater-clinics.yaml": "skipped", NORTHWIND.name: "built"}
    plan = _text(out / "northwind-freight" / "northwind-freight-success-plan.docx")
    assert "Primary goal: Raise on-time delivery to 97% on every route" in plan
    assert f"removed: {GOAL}" in plan  # and the plan's changes say what the save changed
    assert [w.process.pid for w in book_module._KEPT] == warm  # the same warm worker
    assert next(rounds, None) is None  # rounds=2: done
    assert book_module._KEPT == []  # and the watch's end ended it


def test_a_broken_brand_is_reported_and_the_next_save_builds_again(tmp_path):
    book, out, brand = _book(tmp_path), tmp_path / "out", tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    rounds = _watch(book, out, rounds=3, brand=brand)
    assert next(rounds).error is None
    good = (brand / "brand.yaml").read_text(encoding="utf-8")
    (brand / "brand.yaml").write_text(good + "\nno_such_setting: 1\n", encoding="utf-8")
    broken = next(rounds)
    assert broken.outcome is None and "brand.yaml" in broken.error.format_message()
    assert broken.changed == [str(brand / "brand.yaml")]
    (brand / "brand.yaml").write_text(good, encoding="utf-8")
    fixed = next(rounds)
    assert fixed.error is None and not fixed.outcome.failed


def test_the_brand_is_checked_again_only_after_one_of_its_files_changed(tmp_path,
                                                                          monkeypatch):
    import csplan.inputs.brand as brand_module

    loads: list[Path] = []
    real = brand_module.load_brand
    monkeypatch.setattr(brand_module, "load_brand", lambda f, *a: loads.append(f) or real(f, *a))
    monkeypatch.setattr(api, "_BRANDS", {})
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    api._brand(brand, reuse=True)
    api._brand(brand, reuse=True)
    assert len(loads) == 1
    api._brand(brand)  # a one-off build checks it (and prints its warnings) again
    assert len(loads) == 2
    (brand / "brand.yaml").write_text((brand / "brand.yaml").read_text(encoding="utf-8")
                                      + "\n# a comment\n", encoding="utf-8")
    api._brand(brand, reuse=True)
    assert len(loads) == 3


def test_hidden_files_and_the_output_folder_are_not_watched(tmp_path):
    book = _book(tmp_path)
    (book / ".csplan").mkdir()
    (book / ".csplan" / "revisions.json").write_text("{}")
    (book / ".account.yaml.swp").write_text("x")
    (book / "output").mkdir()
    (book / "output" / "plan.pdf").write_text("x")
    seen = state([book], skip=[book / "output"])
    assert sorted(Path(p).relative_to(book).as_posix() for p in seen) == [
        "brightwater-clinics.yaml", *sorted(f"logos/{p.name}" for p in (ACCOUNTS / "logos").iterdir()),
        "northwind-freight.yaml"]


def test_a_change_is_taken_once_the_files_stay_still():
    looks = iter([{"a": (1, 1)}, {"a": (2, 5)}, {"a": (3, 9)}, {"a": (3, 9)}])
    now, changed = wait_for_change(lambda: next(looks), {"a": (1, 1)}, 0, lambda s: None)
    assert now == {"a": (3, 9)} and changed == ["a"]
    assert changes({"a": (1, 1), "b": (1, 1)}, {"b": (1, 2), "c": (1, 1)}) == ["a", "b", "c"]


def test_the_command_line_watches_until_ctrl_c(tmp_path, monkeypatch):
    book = _book(tmp_path)

    real = api.watch

    def one_round(paths, on_change, **options):
        yield from real(paths, rounds=1, on_change=on_change, **options)
        on_change([str(book / NORTHWIND.name)])  # a save; then Ctrl-C while it waits
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "watch", one_round)
    result = CliRunner().invoke(main, ["build", str(book), "--out", str(tmp_path / "out"),
                                       "--formats", "docx", "--today", "2026-11-23",
                                       "--watch"])
    assert result.exit_code == 0, result.output
    assert "Built 2, skipped 0, failed 0 of 2 accounts" in result.output
    assert f"Watching {book} for changes" in result.output
    assert f"for changes; Ctrl-C stops.\n\n{book / NORTHWIND.name} changed: building again" \
        in result.output
    assert result.output.rstrip().endswith("Stopped watching.")
    refused = CliRunner().invoke(main, ["build", str(book), "--watch", "--format", "json"])
    assert refused.exit_code == 2 and "--watch" in refused.output


def test_a_watched_folder_removed_while_watching_is_reported_not_a_crash(tmp_path,
                                                                          monkeypatch):
    """The folder csplan was started in disappears (a branch switched, a synced folder
    replaced): the watch says there are no accounts and goes on watching."""
    book = _book(tmp_path)
    monkeypatch.chdir(book)
    rounds = api.watch([Path(".")], out=Path("out"), formats=("docx",), today=TODAY, jobs=1,
                       interval=0.02, rounds=2)
    assert next(rounds).error is None
    shutil.rmtree(book)
    gone = next(rounds)
    assert gone.outcome is None and "no account files" in gone.error.format_message()
    assert NORTHWIND.name in gone.changed  # named as the user named the folder: relative
