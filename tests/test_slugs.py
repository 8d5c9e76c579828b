"""Output folders: slugs transliterate, and two accounts never write into one folder."""

from __future__ import annotations

import json
import shutil
import unicodedata

import pytest
from click.testing import CliRunner

from csplan.build.account import assign_slugs, clashes
from csplan.cli import main
from csplan.inputs.slug import slugify
from tests.conftest import ACCOUNTS, replace_once


@pytest.mark.parametrize("name, slug", [
    ("Straße Logistik GmbH", "strasse-logistik-gmbh"),
    ("Łódź Cargo", "lodz-cargo"),
    ("Москва Экспресс", "moskva-ekspress"),
    ("Αθήνα Freight", "athina-freight"),
    ("Café Nöir", "cafe-noir"),
    ("???", "account"),
])
def test_slugs_transliterate_instead_of_dropping_letters(name, slug):
    assert slugify(name) == slug
    assert slugify(name) == slugify(name)  # stable


def test_clashes_are_found_whatever_their_cause():
    nfd = unicodedata.normalize("NFD", "Nöir Freight")
    slugs = assign_slugs(["Nöir Freight", nfd, "Acme", "acme-corp"])
    assert slugs[0] == slugs[1] == "noir-freight"
    assert clashes(slugs) == {0: [1], 1: [0]}
    # A name that happens to be another pair's hashed slug.
    pair = assign_slugs(["Acme Corp", "ACME corp"])
    assert clashes(assign_slugs(["Acme Corp", "ACME corp", pair[0]])) != {}
    assert clashes(["a", "A", "b"]) == {0: [1], 1: [0]}  # case-insensitive file systems


def _book(tmp_path, second_name: str):
    book = tmp_path / "book"
    shutil.copytree(ACCOUNTS, book)
    text = (book / "northwind-freight.yaml").read_text(encoding="utf-8")
    (book / "northwind-copy.yaml").write_text(
        replace_once(text, "name: Northwind Freight", f"name: {second_name}"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(book), "--out", str(out), "--today",
                                       "2026-11-23", "--formats", "docx"],
                                catch_exceptions=False)
    report = json.loads((out / "_internal" / "build-report.json").read_text())
    return result, {a["file"].rsplit("/", 1)[-1]: a for a in report["accounts"]}, out


@pytest.mark.parametrize("second", ["Northwind Freight",
                                    unicodedata.normalize("NFD", "Northwind Freight")])
def test_two_accounts_with_one_name_fail_and_name_each_other(tmp_path, second):
    result, accounts, out = _book(tmp_path, second)
    assert result.exit_code == 1
    for me, other in (("northwind-freight.yaml", "northwind-copy.yaml"),
                      ("northwind-copy.yaml", "northwind-freight.yaml")):
        assert accounts[me]["status"] == "failed"
        message = " ".join(f["message"] for f in accounts[me]["findings"])
        assert "same output folder" in message and other in message, message
    # The others are built, and nobody wrote into the shared folder.
    assert accounts["brightwater-clinics.yaml"]["status"] == "built"
    assert not (out / "northwind-freight").exists()


def test_a_clash_is_found_when_one_of_the_two_was_built_before(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(ACCOUNTS, book)
    out = tmp_path / "out"
    args = ["build", str(book), "--out", str(out), "--today", "2026-11-23", "--formats", "docx"]
    assert CliRunner().invoke(main, args).exit_code == 0
    shutil.copy(book / "northwind-freight.yaml", book / "northwind-copy.yaml")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    report = json.loads((out / "_internal" / "build-report.json").read_text())
    failed = sorted(a["file"].rsplit("/", 1)[-1] for a in report["accounts"]
                    if a["status"] == "failed")
    assert failed == ["northwind-copy.yaml", "northwind-freight.yaml"]


def test_documents_are_never_written_through_a_symlinked_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "northwind-freight").symlink_to(elsewhere, target_is_directory=True)
    result = CliRunner().invoke(main, ["build", str(ACCOUNTS), "--out", str(out), "--today",
                                       "2026-11-23", "--formats", "docx"])
    assert result.exit_code == 1
    assert "northwind-freight is a symbolic link" in result.stdout
    assert list(elsewhere.iterdir()) == []
    assert (out / "brightwater-clinics" / "brightwater-clinics-success-plan.docx").is_file()
    # The internal folder too: the report cannot be sent elsewhere either.
    (out / "_internal").rename(tmp_path / "old-internal")
    (out / "_internal").symlink_to(elsewhere, target_is_directory=True)
    result = CliRunner().invoke(main, ["build", str(ACCOUNTS), "--out", str(out), "--today",
                                       "2026-11-23", "--formats", "docx"])
    assert result.exit_code == 2 and "_internal is a symbolic link" in result.output
    assert list(elsewhere.iterdir()) == []
