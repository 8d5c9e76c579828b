"""Every fixed word of the documents goes through the message catalog (csplan.words).

Three promises: the committed ``messages.pot`` is exactly what extraction finds in the code
and templates; a build in a pseudo-language (every message rewritten letter by letter) leaves
no fixed English word in any document, so nothing bypasses the catalog; plural forms follow
the catalog's rules.
"""

from __future__ import annotations

import io
import re
import zipfile
from importlib import resources
from pathlib import Path

import pytest
import yaml
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations
from babel.units import format_unit
from click.testing import CliRunner
from lxml import etree, html

import csplan.build.book as book_module
from csplan.cli import main
from csplan.inputs.program import DEFAULTS
from csplan import words
from tests.conftest import ACCOUNTS, ROOT

TODAY = ["--today", "2026-11-23"]


# ------------------------------------------------------------------------- the catalog

def _ids(path: Path) -> set[tuple]:
    with path.open("rb") as fp:
        return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id))
                for m in read_po(fp) if m.id}


def test_the_committed_pot_holds_exactly_the_messages_of_the_code(tmp_path, monkeypatch):
    catalogs = resources.files("csplan.locale")
    committed = Path(str(catalogs / "messages.pot"))
    monkeypatch.chdir(ROOT)  # babel.cfg's paths are relative to the repository
    fresh = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F",
                                str(catalogs / "babel.cfg"), "-c", "Translators:",
                                "-o", str(fresh), "."])
    found, kept = _ids(fresh), _ids(committed)
    assert len(found) > 300  # the plan, deck, brief, program, portfolio and index
    assert found - kept == set(), ("messages missing from generator/locale/messages.pot; "
                                   "run the pybabel extract of csplan/words.py")
    assert kept - found == set(), "messages.pot holds messages the code no longer has"


# ------------------------------------------------------------------- a pseudo-language

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "åƀçđéƒĝĥîĵķĺɱñöƥʠŕšţüʋŵẋýžÅƁÇĐÉƑĜĤÎĴĶĹṀÑÖƤǪŔŠŢÜṼŴẊÝŽ"
_PSEUDO = str.maketrans(_PLAIN, _ACCENTED)
_PLACEHOLDER = re.compile(r"(\{\w+\}|%\(\w+\)s|%%)")


def pseudo(message: str) -> str:
    """Return ``message`` with every ASCII letter accented, placeholders left as they are."""
    return "".join(piece if index % 2 else piece.translate(_PSEUDO)
                   for index, piece in enumerate(_PLACEHOLDER.split(message)))


class Pseudo(NullTranslations):
    """Translations into the pseudo-language, for every message there is."""

    language = "en-XA"

    def gettext(self, message):
        return pseudo(message)

    def ngettext(self, singular, plural, n):
        return pseudo(singular if n == 1 else plural)

    def pgettext(self, context, message):
        return pseudo(message)

    def npgettext(self, context, singular, plural, n):
        return self.ngettext(singular, plural, n)


def test_pseudo_keeps_placeholders_and_changes_every_letter():
    assert pseudo("Page {page} of %(pages)s, 100%%") == "Ƥåĝé {page} öƒ %(pages)s, 100%%"
    assert len(_PLAIN) == len(_ACCENTED)


def _xml_text(data: bytes, tags: tuple[str, ...]) -> list[str]:
    root = etree.fromstring(data)
    return [e.text or "" for e in root.iter() if isinstance(e.tag, str)
            and etree.QName(e).localname in tags]


_CORE = ("title", "subject", "category", "description", "keywords")


def office_text(path: Path) -> str:
    """Return every text of a DOCX or PPTX a reader sees: body, tables, headers and footers,
    slides, speaker notes, charts (their cached labels and their workbooks) and the
    document's title, subject and category."""
    out = []
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            data = package.read(name)
            if name == "docProps/core.xml":
                out += _xml_text(data, _CORE)
            elif re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name) or \
                    re.fullmatch(r"ppt/(slides|notesSlides)/\w+\.xml", name):
                out += _xml_text(data, ("t",))
            elif re.fullmatch(r"ppt/charts/\w+\.xml", name):
                out += _xml_text(data, ("v",))
            elif name.endswith(".xlsx"):
                with zipfile.ZipFile(io.BytesIO(data)) as book:
                    if "xl/sharedStrings.xml" in book.namelist():
                        out += _xml_text(book.read("xl/sharedStrings.xml"), ("t",))
    return "\n".join(out)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    meta = reader.metadata or {}
    return "\n".join([page.extract_text() for page in reader.pages]
                     + [str(meta.get(key, "")) for key in ("/Title", "/Subject")])


