"""A company's own wording (brand.yaml wording: and wording/<lang>.po), and which catalog a
locale is written with."""

from __future__ import annotations

import shutil
from datetime import date

import docx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from click.testing import CliRunner
from pptx import Presentation

from csplan import api
from csplan.cli import main
from csplan import words
from tests.conftest import ACCOUNTS, ROOT

TODAY = date(2026, 11, 23)


@pytest.fixture
def brand(tmp_path):
    folder = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", folder)
    return folder


@pytest.fixture
def book(tmp_path):
    folder = tmp_path / "book"
    (folder / "logos").mkdir(parents=True)
    shutil.copy(ACCOUNTS / "northwind-freight.yaml", folder)
    shutil.copy(ACCOUNTS / "logos" / "northwind.png", folder / "logos")
    return folder


def _add_wording(brand, text: str) -> None:
    with (brand / "brand.yaml").open("a", encoding="utf-8") as fh:
        fh.write("\n" + text)


def _docx_text(path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts) + "\n" + document.core_properties.title


def test_a_brand_renames_the_plan_and_the_review(brand, book, tmp_path):
    _add_wording(brand, "wording:\n"
                        "  en:\n"
                        "    Joint success plan: Mutual action plan\n"
                        "    \"{account} · Joint success plan\": \"{account} · Mutual action plan\"\n")
    outcome = api.build([book], out=tmp_path / "out", brand=brand, formats=("docx", "pptx"),
                        today=TODAY)
    assert not outcome.failed, outcome.findings
    files = {p.suffix: p for p in outcome.results[0].outputs}
    text = _docx_text(files[".docx"])
    assert "Mutual action plan" in text and "Joint success plan" not in text
    deck = Presentation(str(files[".pptx"]))
    assert deck.slides  # the deck still builds; the rename needs only the plan's messages


def test_an_unknown_message_is_a_configuration_error_with_a_suggestion(brand, book, tmp_path):
    _add_wording(brand, "wording:\n  en:\n    Joint sucess plan: Mutual action plan\n")
    result = CliRunner().invoke(main, ["build", str(book), "--brand", str(brand), "--out",
                                       str(tmp_path / "out"), "--today", "2026-11-23"])
    assert result.exit_code == 2, result.output
    assert "brand.yaml:" in result.output and "there is no message 'Joint sucess plan'" \
        in result.output
    assert "did you mean 'Joint success plan'?" in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()  # before any account


@pytest.mark.parametrize("wording, complaint", [
    ("  xx-nope-1:\n    Agenda: Ablauf\n", "is not a language tag"),
    ("  en:\n    \"{account} · Joint success plan\": \"Our plan\"\n", "must keep the placeholders"),
    ("  en:\n    Agenda: \"\"\n", "wording.en.Agenda"),
])
def test_a_bad_wording_is_refused_once(brand, book, tmp_path, wording, complaint):
    _add_wording(brand, "wording:\n" + wording)
    result = CliRunner().invoke(main, ["build", str(book), "--brand", str(brand), "--out",
                                       str(tmp_path / "out"), "--today", "2026-11-23"])
    assert result.exit_code == 2, result.output
    assert complaint in result.output


def test_a_po_file_in_the_brand_words_plurals_per_language(brand, tmp_path):
    catalog = Catalog(locale="de")
    catalog.add("Joint success plan", "Gemeinsamer Aktionsplan")
    catalog.add(("health green for {days} consecutive day (needs {needed})",
                 "health green for {days} consecutive days (needs {needed})"),
                ("{days} Tag grün (nötig: {needed})", "{days} Tage grün (nötig: {needed})"))
    (brand / "wording").mkdir()
    with (brand / "wording" / "de.po").open("wb") as fh:
        write_po(fh, catalog)
    from csplan.inputs.brand import load_brand

    wording = load_brand(brand).wording
    with words.speaking("de-AT", wording=wording):
        assert words._("Joint success plan") == "Gemeinsamer Aktionsplan"
        assert words.ngettext("health green for {days} consecutive day (needs {needed})",
                              "health green for {days} consecutive days (needs {needed})",
                              1) == "{days} Tag grün (nötig: {needed})"
    with words.speaking("en-US", wording=wording):
        assert words._("Joint success plan") == "Joint success plan"


def test_which_catalog_a_locale_is_written_with(monkeypatch, tmp_path):
    import csplan.locale

    for name in ("de", "pt_BR"):
        po = tmp_path / name / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        with po.open("wb") as fh:
            write_po(fh, Catalog(locale=name))
    (tmp_path / "messages.pot").write_bytes(b"")
    monkeypatch.setattr(csplan.locale, "root", lambda: tmp_path)
    assert words.catalog_of("de-DE") == "de"
    assert words.catalog_of("de-CH") == "de"
    assert words.catalog_of("pt-BR") == "pt_BR"
    assert words.catalog_of("pt-PT") == "pt_BR"  # another country's, with a warning (rules)
    assert words.catalog_of("sv-SE") is None  # English, with a warning (rules)
    assert words.catalog_of("en-GB") is None  # the source language

