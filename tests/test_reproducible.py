"""Reproducible documents: the same account, brand, program and date give the same bytes.

Two builds at different real times, from different folders, give byte-identical DOCX, PDF
and PPTX; file properties say what the file is (title, subject, author, language, company,
the build's date), never a library's or a template's defaults, and never internal data.
"""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import docx
import pptx
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from csplan.cli import main
from csplan.paths import BRAND
from tests.conftest import ACCOUNTS

SLUG = "northwind-freight"
NAMES = {"docx": f"{SLUG}-success-plan.docx", "pdf": f"{SLUG}-success-plan.pdf",
         "pptx": f"{SLUG}-qbr-2026-Q4.pptx"}
TODAY = datetime(2026, 11, 23, tzinfo=timezone.utc)
EPOCH = 1767225600  # 2026-01-01T00:00:00Z
LIBRARY_DEFAULTS = ("python-docx", "python-pptx", "Steve Canny", "Microsoft Macintosh",
                    "XlsxWriter", "Microsoft Excel", "Office Theme", "generated")
INTERNAL = ("multi-year pricing", "James prefers", "health", "Internal")


def place(root: Path) -> Path:
    """Copy the Northwind account and its logo into ``root`` (a folder of its own)."""
    folder = root / "accounts"
    (folder / "logos").mkdir(parents=True)
    shutil.copy(ACCOUNTS / "northwind-freight.yaml", folder)
    shutil.copy(ACCOUNTS / "logos" / "northwind.png", folder / "logos")
    return folder / "northwind-freight.yaml"


def build(root: Path, monkeypatch, *extra: str) -> dict[str, bytes]:
    """Build Northwind from a copy under ``root``, from ``root`` as working folder."""
    account = place(root)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["build", str(account), "--out", "out", "--today",
                                       "2026-11-23", "--quiet", *extra],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return {fmt: (root / "out" / SLUG / name).read_bytes() for fmt, name in NAMES.items()}


def later(monkeypatch, seconds: float) -> None:
    """Move the clock: a real pause (the second changes) and ``time.time`` a year ahead."""
    time.sleep(1.1)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


def utc(moment: datetime) -> datetime:
    """python-docx reads property dates as UTC, python-pptx as naive UTC."""
    return moment.replace(tzinfo=timezone.utc)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def properties_text(data: bytes) -> str:
    """Return every docProps part of a package and of the packages embedded in it."""
    text = ""
    for name, blob in parts(data).items():
        if name.startswith("docProps/") and name.endswith(".xml"):
            text += blob.decode("utf-8")
        elif name.endswith(".xlsx"):
            text += properties_text(blob)
    return text


@pytest.fixture
def clean_env(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


@pytest.fixture
def built(tmp_path_factory, clean_env, monkeypatch) -> dict[str, bytes]:
    return build(tmp_path_factory.mktemp("built"), monkeypatch)


def test_two_builds_at_different_times_and_places_give_the_same_bytes(
        tmp_path, clean_env, monkeypatch):
    first = build(tmp_path / "one", monkeypatch)
    later(monkeypatch, 365 * 86400)
    second = build(tmp_path / "elsewhere" / "two", monkeypatch)
    for fmt in NAMES:
        assert first[fmt] == second[fmt], f"the {fmt} differs between two builds"
    ids = [PdfReader(io.BytesIO(b["pdf"])).trailer["/ID"] for b in (first, second)]
    assert ids[0] and ids[0] == ids[1]


def test_zip_entries_are_canonical(built):
    for fmt in ("docx", "pptx"):
        with zipfile.ZipFile(io.BytesIO(built[fmt])) as z:
            infos = z.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
        for info in infos:
            assert info.date_time == (2026, 11, 23, 0, 0, 0), info.filename
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.extra == b"" and info.comment == b""
            assert info.create_system == 3 and info.external_attr == 0o644 << 16


def test_source_date_epoch_sets_every_date_and_builds_stay_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = build(tmp_path / "one", monkeypatch)
    later(monkeypatch, 2 * 86400)
    second = build(tmp_path / "two", monkeypatch)
    assert first == second
    when = datetime.fromtimestamp(EPOCH, timezone.utc)
    for props in (docx.Document(io.BytesIO(first["docx"])).core_properties,
                  pptx.Presentation(io.BytesIO(first["pptx"])).core_properties):
        assert utc(props.created) == utc(props.modified) == when
    info = PdfReader(io.BytesIO(first["pdf"])).metadata
    assert info["/CreationDate"] == info["/ModDate"] == "D:20260101000000Z"
    with zipfile.ZipFile(io.BytesIO(first["pptx"])) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 1, 1, 0, 0, 0)}