def html_text(path: Path) -> str:
    page = html.fromstring(path.read_bytes())
    for style in page.iter("style"):
        style.drop_tree()
    texts = list(page.itertext()) + [e.get("aria-label", "") for e in page.iter()
                                     if isinstance(e.tag, str)]
    return "\n".join(texts)


def documents_text(out: Path) -> dict[str, str]:
    """Return the text of every document under ``out``, by path."""
    readers = {".docx": office_text, ".pptx": office_text, ".pdf": pdf_text,
               ".html": html_text}
    return {str(p.relative_to(out)): readers[p.suffix](p) for p in sorted(out.rglob("*"))
            if p.suffix in readers}


def _strings(value):
    """Yield every string value inside ``value`` (dicts: their values, not their keys)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def data_words() -> set[str]:
    """Return the words that may stay English because they are data, not csplan's text: the
    accounts, the brand, the default program, dates and units as Babel writes them (CLDR,
    per locale), currency codes, file names and format names."""
    accounts = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in ACCOUNTS.glob("*.yaml")]
    brand = yaml.safe_load((ROOT / "brand" / "brand.yaml").read_text(encoding="utf-8"))
    # the values of the files, not their keys ("baseline:", "owner:" are not shown)
    text = list(_strings(accounts)) + list(_strings(brand))
    text += list(_strings(DEFAULTS)) + list(DEFAULTS["health"]["dimensions"])  # the program
    text += [name.replace("_", " ") for name in DEFAULTS["health"]["signals"]]  # CSV columns
    locales = {a["account"]["locale"] for a in accounts} | {"en-US"}
    for tag in locales:
        loc = Locale.parse(tag.replace("-", "_"))
        for context in ("format", "stand-alone"):
            for width in ("abbreviated", "wide"):
                text += loc.months[context][width].values()
                text += loc.days[context][width].values()
        for unit in ("duration-hour", "duration-day"):
            text += [format_unit(n, unit, length=length, locale=loc)
                     for n in (1, 2) for length in ("short", "long")]
    # file and format names, the program's name, currency codes
    text += ["csplan yaml DOCX PDF PPTX USD EUR GBP", str(ACCOUNTS)]
    return {w.lower() for t in text for w in re.findall(r"[A-Za-z]{2,}", t)}


def _known(word: str, allowed: set[str]) -> bool:
    """A word is data, or a run of data words: older pypdf runs the words of neighbouring
    table cells together ("LeadBrightwater", "QBRIn"), so a word that is not data is split
    where a capital starts a new word, and each part must be data."""
    if word.lower() in allowed:
        return True
    parts = re.split(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", word)
    return len(parts) > 1 and all(len(p) < 2 or p.lower() in allowed for p in parts)


def english_words(texts: dict[str, str], allowed: set[str]) -> dict[str, set[str]]:
    """Return, per document, the ASCII words of its text that are not data."""
    out = {}
    for name, text in texts.items():
        left = {w for w in re.findall(r"[A-Za-z]{2,}", text) if not _known(w, allowed)}
        if left:
            out[name] = left
    return out


def build_everything(out: Path) -> None:
    runner = CliRunner()
    for args in (["build", str(ACCOUNTS), "--out", str(out), "--formats",
                  "docx,pdf,pptx,brief", "-q", "--force"],
                 ["program", str(ACCOUNTS), "--out", str(out)],
                 ["portfolio", str(ACCOUNTS), "--out", str(out)]):
        result = runner.invoke(main, args + TODAY, catch_exceptions=False)
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def english_and_pseudo(tmp_path_factory):
    """Build the examples in English, then in the pseudo-language (workers are forked from
    this process, so they inherit the patched catalog lookup)."""
    english = tmp_path_factory.mktemp("english")
    build_everything(english)
    patch = pytest.MonkeyPatch()
    patch.setattr(words, "translations_for", lambda locale, wording=None: Pseudo())
    try:
        with words.speaking(None, Pseudo()):  # the program, portfolio and index too
            pseudo_out = tmp_path_factory.mktemp("pseudo")
            build_everything(pseudo_out)
    finally:
        patch.undo()
    return documents_text(english), documents_text(pseudo_out)


def test_no_fixed_english_text_bypasses_the_catalog(english_and_pseudo):
    english, translated = english_and_pseudo
    allowed = data_words()
    assert set(english) == set(translated)
    kinds = {Path(name).suffix for name in translated}
    assert kinds == {".docx", ".pdf", ".pptx", ".html"}
    assert any("briefs" in name for name in translated)
    # Today's English documents are full of fixed words that are not data (so the check
    # below can fail): headings, labels, states, notes.
    fixed = set().union(*english_words(english, allowed).values())
    assert len(fixed) > 120, sorted(fixed)
    assert {"Partnership", "Milestone", "Stalled", "Baseline", "Agenda", "Page",
            "Verdict", "Churn", "Playbooks", "Portfolio"} <= fixed
    # ... and in the pseudo-language not one of them is left, in any document.
    assert english_words(translated, allowed) == {}


def test_the_pseudo_language_reaches_notes_charts_properties_and_page_counters(
        english_and_pseudo):
    _, translated = english_and_pseudo
    deck = translated["northwind-freight/northwind-freight-qbr-2026-Q4.pptx"]
    plan = translated["northwind-freight/northwind-freight-success-plan.pdf"]
    docx = translated["northwind-freight/northwind-freight-success-plan.docx"]
    assert pseudo("Next QBR: {day}").split("{")[0] in deck  # speaker notes
    assert pseudo("Baseline {value}").split("{")[0] in deck  # a chart's label
    assert pseudo("Quarterly business review {quarter}").format(quarter="Q4 2026") in deck
    counter = re.escape(pseudo("Page {page} of {pages}")).replace(r"\{page\}", "1")
    assert re.search(counter.replace(r"\{pages\}", r"\d+"), plan)  # however many pages
    assert pseudo("Joint success plan") in docx  # title and subject in the file properties


# ----------------------------------------------------------------------------- plurals

def _write_catalog(tmp_path: Path) -> Path:
    """Write a German .po with a plural message, as ``pybabel init`` lays it out."""
    catalog = Catalog(locale="de", domain=words.DOMAIN)
    catalog.add(("{done} of {total} milestone done", "{done} of {total} milestones done"),
                ("{done} von {total} Meilenstein erledigt",
                 "{done} von {total} Meilensteinen erledigt"))
    catalog.add("Agenda", "Tagesordnung")
    po = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    with po.open("wb") as fp:
        write_po(fp, catalog)
    return po


def test_plural_forms_follow_the_catalog(tmp_path, monkeypatch):
    po = _write_catalog(tmp_path)
    import csplan.locale

    monkeypatch.setattr(csplan.locale, "root", lambda: tmp_path)
    words.translations_for.cache_clear()
    words._catalog_translations.cache_clear()
    try:
        with words.speaking("de-DE"):
            assert words.language() == "de"
            assert words._("Agenda") == "Tagesordnung"
            one = words.ngettext("{done} of {total} milestone done",
                                 "{done} of {total} milestones done", 1)
            two = words.ngettext("{done} of {total} milestone done",
                                 "{done} of {total} milestones done", 2)
            assert one.format(done=0, total=1) == "0 von 1 Meilenstein erledigt"
            assert two.format(done=1, total=2) == "1 von 2 Meilensteinen erledigt"
        # outside the block, and for a language without a catalog: the source English
        assert words._("Agenda") == "Agenda"
        with words.speaking("fr-FR"):
            assert words.ngettext("{n} day", "{n} days", 2) == "{n} days"
    finally:
        words.translations_for.cache_clear()
        words._catalog_translations.cache_clear()
    assert po.is_file()


def test_a_catalog_changes_the_code_hash(tmp_path):
    """A new or changed .po rebuilds every account (the cache's code hash covers it)."""
    import shutil

    package = tmp_path / "csplan"
    shutil.copytree(ROOT / "generator", package, ignore=shutil.ignore_patterns("__pycache__"))
    roots = (package, ROOT / "templates", ROOT / "brand")
    before = book_module.hash_code(*roots)
    po = package / "locale" / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text('msgid "Agenda"\nmsgstr "Tagesordnung"\n', encoding="utf-8")
    assert book_module.hash_code(*roots) != before


def test_no_string_literal_hides_inside_a_gettext_call():
    """Babel 2.14 (the declared floor) extracts every string literal inside ``_()``, a dict key
    too: ``_(STATES["stalled"])`` would make "stalled" a message there but not on newer Babel,
    so the pot would differ by Babel version. Only the message itself may be a literal."""
    import ast

    found = []
    for path in (ROOT / "generator").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id in ("_", "N_") and node.args \
                    and not isinstance(node.args[0], ast.Constant):
                found += [f"{path.name}:{node.lineno}" for inner in ast.walk(node.args[0])
                          if isinstance(inner, ast.Constant) and isinstance(inner.value, str)]
    assert not found, found
