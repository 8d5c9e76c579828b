"""Locale rules beyond words: punctuation, word order, lists, months, quarters and currency
placement follow the account's locale in every customer document."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from docx import Document
from pptx import Presentation

from csplan import api
from csplan.views.fmt import Formatter
from csplan.words import _, speaking
from tests.conftest import NORTHWIND, replace_once

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Return a function that builds Northwind in a locale (once per locale and currency)
    and returns its output files by suffix."""
    done: dict[tuple[str, str], dict] = {}
    logos = NORTHWIND.parent / "logos"

    def build(locale: str, currency: str = "USD") -> dict:
        if (locale, currency) not in done:
            folder = tmp_path_factory.mktemp(f"{locale}-{currency}")
            (folder / "logos").mkdir()
            (folder / "logos" / "northwind.png").write_bytes(
                (logos / "northwind.png").read_bytes())
            text = replace_once(NORTHWIND.read_text(encoding="utf-8"), "locale: en-US",
                                f"locale: {locale}")
            text = replace_once(text, "currency: USD", f"currency: {currency}")
            path = folder / "northwind-freight.yaml"
            path.write_text(text, encoding="utf-8")
            outcome = api.build([path], out=folder / "out", formats=("docx", "pptx"),
                                today=TODAY)
            assert not outcome.failed, outcome.findings
            done[locale, currency] = {p.suffix: p for p in outcome.results[0].outputs}
        return done[locale, currency]

    return build


def _slides(files) -> list[tuple[str, str, str]]:
    """Return (title, body text, notes) of each slide of the deck."""
    out = []
    for slide in Presentation(str(files[".pptx"])).slides:
        title = slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""
        body = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                body.append(shape.text_frame.text)
            if shape.has_table:
                body += [c.text for row in shape.table.rows for c in row.cells]
        out.append((title, "\n".join(body), slide.notes_slide.notes_text_frame.text))
    return out


def _notes(files) -> str:
    return "\n".join(notes for _t, _b, notes in _slides(files))


# ---------------------------------------------------------------- 1. agenda line in the notes
@pytest.mark.parametrize("locale", ["de-DE", "ja-JP"])
def test_speaker_notes_name_the_agenda_section_in_the_accounts_language(built, locale):
    slides = _slides(built(locale))
    with speaking(locale):
        results = _("Results: goals vs actuals")
        line = _("Agenda: {section} ({minutes} minutes for this section).")
        expected = line.format(section=results, minutes=10)
        prefix = line.split("{section}")[0]
    on_results = [notes for title, _b, notes in slides[4:5]]  # the first results slide
    assert on_results and on_results[0].splitlines()[0] == expected
    # every slide of the default agenda's storyline says which section it belongs to
    assert all(notes.startswith(prefix) for _t, _b, notes in slides), \
        [t for t, _b, n in slides if not n.startswith(prefix)]


def test_an_accounts_own_agenda_finds_its_sections_by_default_title_or_covers(tmp_path):
    text = replace_once(NORTHWIND.read_text(encoding="utf-8"), "locale: en-US",
                        "locale: de-DE")
    text = replace_once(text, "    date: 2026-12-08\n", "    date: 2026-12-08\n    agenda:\n"
                        "      - {section: Begrüßung, minutes: 5}\n"
                        "      - {section: 'ergebnisse: soll und ist', minutes: 25}\n"
                        "      - {section: Challenges and risks, minutes: 30, covers: [risks]}\n")
    (tmp_path / "logos").mkdir()
    (tmp_path / "logos" / "northwind.png").write_bytes(
        (NORTHWIND.parent / "logos" / "northwind.png").read_bytes())
    path = tmp_path / "northwind-freight.yaml"
    path.write_text(text, encoding="utf-8")
    outcome = api.build([path], out=tmp_path / "out", formats=("pptx",), today=TODAY)
    assert not outcome.failed, outcome.findings
    slides = _slides({p.suffix: p for p in outcome.results[0].outputs})
    with speaking("de-DE"):
        line = _("Agenda: {section} ({minutes} minutes for this section).")
        challenges = _("Challenges and open risks")
    notes = {title: n.splitlines()[0] if n else "" for title, _b, n in reversed(slides)}
    assert slides[4][2].splitlines()[0] == line.format(section="ergebnisse: soll und ist",
                                                       minutes=25)
    assert notes[challenges] == line.format(section="Challenges and risks", minutes=30)


