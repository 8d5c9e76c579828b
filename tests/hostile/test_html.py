"""The HTML csplan writes: index.html, portfolio.html and the HTML each PDF is made from.

Every value from an account, a file name or a finding is escaped, so markup in them is shown
as text; every page carries a Content-Security-Policy under which no script can run.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from markupsafe import escape

from csplan.build import account as build_module
from csplan.inputs.brand import load_brand
from csplan.paths import BRAND, CONTENT_SECURITY_POLICY
from csplan.inputs.program import Programs
from csplan.rules.engine import check_file
from csplan.inputs.program import Program
from csplan.render import pdf as pdf_module
from tests.conftest import ACCOUNTS, TODAY, replace_once
from tests.hostile.conftest import csplan

EVIL = "<img src=x onerror=alert(1)><script>alert(2)</script>"
EVIL_FILE = "<img src=x onerror=alert(3)><script>alert(4).yaml"  # no '/' in a file name


class _Elements(HTMLParser):
    """Collects every element and its attributes, and where the CSP meta sits."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.elements


def assert_inert(html: str) -> None:
    """No element or attribute of the page came from a value: no script, no image, no on*."""
    found = elements(html)
    assert not [tag for tag, _ in found if tag in ("script", "img", "iframe", "object")], html
    assert not [name for _, attrs in found for name in attrs if name.startswith("on")]
    assert "<script" not in html and "<img" not in html


def assert_csp(html: str) -> None:
    """The page's first element in <head> after the charset is the CSP meta."""
    found = elements(html)
    tags = [tag for tag, _ in found]
    assert tags[:3] == ["html", "head", "meta"] and found[2][1].get("charset") == "utf-8"
    tag, attrs = found[3]
    assert tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy", found[:5]
    policy = attrs["content"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'" and "script-src" not in directives


def evil_book(tmp_path: Path) -> Path:
    """Northwind with markup in its name and its CSM's name, and an unreadable file named
    with markup whose finding quotes markup."""
    folder = tmp_path / "book"
    (folder / "logos").mkdir(parents=True)
    shutil.copy(ACCOUNTS / "logos" / "northwind.png", folder / "logos" / "northwind.png")
    text = (ACCOUNTS / "northwind-freight.yaml").read_text(encoding="utf-8")
    text = replace_once(text, "  name: Northwind Freight\n", f"  name: 'Northwind {EVIL}'\n")
    text = replace_once(text, "name: Priya Shah,", f"name: 'Priya {EVIL}',")
    (folder / "northwind-freight.yaml").write_text(text, encoding="utf-8")
    (folder / EVIL_FILE).write_text(text + f'"{EVIL}": 1\n', encoding="utf-8")
    return folder


def test_the_index_shows_markup_in_names_files_and_findings_as_text(tmp_path):
    book, out = evil_book(tmp_path), tmp_path / "out"
    result = csplan("build", book, "--out", out, "--formats", "docx")
    assert result.exit_code == 1, result.output  # the markup-named file fails
    [index] = out.rglob("index.html")
    html = index.read_text(encoding="utf-8")
    assert_inert(html)
    assert_csp(html)
    assert f"Northwind {escape(EVIL)}" in html  # the account name
    assert str(escape(EVIL_FILE)) in html  # the file name
    assert re.search(rf"{re.escape(str(escape(EVIL_FILE)))}:\d+:1: error SCHEMA unknown key "
                     rf"&#39;{re.escape(str(escape(EVIL)))}&#39;", html), html  # its finding
    # the links to the documents still work: plain relative links to the files written
    [link] = [attrs["href"] for tag, attrs in elements(html) if tag == "a"]
    assert re.fullmatch(r"[a-z0-9./-]+-success-plan\.docx", link), link
    assert (index.parent / link).is_file()


def test_the_portfolio_shows_markup_in_names_files_and_findings_as_text(tmp_path):
    book, out = evil_book(tmp_path), tmp_path / "out"
    result = csplan("portfolio", book, "--out", out)
    assert result.exit_code == 1, result.output  # one file could not be read
    [page] = out.rglob("portfolio.html")
    html = page.read_text(encoding="utf-8")
    assert_inert(html)
    assert_csp(html)
    assert f"Northwind {escape(EVIL)}" in html and f"Priya {escape(EVIL)}" in html
    assert str(escape(EVIL_FILE)) in html
    assert f"unknown key &#39;{escape(EVIL)}&#39;" in html


def test_every_html_handed_to_weasyprint_has_the_policy_and_still_renders(tmp_path,
                                                                          monkeypatch):
    pages: list[str] = []
    real = pdf_module.html_to_pdf

    def spy(html, *args, **kwargs):
        pages.append(html)
        return real(html, *args, **kwargs)

    monkeypatch.setattr(pdf_module, "html_to_pdf", spy)
    book = evil_book(tmp_path)
    brand, program = load_brand(BRAND), Program.default()
    checked = check_file(book / "northwind-freight.yaml", Programs().for_account(book / "x"),
                         TODAY)
    out = tmp_path / "out"
    result = build_module.render_account(checked, "northwind", brand, out, ("pdf", "brief"))
    assert result.status == "built", result.findings
    written, problems = build_module.program_documents([], program, brand, out, TODAY, ("pdf",))
    assert [p.name for p in written] == ["cs-program.pdf"] and not problems
    assert len(pages) == 3  # plan, brief, program
    for html in pages:
        assert_csp(html)
        assert EVIL not in html