def test_a_malformed_source_date_epoch_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = CliRunner().invoke(main, ["build", str(place(tmp_path)), "--out",
                                       str(tmp_path / "out"), "--today", "2026-11-23"])
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.output and "yesterday" in result.output
    assert not (tmp_path / "out" / SLUG).exists()


@pytest.mark.parametrize("fmt", ["docx", "pptx"])
def test_office_properties_say_what_the_file_is(built, fmt):
    if fmt == "docx":
        props = docx.Document(io.BytesIO(built["docx"])).core_properties
        title, subject = "Northwind Freight: Joint success plan", "Joint success plan"
    else:
        props = pptx.Presentation(io.BytesIO(built["pptx"])).core_properties
        title, subject = "Northwind Freight: QBR Q4 2026", "Quarterly business review Q4 2026"
    assert props.title == title
    assert props.subject.startswith(subject) and "Fleetline" in props.subject
    assert props.author == props.last_modified_by == "Priya Shah"
    assert props.language == "en-US"
    assert utc(props.created) == utc(props.modified) == TODAY
    assert props.last_printed is None
    assert props.revision == 1
    assert props.comments == ""
    text = properties_text(built[fmt])
    for default in LIBRARY_DEFAULTS + INTERNAL:
        assert default not in text, f"{default!r} in the {fmt}'s file properties"
    app = parts(built[fmt])["docProps/app.xml"].decode()
    assert "<Application>csplan</Application>" in app
    assert "<Company>Fleetline</Company>" in app
    assert "docProps/thumbnail.jpeg" not in parts(built[fmt]), "a template's stale preview"


def test_the_docx_declares_word_2013_compatibility(built):
    settings = parts(built["docx"])["word/settings.xml"].decode()
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" ' \
           'w:val="15"' in settings
    assert settings.count('w:name="compatibilityMode"') == 1


def test_a_reference_without_compat_settings_gets_them_in_word_s_order():
    from docx.oxml.ns import qn

    from csplan.render.docx import _word_2013

    settings = docx.Document().settings.element
    settings.remove(settings.find(qn("w:compat")))
    _word_2013(settings)
    _word_2013(settings)
    tags = [child.tag for child in settings]
    assert tags.count(qn("w:compat")) == 1
    assert tags.index(qn("w:compat")) < tags.index(qn("w:rsids"))
    modes = settings.find(qn("w:compat")).findall(qn("w:compatSetting"))
    assert [(m.get(qn("w:name")), m.get(qn("w:val"))) for m in modes] == [
        ("compatibilityMode", "15")]


def test_the_pdf_info_says_what_the_file_is(built):
    reader = PdfReader(io.BytesIO(built["pdf"]))
    info = reader.metadata
    assert info["/Title"] == "Northwind Freight: Joint success plan"
    assert info["/Author"] == "Priya Shah"
    assert info["/Subject"].startswith("Joint success plan")
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261123000000Z"
    assert info["/Creator"] == "csplan"
    assert reader.trailer["/Root"]["/Lang"] == "en-US"
    assert len(reader.trailer["/ID"]) == 2
    for value in info.values():
        for secret in INTERNAL:
            assert secret not in str(value)