# ---------------------------------------------------------------- 2. the state keeps its case
def test_a_metrics_state_in_the_notes_keeps_the_languages_capitals(built):
    notes = _notes(built("de-DE"))
    assert "; Ziel erreicht." in notes or "; im Plan." in notes
    assert "ziel erreicht" not in notes and "im plan." not in notes.replace("; im Plan.", "")
    english = _notes(built("en-US"))
    assert "; target reached." in english or "; on track." in english


# ---------------------------------------------------------------- 3. punctuation in messages
def test_french_notes_put_a_no_break_space_before_the_colon(built):
    notes = _notes(built("fr-FR"))
    assert "Late loads avoided per month\u00a0: about 310 (11-point" in notes
    assert "Live ETA sharing with shippers\u00a0: Cuts inbound" in notes


def test_japanese_notes_use_full_width_colon_and_brackets(built):
    slides = _slides(built("ja-JP"))
    notes = "\n".join(n for _t, _b, n in slides)
    assert "Late loads avoided per month：about 310（11-point on-time gain" in notes
    assert "Live ETA sharing with shippers：Cuts inbound" in notes
    assert "Send the QBR summary and updated plan（" in notes
    assert "Champion changes role：Multi-thread with the COO" in notes
    assert "month two（" in notes
    # the milestone summary ends as a Japanese sentence ends
    assert [line for line in notes.splitlines() if line.endswith(".")] == []


# ---------------------------------------------------------------- 4. lists of names
def test_lists_of_names_are_joined_as_the_locale_joins_them(built):
    de = built("de-DE")
    slides = _slides(de)
    cover = slides[0][1] + slides[0][2]
    assert " und Tom" in cover and ", Tom" not in cover
    doc = Document(str(de[".docx"]))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any(" und " in c for c in cells)
    assert not any(c.startswith("Maria") and ", James" in c for c in cells)
    ja = _slides(built("ja-JP"))
    assert "、" in ja[0][1]


def test_bullets_and_a_person_with_a_title_are_written_as_the_language_writes_them(built):
    """Japanese bullets with 「・」 and puts a job title in full-width brackets; English keeps
    "• " and "Maria Lopez, VP Operations"."""
    ja, en = built("ja-JP"), built("en-US")
    ja_body = "\n".join(b for _t, b, _n in _slides(ja))
    assert "・" in ja_body and "•" not in ja_body
    assert "• " in "\n".join(b for _t, b, _n in _slides(en))
    cells = {c.text for t in Document(str(ja[".docx"])).tables for row in t.rows
             for c in row.cells}
    assert "Maria Lopez（VP Operations）" in cells and "Maria Lopez, VP Operations" not in cells
    cells = {c.text for t in Document(str(en[".docx"])).tables for row in t.rows
             for c in row.cells}
    assert "Maria Lopez, VP Operations" in cells


def test_the_internal_brief_writes_quarters_as_the_language_does(tmp_path, write_account):
    """The brief of a German account says "Q4 2026" (as its deck does), never the id
    2026-Q4."""
    from tests.docs import pdf_text

    path = write_account(replace_once(NORTHWIND.read_text(encoding="utf-8"), "locale: en-US",
                                      "locale: de-DE"), "northwind-freight.yaml")
    outcome = api.brief([path], out=tmp_path / "out", today=TODAY)
    assert not outcome.failed, outcome.findings
    brief = " ".join(pdf_text(outcome.results[0].outputs[0]).split())
    # internal documents are in English, their dates and quarters written for the account
    assert "For the Q4 2026 QBR on 08.12.2026" in brief
    assert "(Q3 2026)" in brief  # the QBR an open action item comes from
    assert "2026-Q" not in brief


# ---------------------------------------------------------------- 5. months on chart axes
@pytest.mark.parametrize("locale,expected", [("ja-JP", "2026年2月"), ("en-US", "Feb 2026"),
                                             ("de-DE", "Feb. 2026")])
