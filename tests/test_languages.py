"""Documents speak the account's language, and say so: language tags in DOCX, PPTX, PDF."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader

from csplan import api
from tests.conftest import replace_once

TODAY = date(2026, 11, 23)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _build(write_account, northwind_text, locale, tmp_path, formats=("docx", "pptx", "pdf")):
    text = replace_once(northwind_text, "locale: en-US", f"locale: {locale}")
    path = write_account(text, "northwind-freight.yaml")
    outcome = api.build([path], out=tmp_path / "out", formats=formats, today=TODAY)
    assert not outcome.failed, outcome.findings
    return {p.suffix: p for p in outcome.results[0].outputs}


def _xml(package, prefixes):
    with zipfile.ZipFile(package) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist()
                if n.endswith(".xml") and n.startswith(prefixes)}


@pytest.mark.parametrize("locale", ["de-DE", "ja-JP"])
def test_every_word_run_and_style_carries_the_accounts_language(
        write_account, northwind_text, tmp_path, locale):
    from lxml import etree

    files = _build(write_account, northwind_text, locale, tmp_path, ("docx",))
    # Japanese text is ja-JP (w:eastAsia); Latin words in it are English, as in Word's own
    # Japanese template: tagged ja-JP, LibreOffice broke them anywhere ("re⏎newal")
    latin = "en-US" if locale == "ja-JP" else locale
    parts = _xml(files[".docx"], ("word/document", "word/header", "word/footer",
                                  "word/styles"))
    runs = langs = 0
    for name, xml in parts.items():
        root = etree.fromstring(xml.encode("utf-8"))
        for run in root.iter(f"{W}r"):
            runs += 1
            lang = run.find(f"{W}rPr/{W}lang")
            assert lang is not None and lang.get(f"{W}val") == latin, (name, etree.tostring(run))
        for lang in root.iter(f"{W}lang"):
            langs += 1
            assert lang.get(f"{W}val") == latin, name
            if locale == "ja-JP":
                assert lang.get(f"{W}eastAsia") == locale
    assert runs > 100 and langs > runs
    if locale == "de-DE":
        assert 'w:val="en-US"' not in parts["word/styles.xml"]


def test_every_slide_run_and_the_presentation_default_carry_the_language(
        write_account, northwind_text, tmp_path):
    files = _build(write_account, northwind_text, "de-DE", tmp_path, ("pptx",))
    parts = _xml(files[".pptx"], ("ppt/slides/", "ppt/notesSlides/", "ppt/presentation",
                                  "ppt/charts/"))
    assert any(n.startswith("ppt/notesSlides/") for n in parts)
    for name, xml in parts.items():
        assert 'lang="en-US"' not in xml, name
    from lxml import etree

    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    runs = [run for n, x in parts.items() if n.startswith(("ppt/slides/", "ppt/notesSlides/"))
            for run in etree.fromstring(x.encode("utf-8")).iter(f"{a}r")]
    assert len(runs) > 100
    assert all(run.find(f"{a}rPr").get("lang") == "de-DE" for run in runs)
    assert 'lang="de-DE"' in parts["ppt/presentation.xml"]


def test_the_pdf_and_its_html_name_the_language(write_account, northwind_text, tmp_path):
    files = _build(write_account, northwind_text, "de-DE", tmp_path, ("pdf",))
    reader = PdfReader(io.BytesIO(files[".pdf"].read_bytes()))
    assert reader.trailer["/Root"]["/Lang"] == "de-DE"


@pytest.mark.parametrize("locale, expected", [
    ("sv-SE", "locale 'sv-SE': csplan has no Swedish wording, so the documents' fixed texts "
              "are in English"),
    ("pt-PT", "locale 'pt-PT' is written with the pt-BR wording (Portuguese (Brazil))"),
    ("de-AT", None),
    ("ja-JP", None),
    ("en-GB", None),
])
def test_a_locale_without_its_own_catalog_is_a_warning(write_account, northwind_text, locale,
                                                         expected):
    text = replace_once(northwind_text, "locale: en-US", f"locale: {locale}")
    [result] = api.check([write_account(text)], today=TODAY)
    found = [f for f in result.findings if f.rule == "SP024"]
    if expected is None:
        assert not found
    else:
        [finding] = found
        assert finding.level == "warning" and expected in finding.message
        assert finding.line == text.splitlines().index(
            next(line for line in text.splitlines() if line.strip().startswith("locale:"))) + 1


def test_a_locale_without_a_catalog_still_builds_in_english(write_account, northwind_text,
                                                            tmp_path):
    files = _build(write_account, northwind_text, "sv-SE", tmp_path, ("docx",))
    import docx

    headings = [p.text for p in docx.Document(str(files[".docx"])).paragraphs
                if p.style.name.startswith("Heading")]
    assert any("Success metrics" in h for h in headings), headings
