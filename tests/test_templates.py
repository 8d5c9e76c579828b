"""A company's own Office templates: .potx masters, .dotx references, several slide masters,
brand problems found once before any account, and ``csplan brand check``.

Every template is made here from the bundled brand with python-pptx, python-docx and edits
of the package's XML, so the suite needs no third-party files.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
from click.testing import CliRunner
from pptx import Presentation

from csplan.cli import main
from tests.conftest import ACCOUNTS, ROOT

TODAY = ["--today", "2026-11-02"]
NORTHWIND = ACCOUNTS / "northwind-freight.yaml"
DECK = "northwind-freight-qbr-2026-Q4.pptx"
PLAN = "northwind-freight-success-plan.docx"
CT = "application/vnd.openxmlformats-officedocument."
PRESENTATION = CT + "presentationml.presentation.main+xml"
POTX = CT + "presentationml.template.main+xml"
DOCUMENT = CT + "wordprocessingml.document.main+xml"
DOTX = CT + "wordprocessingml.template.main+xml"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def build(brand: Path, out: Path, formats: str = "pptx,docx"):
    return run("build", NORTHWIND, "--out", out, "--formats", formats, "--brand", brand, *TODAY)


def copy_brand(tmp_path: Path) -> Path:
    brand = tmp_path / "company-brand"
    shutil.copytree(ROOT / "brand", brand)
    return brand


def edit_zip(source: Path, target: Path, edit) -> None:
    """Write ``target`` as ``source`` with ``edit(parts)`` applied to its {name: bytes}."""
    with zipfile.ZipFile(source) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    edit(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def retype(old: str, new: str):
    def edit(parts):
        types = parts["[Content_Types].xml"].decode()
        assert old in types
        parts["[Content_Types].xml"] = types.replace(old, new).encode()
    return edit


def set_spec(brand: Path, old: str, new: str) -> None:
    spec = (brand / "brand.yaml").read_text()
    assert old in spec
    (brand / "brand.yaml").write_text(spec.replace(old, new))


def main_type(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        types = z.read("[Content_Types].xml").decode()
    assert "template.main" not in types and "macroEnabled" not in types
    part = "/ppt/presentation.xml" if path.suffix == ".pptx" else "/word/document.xml"
    return re.search(rf'PartName="{part}" ContentType="([^"]+)"', types).group(1)


def second_master(parts: dict[str, bytes], prefix: str = "Wide ") -> None:
    """Add a copy of slide master 1 (its theme and its layouts, renamed "Wide <name>")."""
    layouts = sorted((n for n in parts if re.fullmatch(r"ppt/slideLayouts/slideLayout\d+\.xml", n)),
                     key=lambda n: int(re.search(r"(\d+)\.xml", n).group(1)))
    count = len(layouts)
    overrides = []
    rels = parts["ppt/slideMasters/_rels/slideMaster1.xml.rels"].decode()
    for number in range(1, count + 1):
        new = number + count
        xml = parts[f"ppt/slideLayouts/slideLayout{number}.xml"].decode()
        parts[f"ppt/slideLayouts/slideLayout{new}.xml"] = re.sub(
            r'<p:cSld name="([^"]+)"', rf'<p:cSld name="{prefix}\1"', xml).encode()
        parts[f"ppt/slideLayouts/_rels/slideLayout{new}.xml.rels"] = parts[
            f"ppt/slideLayouts/_rels/slideLayout{number}.xml.rels"].replace(
            b"slideMaster1.xml", b"slideMaster2.xml")
        rels = rels.replace(f'Target="../slideLayouts/slideLayout{number}.xml"',
                            f'Target="../slideLayouts/new{new}.xml"')
        overrides.append((f"/ppt/slideLayouts/slideLayout{new}.xml", "slideLayout"))
    rels = rels.replace("slideLayouts/new", "slideLayouts/slideLayout").replace(
        "theme/theme1.xml", "theme/theme2.xml")
    parts["ppt/slideMasters/_rels/slideMaster2.xml.rels"] = rels.encode()
    master = parts["ppt/slideMasters/slideMaster1.xml"].decode()
    master = re.sub(r'<p:sldLayoutId id="(\d+)"',
                    lambda m: f'<p:sldLayoutId id="{int(m.group(1)) + 1000}"', master)
    parts["ppt/slideMasters/slideMaster2.xml"] = master.encode()
    parts["ppt/theme/theme2.xml"] = parts["ppt/theme/theme1.xml"]
    overrides += [("/ppt/slideMasters/slideMaster2.xml", "slideMaster")]
    types = parts["[Content_Types].xml"].decode()
    extra = "".join(f'<Override PartName="{name}" ContentType="{CT}presentationml.{kind}+xml"/>'
                    for name, kind in overrides)
    extra += f'<Override PartName="/ppt/theme/theme2.xml" ContentType="{CT}theme+xml"/>'
    parts["[Content_Types].xml"] = types.replace("</Types>", extra + "</Types>").encode()
    prs_rels = parts["ppt/_rels/presentation.xml.rels"].decode()
    parts["ppt/_rels/presentation.xml.rels"] = prs_rels.replace("</Relationships>", (
        '<Relationship Id="rIdM2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/slideMaster" Target="slideMasters/slideMaster2.xml"/></Relationships>'
    )).encode()
    prs = parts["ppt/presentation.xml"].decode()
    parts["ppt/presentation.xml"] = prs.replace(
        "</p:sldMasterIdLst>", '<p:sldMasterId id="2147484700" r:id="rIdM2"/></p:sldMasterIdLst>'
    ).encode()


def two_masters(tmp_path: Path, edit=second_master) -> Path:
    brand = copy_brand(tmp_path)
    edit_zip(brand / "master.pptx", brand / "two-masters.pptx", edit)
    set_spec(brand, "pptx_master: master.pptx", "pptx_master: two-masters.pptx")
    return brand


# ---------------------------------------------------------------------- .potx and .dotx
def test_a_potx_master_builds_a_pptx_deck(tmp_path):
    brand = copy_brand(tmp_path)
    edit_zip(brand / "master.pptx", brand / "company.potx", retype(PRESENTATION, POTX))
    set_spec(brand, "pptx_master: master.pptx", "pptx_master: company.potx")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    deck = tmp_path / "out" / "northwind-freight" / DECK
    assert main_type(deck) == PRESENTATION
    used = [s.slide_layout.name for s in Presentation(str(deck)).slides]
    assert used[0] == "Title Slide" and "Title Only" in used


def test_a_dotx_reference_builds_a_docx_plan(tmp_path):
    brand = copy_brand(tmp_path)
    edit_zip(brand / "reference.docx", brand / "company.dotx", retype(DOCUMENT, DOTX))
    set_spec(brand, "docx_reference: reference.docx", "docx_reference: company.dotx")
    result = build(brand, tmp_path / "out", "docx")
    assert result.exit_code == 0, result.output
    plan = tmp_path / "out" / "northwind-freight" / PLAN
    assert main_type(plan) == DOCUMENT
    document = docx.Document(str(plan))
    assert "Northwind" in "\n".join(p.text for p in document.paragraphs)
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)


def test_macro_enabled_templates_are_refused_by_name_and_by_type(tmp_path):
    brand = copy_brand(tmp_path)
    shutil.copy(brand / "master.pptx", brand / "company.pptm")
    set_spec(brand, "pptx_master: master.pptx", "pptx_master: company.pptm")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 2, result.output
    assert "company.pptm is a macro-enabled file (.pptm)" in result.output
    assert "save it as .pptx or .potx" in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()

    macro = "application/vnd.ms-powerpoint.template.macroEnabled.main+xml"
    edit_zip(brand / "master.pptx", brand / "company.potx", retype(PRESENTATION, macro))
    set_spec(brand, "pptx_master: company.pptm", "pptx_master: company.potx")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 2, result.output
    assert f"part ppt/presentation.xml ({macro}) is a macro" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()


def test_a_word_template_is_not_accepted_as_a_slide_master(tmp_path):
    brand = copy_brand(tmp_path)
    edit_zip(brand / "reference.docx", brand / "company.dotx", retype(DOCUMENT, DOTX))
    set_spec(brand, "pptx_master: master.pptx", "pptx_master: company.dotx")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 2, result.output
    assert f"the main part is {DOTX}, not a PowerPoint presentation or template" in result.output


# ---------------------------------------------------------------------- several masters
def test_layouts_are_found_in_every_slide_master(tmp_path):
    brand = two_masters(tmp_path)
    assert len(Presentation(str(brand / "two-masters.pptx")).slide_masters) == 2
    set_spec(brand, "  title: Title Slide", "  title: Wide Title Slide")
    set_spec(brand, "  title_only: Title Only", "  title_only: Wide Title Only")
    result = build(brand, tmp_path / "out")
    assert result.exit_code == 0, result.output
    deck = tmp_path / "out" / "northwind-freight" / DECK
    assert main_type(deck) == PRESENTATION
    slides = Presentation(str(deck)).slides
    used = [s.slide_layout.name for s in slides]
    assert used[0] == "Wide Title Slide" and set(used[1:]) == {"Wide Title Only"}
    assert all(s.slide_layout.slide_master.slide_layouts.get_by_name("Wide Title Slide")
               for s in slides)


def test_a_missing_layout_is_one_configuration_error_before_any_account(tmp_path):
    brand = two_masters(tmp_path)
    set_spec(brand, "  content: Title and Content", "  content: Agenda")
    out = tmp_path / "out"
    result = build(brand, out)
    assert result.exit_code == 2, result.output
    assert "has no layout 'Agenda' for content slides; set pptx_layouts.content in " \
           "brand.yaml to one of: master 1: Title Slide, Title and Content" in result.output
    assert "master 2: Wide Title Slide, Wide Title and Content" in result.output
    assert result.output.count("no layout 'Agenda'") == 1
    assert not (out / "northwind-freight").exists()


def test_an_unknown_slide_role_is_a_configuration_error(tmp_path):
    brand = copy_brand(tmp_path)
    set_spec(brand, "  title_only: Title Only", "  title_only: Title Only\n  closing: Title Only")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 2, result.output
    assert "pptx_layouts.closing is not a kind of slide; use title, content or title_only" \
        in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()


def test_a_master_without_layouts_is_a_configuration_error(tmp_path):
    def empty_second_master(parts):
        second_master(parts)
        master = parts["ppt/slideMasters/slideMaster2.xml"].decode()
        parts["ppt/slideMasters/slideMaster2.xml"] = re.sub(
            r"<p:sldLayoutIdLst>.*?</p:sldLayoutIdLst>", "", master).encode()
    brand = two_masters(tmp_path, empty_second_master)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 2, result.output
    assert "two-masters.pptx: slide master 2 has no layouts; delete it in PowerPoint" \
        in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()


# ---------------------------------------------------------------------- csplan brand check
def test_brand_check_prints_masters_layouts_fonts_colours_and_styles(tmp_path):
    brand = two_masters(tmp_path)
    set_spec(brand, "  title: Title Slide", "  title: Wide Title Slide")
    result = run("brand", "check", brand)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "master 1: 11 layouts" in out and "master 2: 11 layouts" in out
    assert "    Title and Content: title, object, date, footer, slide_number" in out
    assert "    Wide Title Only: title, date, footer, slide_number" in out
    assert "title slides: Wide Title Slide (master 2, named in brand.yaml)" in out
    assert "content slides: Title and Content (master 1, named in brand.yaml)" in out
    assert "title_only slides: Title Only (master 1, named in brand.yaml)" in out
    assert re.search(r"theme fonts: major \S.*, minor \S", out)
    assert re.search(r"theme colours: .*accent1 #[0-9A-F]{6}", out)
    assert "Heading 1: present" in out and "List Bullet: present" in out


def test_brand_check_reports_missing_styles_and_fails_on_a_brand_error(tmp_path):
    brand = copy_brand(tmp_path)
    document = docx.Document(str(brand / "reference.docx"))
    document.styles["Quote"].delete()
    document.save(str(brand / "reference.docx"))
    result = run("brand", "check", brand)
    assert result.exit_code == 0, result.output
    assert "Quote: missing" in result.output

    set_spec(brand, "  title: Title Slide", "  title: Cover")
    result = run("brand", "check", brand)
    assert result.exit_code == 2, result.output
    assert "no layout 'Cover' for title slides" in result.output
    assert "Traceback" not in result.output


def test_a_layout_name_in_two_masters_uses_the_first_with_a_warning(tmp_path):
    brand = two_masters(tmp_path, lambda parts: second_master(parts, prefix=""))
    result = run("brand", "check", brand)
    assert result.exit_code == 0, result.output
    assert "warning BRAND layout 'Title Slide' is in masters 1, 2; title slides use " \
           "master 1's" in result.output
    assert "title slides: Title Slide (master 1, named in brand.yaml)" in result.output


# ---------------------------------------------------------------------- csplan brand init
def test_brand_init_writes_a_brand_folder_that_builds(tmp_path):
    templates = tmp_path / "from-marketing"
    templates.mkdir()
    edit_zip(ROOT / "brand" / "master.pptx", templates / "Acme 2026.potx",
             retype(PRESENTATION, POTX))
    edit_zip(ROOT / "brand" / "reference.docx", templates / "Acme letter.dotx",
             retype(DOCUMENT, DOTX))
    out = tmp_path / "acme-brand"
    result = run("brand", "init", "--from", templates / "Acme 2026.potx", "--docx",
                 templates / "Acme letter.dotx", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'brand.yaml'}: layouts title 'Title Slide', content 'Title and " \
           "Content', title_only 'Title Only'; colours primary #0E3B66" in result.output
    assert "title slides: Title Slide (master 1, named in brand.yaml)" in result.output
    assert {p.name for p in out.iterdir()} >= {"brand.yaml", "master.potx", "reference.dotx",
                                               "logo.png", "fonts"}
    spec = (out / "brand.yaml").read_text()
    assert 'name: "Acme 2026"' in spec and "pptx_master: master.potx" in spec
    assert run("brand", "check", out).exit_code == 0
    result = build(out, tmp_path / "built")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "built" / "northwind-freight" / DECK).is_file()

    again = run("brand", "init", "--from", templates / "Acme 2026.potx", "--out", out)
    assert again.exit_code == 2 and "already exists and is not empty" in again.output
    bad = run("brand", "init", "--from", templates / "Acme letter.dotx", "--out",
              tmp_path / "other")
    assert bad.exit_code == 2 and "not a PowerPoint presentation or template" in bad.output
    assert "Traceback" not in again.output + bad.output