def test_month_labels_follow_the_locales_order(locale, expected):
    assert Formatter(locale, "USD").month(date(2026, 2, 1)) == expected


# ---------------------------------------------------------------- 6. quarters
@pytest.mark.parametrize("locale,expected", [("de-DE", "Q4 2026"), ("fr-FR", "T4 2026"),
                                             ("ja-JP", "2026/Q4"), ("en-US", "Q4 2026")])
def test_a_quarter_is_written_for_the_locale(locale, expected):
    assert Formatter(locale, "USD").quarter("2026-Q4") == expected


# ---------------------------------------------------------------- 7. differences
@pytest.mark.parametrize("locale,expected", [("en-US", "8 pts"), ("de-DE", "2,5 Pp."),
                                             ("ja-JP", "8ポイント")])
def test_two_percentages_differ_by_points_not_by_a_percent(locale, expected):
    """93% against 85% is 8 percentage points, not "8%" (a relative change of 9.4%)."""
    value = 2.5 if locale == "de-DE" else 8
    with speaking(locale):
        assert Formatter(locale, "USD").difference(value, "percent") == expected
        assert Formatter(locale, "USD").difference(2, "count") == "2"


@pytest.mark.parametrize("locale,unit,whole,expected", [
    ("en-US", "percent", False, '#,##0.0"%"'), ("de-DE", "percent", True, '#,##0"\u00a0%"'),
    ("en-US", "hours", False, '#,##0.0" hr"'), ("de-DE", "hours", True, '#,##0" Std."'),
    ("ja-JP", "days", True, '#,##0" 日"'), ("fr-FR", "count", False, "#,##0.0")])
def test_a_charts_numbers_have_the_texts_decimals_and_unit(locale, unit, whole, expected):
    """A chart labelled 17% where the slide's text says 16.8%, or "7.0 h" on an axis beside
    "1.5 hr" in the text, read as two different numbers."""
    assert Formatter(locale, "USD").chart_format(unit, whole) == expected


def test_the_deck_shows_quarters_per_locale_and_its_file_name_stays_ascii(built):
    files = built("fr-FR")
    assert files[".pptx"].name.endswith("-qbr-2026-Q4.pptx")
    slides = _slides(files)
    text = "\n".join(t + b for t, b, _n in slides)
    assert "T4 2026" in text and "T3 2026" in text and "2026-Q" not in text
    prs = Presentation(str(files[".pptx"]))
    assert "T4 2026" in prs.core_properties.title
    assert "2026-Q" not in prs.core_properties.title + prs.core_properties.subject


# ---------------------------------------------------------------- 7. money on chart axes
@pytest.mark.parametrize("locale,currency,expected", [
    ("de-DE", "EUR", '#,##0 "€"'), ("en-US", "USD", '"$"#,##0'), ("ja-JP", "JPY", '"￥"#,##0'),
    ("nl-NL", "EUR", '"€" #,##0')])
def test_chart_money_format_puts_the_symbol_where_the_locale_does(built, locale, currency,
                                                                  expected):
    files = built(locale, currency)
    with zipfile.ZipFile(files[".pptx"]) as z:
        charts = "".join(z.read(n).decode("utf-8") for n in z.namelist()
                         if n.startswith("ppt/charts/chart"))
    from xml.sax.saxutils import escape

    assert f'formatCode="{escape(expected, {chr(34): "&quot;"})}"' in charts


def test_french_levels_and_counts_agree_with_what_they_describe(built):
    """A likelihood is feminine in French, an impact masculine ("Probabilité moyenne",
    "impact moyen"), and five milestones are "Terminés", not "5 Terminé"."""
    files = built("fr-FR")
    rows = [[c.text for c in row.cells] for table in Document(str(files[".docx"])).tables
            for row in table.rows]
    budget = next(r for r in rows if r[0].startswith("Budget review"))
    assert budget[2:4] == ["Moyenne", "Moyen"]
    slides = _slides(files)
    assert "5  Terminés" in slides[2][1] and "0  À risque" in slides[2][1]
    assert "Customer Success Manager\u00a0: Priya Shah" in slides[-1][2]
