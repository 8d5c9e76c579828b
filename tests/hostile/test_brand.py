"""Hostile brand folders: broken or booby-trapped Office templates, templates that try to
reach Python internals or the network. A bad brand is a configuration error (exit 2) or
fails the build with a message; nothing is executed, fetched or read outside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.hostile.conftest import csplan, rewrite


@pytest.mark.parametrize("package", ["master.pptx", "reference.docx"])
def test_a_doctype_in_a_template_is_refused(brand, book, tmp_path, package):
    def add_doctype(name, data):
        if name == "[Content_Types].xml":
            data = data.replace(b"?>", b'?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
                                1)
        yield name, data
    rewrite(brand / package, add_doctype)
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand)
    assert result.exit_code == 2
    assert "declares a DOCTYPE" in result.output and "Traceback" not in result.output


def test_a_compression_bomb_member_is_refused(brand, book, tmp_path):
    def add_bomb(name, data):
        yield name, data
        if name == "[Content_Types].xml":
            yield "ppt/media/bomb.bin", b"\0" * 30_000_000
    rewrite(brand / "master.pptx", add_bomb)
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand)
    assert result.exit_code == 2 and "compression bomb" in result.output


def test_a_huge_package_is_refused(brand, book, tmp_path):
    import os

    def add_noise(name, data):
        yield name, data
        if name == "[Content_Types].xml":
            for i in range(6):
                yield f"ppt/media/noise{i}.bin", os.urandom(9_000_000)
    rewrite(brand / "master.pptx", add_noise)
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand)
    assert result.exit_code == 2 and "unpacks to" in result.output


@pytest.mark.parametrize("package", ["master.pptx", "reference.docx"])
def test_a_template_that_is_not_a_package_is_refused(brand, book, tmp_path, package):
    (brand / package).write_text("<html>not an office file</html>")
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand)
    assert result.exit_code == 2 and "not a valid DOCX/PPTX package" in result.output


@pytest.mark.parametrize("template, message, code", [
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "SecurityError", 2),
    ("{{ cycler.__init__.__globals__.os.system('touch /tmp/csplan-pwned') }}",
     "SecurityError", 2),
    ('{% extends "csplan/plan.html.j2" %}{% block titlepage %}<img alt="x" '
     'src="http://127.0.0.1:9/x.png">{% endblock %}', "refused to fetch", 1),
    ('{% extends "csplan/plan.html.j2" %}{% block titlepage %}<link rel="stylesheet" '
     'href="file:///etc/passwd">{% endblock %}', "refused to read", 1),
    ('{% include "/etc/passwd" %}', "TemplateNotFound", 2),
    ('{% include "../../../../../../etc/passwd" %}', "TemplateNotFound", 2),
    ('{% extends "plan.html.j2" %}', "extends or includes itself", 2),
])
def test_brand_templates_are_sandboxed_and_cannot_fetch(brand, book, tmp_path, template,
                                                         message, code):
    (brand / "templates").mkdir()
    (brand / "templates" / "plan.html.j2").write_text(template)
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand,
                    "--formats", "pdf")
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output
    if code == 2:  # a template problem is the brand's: found once, before any account
        assert f"brand template {brand / 'templates' / 'plan.html.j2'}" in result.output
        assert not list(tmp_path.rglob("*.pdf"))
    assert not Path("/tmp/csplan-pwned").exists()


ENDLESS = [
    ('{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}',
     "ran for more than 1 s"),
    ('{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', "calls itself without end"),
    ('{{ "x" * 10 ** 10 }}', "SecurityError: '*' would make a value of 10000000000 items"),
    ('{{ 10 ** 100000000 }}', "exponent too large"),
    ('{% for i in range(99999) %}{{ "x" * 999999 }}{% endfor %}',
     "writes more than 20,000,000 characters"),
]


@pytest.mark.parametrize("template, message", ENDLESS)
def test_a_brand_template_that_never_ends_is_a_brand_error(brand, book, tmp_path, monkeypatch,
                                                            template, message):
    import time

    from csplan.render import html

    monkeypatch.setattr(html, "RENDER_SECONDS", 1.0)
    (brand / "templates").mkdir()
    (brand / "templates" / "plan.html.j2").write_text(template)
    started = time.monotonic()
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand,
                    "--formats", "docx,pdf")
    assert time.monotonic() - started < 30
    assert result.exit_code == 2, result.output
    assert f"brand template {brand / 'templates' / 'plan.html.j2'}" in result.output
    assert message in result.output and "please report it" not in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.*x"))


def test_a_template_that_breaks_on_one_account_is_a_brand_error(brand, book, tmp_path,
                                                                 monkeypatch):
    """The first account renders (the trial before the workers start); a later one makes the
    template loop: that account fails with the template named, and csplan exits 2."""
    from csplan.render import html

    monkeypatch.setattr(html, "RENDER_SECONDS", 1.0)
    shutil.copy(ROOT / "accounts" / "kurierdienst-elbe.yaml", book)
    (brand / "templates").mkdir()
    (brand / "templates" / "plan.html.j2").write_text(
        '{% extends "csplan/plan.html.j2" %}{% block escalation %}'
        '{% if "Northwind" in plan.account_name %}{% for i in range(99999) %}'
        '{% for j in range(99999) %}{% endfor %}{% endfor %}{% endif %}{% endblock %}')
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand,
                    "--formats", "pdf")
    assert result.exit_code == 2, result.output
    assert f"error BRAND brand template {brand / 'templates' / 'plan.html.j2'} ran for more " \
           "than 1 s" in result.output
    assert len(list((tmp_path / "out").rglob("*.pdf"))) == 1


def test_a_brand_template_syntax_error_is_found_before_any_account(brand, book, tmp_path):
    (brand / "templates").mkdir()
    (brand / "templates" / "plan.html.j2").write_text('{% extends "csplan/plan.html.j2" %}\n'
                                                      "{% block escalation %}{% for %}")
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand)
    assert result.exit_code == 2
    assert f"{brand / 'templates' / 'plan.html.j2'}:2: brand template error" in result.output
    assert not (tmp_path / "out").exists()


def test_a_brand_file_path_cannot_leave_the_folder(brand, book, tmp_path):
    spec = (brand / "brand.yaml").read_text().replace("logo: logo.png", "logo: ../../x.png")
    (brand / "brand.yaml").write_text(spec)
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand)
    assert result.exit_code == 2 and "must be a path inside the brand folder" in result.output


def test_a_brand_font_symlinked_outside_is_refused(brand, book, tmp_path):
    outside = tmp_path / "outside.ttf"
    shutil.copy(brand / "fonts" / "Lato-Bold.ttf", outside)
    (brand / "fonts" / "Lato-Bold.ttf").unlink()
    (brand / "fonts" / "Lato-Bold.ttf").symlink_to(outside)
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand)
    assert result.exit_code == 2 and "must be a file inside" in result.output


def test_a_brand_font_that_is_not_a_font_is_refused_by_name(brand, book, tmp_path):
    (brand / "fonts" / "Lato-Regular.ttf").write_bytes(b"<html>not a font</html>" * 50)
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand)
    assert result.exit_code == 2
    assert "Lato-Regular.ttf is not a TrueType or OpenType font" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_a_brand_template_can_replace_one_block(brand, book, tmp_path):
    from tests.docs import pdf_text

    (brand / "templates").mkdir()
    (brand / "templates" / "plan.html.j2").write_text(
        '{% extends "csplan/plan.html.j2" %}{% block escalation %}<section><h2>8 Who to call'
        '</h2><p>Call the Acme hotline.</p></section>{% endblock %}')
    result = csplan("build", book, "--out", tmp_path / "out", "--brand", brand,
                    "--formats", "pdf")
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "out" / "northwind-freight" / "northwind-freight-success-plan.pdf")
    assert "Call the Acme hotline." in text and "Partnership objectives" in text
    assert "Escalation path" not in text