def test_a_company_template_s_own_properties_do_not_leak(tmp_path, clean_env, monkeypatch):
    brand = tmp_path / "brand"
    shutil.copytree(BRAND, brand)
    reference = docx.Document(str(brand / "reference.docx"))
    reference.core_properties.author = "Template Maker Ltd"
    reference.core_properties.comments = "draft styles, do not use"
    reference.save(str(brand / "reference.docx"))
    master = pptx.Presentation(str(brand / "master.pptx"))
    master.core_properties.author = "Template Maker Ltd"
    master.save(str(brand / "master.pptx"))
    files = build(tmp_path / "b", monkeypatch, "--brand", str(brand))
    for fmt in ("docx", "pptx"):
        text = properties_text(files[fmt])
        assert "Template Maker" not in text and "do not use" not in text
        assert "Priya Shah" in text


def test_internal_documents_are_reproducible_too(tmp_path, clean_env, monkeypatch):
    def internal(root: Path) -> dict[str, bytes]:
        account = place(root)
        monkeypatch.chdir(root)
        runner = CliRunner()
        for args in (["brief", str(account)], ["program", str(account.parent)]):
            result = runner.invoke(main, [*args, "--out", "out", "--today", "2026-11-23"],
                                   catch_exceptions=False)
            assert result.exit_code == 0, result.output
        out = root / "out"
        return {p.name: p.read_bytes() for p in sorted(out.rglob("*"))
                if p.suffix in (".pdf", ".docx")}

    first = internal(tmp_path / "one")
    later(monkeypatch, 30 * 86400)
    second = internal(tmp_path / "two")
    assert sorted(first) == ["cs-program.docx", "cs-program.pdf",
                             f"{SLUG}-qbr-prep-internal.pdf"]
    assert first == second
    props = docx.Document(io.BytesIO(first["cs-program.docx"])).core_properties
    assert props.author == "Fleetline" and utc(props.created) == TODAY
    assert "python-docx" not in properties_text(first["cs-program.docx"])
    brief = PdfReader(io.BytesIO(first[f"{SLUG}-qbr-prep-internal.pdf"])).metadata
    assert brief["/CreationDate"] == "D:20261123000000Z"



@pytest.mark.parametrize("name", ["reference.docx", "master.pptx"])
def test_the_default_brand_s_templates_carry_no_library_defaults(name):
    data = (BRAND / name).read_bytes()
    text = properties_text(data)
    for default in LIBRARY_DEFAULTS:
        assert default not in text, f"{default!r} in brand/{name}; run brand/make_default.py"
    assert "<dc:creator>Fleetline</dc:creator>" in text
    assert "docProps/thumbnail.jpeg" not in parts(data)


def test_a_package_without_properties_gets_them_and_normalising_twice_changes_nothing():
    from lxml import etree

    from csplan.views.docinfo import DocInfo, office_package

    out = io.BytesIO()
    docx.Document().save(out)
    package = parts(out.getvalue())
    for name in ("docProps/app.xml", "docProps/core.xml", "docProps/thumbnail.jpeg"):
        del package[name]
    rels = etree.fromstring(package["_rels/.rels"])
    for rel in list(rels):
        if not rel.get("Type").endswith("/officeDocument"):
            rels.remove(rel)
    package["_rels/.rels"] = etree.tostring(rels)
    bare = io.BytesIO()
    with zipfile.ZipFile(bare, "w") as z:
        for name, blob in package.items():
            z.writestr(name, blob)
    info = DocInfo("A title", "Priya Shah", TODAY, company="Fleetline", language="de-DE")
    once = office_package(bare.getvalue(), info)
    assert office_package(once, info) == once
    document = docx.Document(io.BytesIO(once))
    assert document.core_properties.title == "A title"
    assert document.core_properties.language == "de-DE"
    assert "<Company>Fleetline</Company>" in parts(once)["docProps/app.xml"].decode()
    types = parts(once)["[Content_Types].xml"].decode()
    assert types.count('PartName="/docProps/core.xml"') == 1
    assert types.count('PartName="/docProps/app.xml"') == 1
