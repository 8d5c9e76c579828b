"""Hostile Office templates in a brand folder: what a DOCX reference or PPTX master carries is
copied into every customer file, so code and remote fetches are refused (exit 2, naming the
file and the part), other external links are dropped with a warning, and every XML part is
checked whole."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.hostile.conftest import csplan, rewrite

CT_DOCM = b"application/vnd.ms-word.document.macroEnabled.main+xml"
CT_DOCX = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def add_rels(data: bytes, *rels: str) -> bytes:
    return data.replace(b"</Relationships>", "".join(rels).encode() + b"</Relationships>")


def external(rid: str, kind: str, target: str) -> str:
    return (f'<Relationship Id="{rid}" Type="{REL}/{kind}" Target="{target}" '
            'TargetMode="External"/>')


def build(book, tmp_path, brand, *formats):
    return csplan("build", book, "--out", tmp_path / "out", "--brand", brand,
                  "--formats", ",".join(formats or ("docx", "pptx")))


def output_parts(out: Path) -> dict[str, bytes]:
    """Return every part of every DOCX and PPTX under ``out``, by 'file:part'."""
    parts = {}
    for package in [*out.rglob("*.docx"), *out.rglob("*.pptx")]:
        with zipfile.ZipFile(package) as z:
            parts.update({f"{package.name}:{n}": z.read(n) for n in z.namelist()})
    return parts


@pytest.mark.parametrize("package, part", [("master.pptx", "ppt/presentation.xml"),
                                           ("reference.docx", "word/styles.xml")])
def test_a_doctype_after_a_long_prefix_is_refused(brand, book, tmp_path, package, part):
    def add_doctype(name, data):
        if name == part:
            data = data.replace(b"?>", b"?><!--" + b"x" * 5000 + b'--><!DOCTYPE t [<!ENTITY x '
                                b'SYSTEM "file:///etc/passwd">]>', 1)
        yield name, data
    rewrite(brand / package, add_doctype)
    result = build(book, tmp_path, brand)
    assert result.exit_code == 2, result.output
    assert f"{brand / package}: part {part} declares a DOCTYPE" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_a_package_with_too_many_parts_is_refused(brand, book, tmp_path):
    def add_parts(name, data):
        yield name, data
        if name == "[Content_Types].xml":
            for i in range(2_001):
                yield f"ppt/media/p{i}.xml", b"<a/>"
    parts = len(zipfile.ZipFile(brand / "master.pptx").namelist()) + 2_001
    rewrite(brand / "master.pptx", add_parts)
    result = build(book, tmp_path, brand)
    assert result.exit_code == 2 and f"has {parts} parts (at most 2000)" in result.output


@pytest.mark.parametrize("package, change, message", [
    ("reference.docx",
     lambda n, d: [(n, d.replace(CT_DOCX, CT_DOCM) if n == "[Content_Types].xml" else d)],
     "part word/document.xml (application/vnd.ms-word.document.macroEnabled.main+xml) is a "
     "macro"),
    ("reference.docx",
     lambda n, d: [(n, d)] + ([("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")]
                              if n == "[Content_Types].xml" else []),
     "word/vbaProject.bin"),
    ("master.pptx",
     lambda n, d: [(n, d.replace(b"</Types>", b'<Override PartName="/ppt/activeX/activeX1.xml" '
                                 b'ContentType="application/vnd.ms-office.activeX+xml"/></Types>')
                    if n == "[Content_Types].xml" else d)]
     + ([("ppt/activeX/activeX1.xml", b"<ax/>")] if n == "[Content_Types].xml" else []),
     "part ppt/activeX/activeX1.xml (application/vnd.ms-office.activeX+xml) is a macro, "
     "ActiveX control or OLE object"),
])
def test_macros_in_a_template_are_refused(brand, book, tmp_path, package, change, message):
    rewrite(brand / package, change)
    result = build(book, tmp_path, brand)
    assert result.exit_code == 2, result.output
    assert f"{brand / package}: " in result.output and message in result.output
    assert "Traceback" not in result.output and "please report it" not in result.output


def test_a_renamed_docm_reference_is_refused(brand, book, tmp_path):
    def docm(name, data):
        yield name, data.replace(CT_DOCX, CT_DOCM) if name == "[Content_Types].xml" else data
    rewrite(brand / "reference.docx", docm)
    (brand / "reference.docx").rename(brand / "reference.docm")
    spec = (brand / "brand.yaml").read_text()
    (brand / "brand.yaml").write_text(spec.replace("reference.docx", "reference.docm"))
    result = build(book, tmp_path, brand, "docx")
    assert result.exit_code == 2 and f"{brand / 'reference.docm'} is a macro-enabled file " \
        "(.docm)" in result.output and "save it as .docx or .dotx" in result.output


def test_a_relationship_to_a_part_without_content_type_is_refused(brand, book, tmp_path):
    def add_part(name, data):
        if name == "word/_rels/document.xml.rels":
            data = add_rels(data, f'<Relationship Id="rId99" Type="{REL}/image" '
                                  'Target="media/odd.xyz"/>')
        yield name, data
        if name == "[Content_Types].xml":
            yield "word/media/odd.xyz", b"odd"
    rewrite(brand / "reference.docx", add_part)
    result = build(book, tmp_path, brand, "docx")
    assert result.exit_code == 2, result.output
    assert f"{brand / 'reference.docx'}: part word/media/odd.xyz has no content type" \
        in result.output and "please report it" not in result.output


@pytest.mark.parametrize("target", ["https://templates.example/t.dotm",
                                    r"\\fileserver\share\t.dotm"])
def test_a_remote_attached_template_is_refused(brand, book, tmp_path, target):
    def attach(name, data):
        if name == "word/settings.xml":
            data = data.replace(b'<w:zoom ', b'<w:attachedTemplate r:id="rId1"/><w:zoom ', 1)
        yield name, data
        if name == "word/settings.xml":
            yield ("word/_rels/settings.xml.rels",
                   f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
                   f'{external("rId1", "attachedTemplate", target)}</Relationships>'.encode())
    rewrite(brand / "reference.docx", attach)
    result = build(book, tmp_path, brand)
    assert result.exit_code == 2, result.output
    assert f"{brand / 'reference.docx'}: word/settings.xml attaches the remote template " \
           f"{target}" in result.output


def test_external_links_in_templates_are_dropped_from_every_output(brand, book, tmp_path):
    def docx_links(name, data):
        if name == "word/settings.xml":
            data = data.replace(b'<w:zoom ', b'<w:attachedTemplate r:id="rId1"/><w:zoom ', 1)
        if name == "word/document.xml":
            data = data.replace(b"<w:body>", '<w:body><w:p><w:hyperlink r:id="rId90"><w:r><w:t>'
                                'x</w:t></w:r></w:hyperlink></w:p>'.encode())
        if name == "word/_rels/document.xml.rels":
            data = add_rels(data, external("rId90", "hyperlink", "https://canary.example/doc"),
                            external("rId91", "image", "https://canary.example/pixel.png"))
        yield name, data
        if name == "word/settings.xml":
            yield ("word/_rels/settings.xml.rels",
                   f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS_NS}">'
                   f'{external("rId1", "attachedTemplate", "file:///C:/Users/jane.doe/N.dotm")}'
                   '</Relationships>'.encode())

    def pptx_links(name, data):
        if name == "ppt/slideMasters/slideMaster1.xml":
            data = data.replace(b'name="Title Placeholder 1"/>', b'name="Title Placeholder 1">'
                                b'<a:hlinkClick r:id="rId90"/></p:cNvPr>')
            data = data.replace(b'<p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/></p:bgRef>'
                                b'</p:bg>', b'<p:bg><p:bgPr><a:blipFill><a:blip r:link="rId91"/>'
                                b'<a:stretch><a:fillRect/></a:stretch></a:blipFill><a:effectLst/>'
                                b'</p:bgPr></p:bg>')
        if name == "ppt/slideMasters/_rels/slideMaster1.xml.rels":
            data = add_rels(data, external("rId90", "hyperlink", "https://canary.example/deck"),
                            external("rId91", "image", "https://canary.example/bg.png"))
        yield name, data

    rewrite(brand / "reference.docx", docx_links)
    rewrite(brand / "master.pptx", pptx_links)
    result = build(book, tmp_path, brand)
    assert result.exit_code == 0, result.output
    assert (f"{brand / 'master.pptx'}: warning BRAND dropped external links that every document "
            "would carry: https://canary.example/deck, https://canary.example/bg.png") \
        in result.output
    assert f"{brand / 'reference.docx'}: warning BRAND dropped" in result.output
    assert "file:///C:/Users/jane.doe/N.dotm" in result.output
    parts = output_parts(tmp_path / "out")
    assert any(name.endswith(".pptx:ppt/slideMasters/slideMaster1.xml") for name in parts)
    assert any(name.endswith(".docx:word/settings.xml") for name in parts)
    for name, data in parts.items():
        assert b"canary.example" not in data and b"jane.doe" not in data, name
        assert b"attachedTemplate" not in data and b"hlinkClick" not in data, name
        assert not name.lower().endswith("vbaproject.bin")


def test_the_default_templates_are_left_as_they_are(tmp_path):
    from csplan.inputs.brand import load_brand
    from csplan.paths import BRAND

    brand = load_brand(BRAND)
    assert brand.warnings == ()
    for package, data in (("reference.docx", brand.docx_reference),
                          ("master.pptx", brand.pptx_master)):
        with zipfile.ZipFile(BRAND / package) as original, zipfile.ZipFile(
                io.BytesIO(data)) as cleaned:
            assert original.namelist() == cleaned.namelist()
            assert all(original.read(n) == cleaned.read(n) for n in original.namelist())


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.mark.parametrize("field", [
    [' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" '],
    [' INCLUDEPICTURE "http://evil.example/p', 'ixel.png" \\d '],  # split over two runs
    [' IN', 'CLUDETEXT "\\\\\\\\server\\\\share\\\\x.docx" '],
])
def test_word_fields_that_fetch_or_run_are_refused(brand, book, tmp_path, field):
    runs = "".join(f'<w:r><w:instrText xml:space="preserve">{part}</w:instrText></w:r>'
                   for part in field)
    paragraph = (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
                 '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')

    def add_field(name, data):
        if name == "word/document.xml":
            data = data.replace(b"<w:body>", b"<w:body>" + paragraph.encode(), 1)
        yield name, data

    rewrite(brand / "reference.docx", add_field)
    result = build(book, tmp_path, brand, "docx")
    assert result.exit_code == 2, result.output
    assert "reference.docx" in result.output and "word/document.xml has a" in result.output
    assert "field, which fetches a file or runs a program" in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()


def test_a_simple_active_field_is_refused_and_page_fields_are_not(brand, book, tmp_path):
    def add_field(name, data):
        if name == "word/document.xml":
            data = data.replace(b"<w:body>", (
                '<w:body><w:p><w:fldSimple w:instr=" PAGE "/></w:p>'
                '<w:p><w:fldSimple w:instr=" NUMPAGES "/></w:p>').encode(), 1)
        yield name, data

    rewrite(brand / "reference.docx", add_field)
    assert build(book, tmp_path, brand, "docx").exit_code == 0
    rewrite(brand / "reference.docx", lambda name, data: [(name, data.replace(
        b'w:instr=" NUMPAGES "', b'w:instr=" LINK Excel.Sheet.8 C:\\\\x.xlsx "'))])
    result = build(book, tmp_path, brand, "docx")
    assert result.exit_code == 2 and "has a LINK field" in result.output, result.output
