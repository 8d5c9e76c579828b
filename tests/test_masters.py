"""A company's slide master as it is found in the wild: layouts with other names or without a
title or subtitle, a dark background, its own footers and slide numbers, fixed shapes where
csplan used to put the logo, 4:3 slides. Each builds a readable deck, or fails once, before
any account, with a configuration error.

Every master is made here from the bundled one (or python-pptx's own) by editing its XML.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Inches

from csplan.inputs.fonts import _system
from csplan.inputs.master import Rect, background, contrast
from tests.test_templates import DECK, build, copy_brand, edit_zip, run, set_spec

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"


def company_master(tmp_path: Path, edit, source: Path | None = None) -> Path:
    """Return a brand folder whose master is the bundled one (or ``source``) after
    ``edit(presentation)``."""
    brand = copy_brand(tmp_path)
    prs = Presentation(str(source or brand / "master.pptx"))
    edit(prs)
    prs.save(str(brand / "company.pptx"))
    set_spec(brand, "pptx_master: master.pptx", "pptx_master: company.pptx")
    return brand


def layout(prs, name: str):
    return next(lay for m in prs.slide_masters for lay in m.slide_layouts if lay.name == name)


def drop(lay, *kinds: int) -> None:
    for ph in list(lay.placeholders):
        if int(ph.placeholder_format.type) in kinds:
            ph._element.getparent().remove(ph._element)


def rect(shape) -> Rect:
    return Rect(shape.left, shape.top, shape.width, shape.height)


def deck(tmp_path: Path):
    return Presentation(str(tmp_path / "out" / "northwind-freight" / DECK))


def assert_inside(prs) -> None:
    for number, slide in enumerate(prs.slides, 1):
        for shape in slide.shapes:
            r = rect(shape)
            assert r.left >= 0 and r.top >= 0 and r.right <= prs.slide_width and \
                r.bottom <= prs.slide_height, (number, shape.name)


def texts(slide) -> str:
    return "\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


# ---------------------------------------------------------------------- layouts by placeholders
def test_layouts_are_chosen_by_placeholder_types_when_brand_yaml_names_none(tmp_path):
    def rename(prs):
        for lay, name in zip(prs.slide_layouts, ("Cover", "Text", "Divider", "Two Texts",
                                                   "Compare", "Headline", "Empty")):
            lay.element.find(f"{{{P}}}cSld").set("name", name)
    brand = company_master(tmp_path, rename)
    spec = (brand / "brand.yaml").read_text()
    start = spec.index("pptx_layouts:")
    end = spec.index("min_font_pt")
    (brand / "brand.yaml").write_text(spec[:start] + spec[end:])
    result = run("brand", "check", brand)
    assert result.exit_code == 0, result.output
    assert "title slides: Cover (master 1, by its placeholders)" in result.output
    assert "content slides: Text (master 1, by its placeholders)" in result.output
    assert "title_only slides: Headline (master 1, by its placeholders)" in result.output
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    used = [s.slide_layout.name for s in deck(tmp_path).slides]
    assert used[0] == "Cover" and set(used[1:]) == {"Headline"}


# ---------------------------------------------------------------------- missing placeholders
def test_a_cover_without_title_or_subtitle_puts_both_in_the_free_area(tmp_path):
    brand = company_master(tmp_path, lambda prs: None)
    set_spec(brand, "  title: Title Slide", "  title: Blank")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    assert result.output.count("layout 'Blank' for title slides has no title or subtitle "
                               "placeholder; csplan puts the title and subtitle in the free "
                               "area") == 1
    prs = deck(tmp_path)
    cover = prs.slides[0]
    assert "Northwind Freight" in texts(cover)
    assert "Quarterly business review" in texts(cover)
    added = {s.name: rect(s) for s in cover.shapes}
    assert {"title", "subtitle", "logo"} <= set(added)
    assert not added["logo"].overlaps(added["title"])
    assert not added["logo"].overlaps(added["subtitle"])
    assert not added["title"].overlaps(added["subtitle"])
    assert_inside(prs)


def test_slides_without_a_title_placeholder_keep_their_titles(tmp_path):
    brand = company_master(tmp_path, lambda prs: None)
    set_spec(brand, "  title_only: Title Only", "  title_only: Blank")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    prs = deck(tmp_path)
    assert "Agenda" in texts(prs.slides[1]) and "milestones done" in "\n".join(
        texts(s) for s in prs.slides)
    for slide in list(prs.slides)[1:]:
        title = next(s for s in slide.shapes if s.name == "title")
        for shape in slide.shapes:
            if shape is not title and shape.name != "title":
                assert not rect(shape).overlaps(rect(title)), shape.name
    assert_inside(prs)


def test_a_layout_the_master_covers_entirely_is_a_configuration_error(tmp_path):
    def cover_everything(prs):
        lay = layout(prs, "Title Only")
        ph = next(p for p in lay.placeholders if int(p.placeholder_format.type) == 1)
        ph.top, ph.height = Inches(0.3), prs.slide_height - Inches(1.2)
    brand = company_master(tmp_path, cover_everything)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 2, result.output
    assert "layout 'Title Only' for title_only slides leaves no free area" in result.output
    assert not (tmp_path / "out" / "northwind-freight").exists()


# ---------------------------------------------------------------------- the logo
def test_the_logo_overlaps_no_placeholder_and_no_shape_of_the_master(tmp_path):
    def crowd_the_corners(prs):
        lay = layout(prs, "Title Slide")
        title = next(p for p in lay.placeholders if int(p.placeholder_format.type) == 3)
        title.top = Inches(0.9)  # where csplan used to put the logo
        for number, left in enumerate((Inches(0.4), prs.slide_width - Inches(2.4)), 90):
            lay.shapes._spTree.append(etree.fromstring(
                f'<p:sp xmlns:p="{P}" xmlns:a="{A}"><p:nvSpPr><p:cNvPr id="{number}" '
                f'name="Band {number}"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm>'
                f'<a:off x="{left}" y="{Inches(0.4)}"/><a:ext cx="{Inches(2)}" '
                f'cy="{Inches(0.5)}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
                '</p:spPr></p:sp>'))
    brand = company_master(tmp_path, crowd_the_corners)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    prs = deck(tmp_path)
    cover = prs.slides[0]
    logo = rect(next(s for s in cover.shapes if s.name == "logo"))
    others = [rect(s) for s in cover.shapes if s.name != "logo"]
    others += [rect(s) for s in cover.slide_layout.shapes]
    others += [rect(s) for s in cover.slide_layout.slide_master.shapes if not s.is_placeholder]
    assert not any(logo.overlaps(o) for o in others)
    assert_inside(prs)


# ---------------------------------------------------------------------- a dark master
def test_a_dark_master_keeps_every_text_readable(tmp_path):
    def darken(prs):
        master = prs.slide_master.element
        bg = master.find(f"{{{P}}}cSld/{{{P}}}bg")
        bg.getparent().replace(bg, etree.fromstring(
            f'<p:bg xmlns:p="{P}" xmlns:a="{A}"><p:bgPr><a:solidFill><a:srgbClr val="14181F"/>'
            '</a:solidFill><a:effectLst/></p:bgPr></p:bg>'))
    brand = company_master(tmp_path, darken)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    prs = deck(tmp_path)
    checked = 0
    for slide in prs.slides:
        back = background(slide.slide_layout)
        assert back == "#14181F"
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            if shape.is_placeholder and int(shape.placeholder_format.type) in (13, 15, 16):
                continue
            # a card or tile draws its own fill: its text is read against that
            own = (f"#{shape.fill.fore_color.rgb}" if not shape.is_placeholder
                   and getattr(shape, "fill", None) is not None and shape.fill.type == 1
                   else back)
            for p in shape.text_frame.paragraphs:
                for r in p.runs:
                    assert r.font.color.type is not None, (shape.name, r.text)
                    colour = f"#{r.font.color.rgb}"
                    assert contrast(colour, own) >= 4.5, (shape.name, r.text, colour, own)
                    checked += 1
        for shape in slide.shapes:
            if shape.has_chart:
                colour = f"#{shape.chart.font.color.rgb}"
                assert contrast(colour, back) >= 4.5
    assert checked > 30


# ---------------------------------------------------------------------- footers and numbers
def test_the_masters_footer_and_slide_numbers_are_carried_over(tmp_path):
    def confidential(prs):
        for lay in prs.slide_layouts:
            for ph in lay.placeholders:
                if int(ph.placeholder_format.type) == 15:
                    ph.text_frame.text = "Fleetline Confidential"
    brand = company_master(tmp_path, confidential)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    prs = deck(tmp_path)
    cover, *others = list(prs.slides)
    assert "Confidential" not in texts(cover)
    for slide in others:
        kinds = {int(s.placeholder_format.type): s for s in slide.placeholders}
        assert kinds[15].text_frame.text == "Fleetline Confidential"
        number = kinds[13]._element
        assert number.findall(f".//{{{A}}}fld[@type='slidenum']")
        body = [rect(s) for s in slide.shapes if not s.is_placeholder]
        assert not any(rect(kinds[13]).overlaps(b) or rect(kinds[15]).overlaps(b)
                       for b in body)
    assert_inside(prs)


def test_a_master_without_slide_numbers_gets_a_small_number(tmp_path):
    def no_numbers(prs):
        for lay in [*prs.slide_layouts, prs.slide_master]:
            drop(lay, 13)
    brand = company_master(tmp_path, no_numbers)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    prs = deck(tmp_path)
    cover, *others = list(prs.slides)
    assert not any(s.name == "slide number" for s in cover.shapes)
    for number, slide in enumerate(others, 2):
        box = next(s for s in slide.shapes if s.name == "slide number")
        assert box._element.findall(f".//{{{A}}}fld[@type='slidenum']")
        assert box.text_frame.text == str(number)
        rest = [rect(s) for s in slide.shapes if s.name != "slide number"]
        assert not any(rect(box).overlaps(r) for r in rest)
    assert_inside(prs)


# ---------------------------------------------------------------------- 4:3
def test_a_four_by_three_master_builds_inside_its_slides(tmp_path):
    brand = copy_brand(tmp_path)
    prs = Presentation()  # python-pptx's own 4:3 template, with PowerPoint's layout names
    assert prs.slide_width * 3 == prs.slide_height * 4
    out = io.BytesIO()
    prs.save(out)
    (brand / "four-three.pptx").write_bytes(out.getvalue())
    set_spec(brand, "pptx_master: master.pptx", "pptx_master: four-three.pptx")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    prs = deck(tmp_path)
    assert_inside(prs)
    for slide in list(prs.slides)[1:]:
        assert any(int(s.placeholder_format.type) == 13 or s.name == "slide number"
                   for s in slide.shapes if s.is_placeholder or s.name == "slide number")


def test_a_title_on_a_dark_band_of_the_master_stays_readable(tmp_path):
    def band(prs):
        title = next(p for p in prs.slide_master.placeholders
                     if int(p.placeholder_format.type) == 1)
        title.fill.solid()
        title.fill.fore_color.rgb = RGBColor(0x33, 0x33, 0x38)
    brand = company_master(tmp_path, band)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    for slide in list(deck(tmp_path).slides)[1:]:
        runs = [r for p in slide.shapes.title.text_frame.paragraphs for r in p.runs]
        assert runs and all(contrast(f"#{r.font.color.rgb}", "#333338") >= 4.5 for r in runs)


def test_a_link_to_a_part_the_master_lacks_is_dropped_with_one_warning(tmp_path):
    def link_custom_xml(parts):
        rels = parts["ppt/_rels/presentation.xml.rels"].decode()
        parts["ppt/_rels/presentation.xml.rels"] = rels.replace("</Relationships>", (
            '<Relationship Id="rIdX9" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/customXml" Target="../customXml/item1.xml"/></Relationships>'
        )).encode()
    brand = copy_brand(tmp_path)
    edit_zip(brand / "master.pptx", brand / "sharepoint.pptx", link_custom_xml)
    set_spec(brand, "pptx_master: master.pptx", "pptx_master: sharepoint.pptx")
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    assert result.output.count("sharepoint.pptx: warning BRAND dropped links to parts the file "
                               "does not have: customXml/item1.xml") == 1
    assert len(deck(tmp_path).slides) > 5


# ---------------------------------------------------------------------- theme fonts
def theme_fonts(major: str, minor: str):
    def edit(prs):
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT

        part = prs.slide_master.part.part_related_by(RT.THEME)
        xml = part.blob.decode()
        for kind, family in (("major", major), ("minor", minor)):
            start = xml.index(f"<a:{kind}Font><a:latin typeface=\"")
            end = xml.index('"', start + len(f"<a:{kind}Font><a:latin typeface=\""))
            xml = xml[:start] + f"<a:{kind}Font><a:latin typeface=\"{family}" + xml[end:]
        part._blob = xml.encode()
    return edit


SYSTEM_FONTS = pytest.mark.skipif(
    not (_system("Liberation Serif") and _system("DejaVu Sans")),
    reason="needs fontconfig with the Liberation and DejaVu fonts")


@SYSTEM_FONTS
def test_text_is_measured_in_the_masters_theme_fonts(tmp_path):
    brand = company_master(tmp_path, theme_fonts("Liberation Serif", "DejaVu Sans"))
    result = run("brand", "check", brand)
    assert result.exit_code == 0, result.output
    assert "titles measured in Liberation Serif: /" in result.output  # the system's file
    assert "text measured in DejaVu Sans: fonts/DejaVuSans.ttf" in result.output  # the brand's
    assert "warning BRAND the master's theme font" not in result.output
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    assert "milestones done" in "\n".join(texts(s) for s in deck(tmp_path).slides)


@SYSTEM_FONTS
def test_a_theme_font_found_nowhere_is_measured_with_headroom_and_named(tmp_path):
    brand = company_master(tmp_path, theme_fonts("Gill Sans Nova", "Gill Sans Nova"))
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    assert result.output.count("warning BRAND the master's theme font 'Gill Sans Nova' is not "
                               "in the brand folder or on this system, so text is measured in "
                               "DejaVu Sans with 5 % headroom; put Gill Sans Nova's .ttf "
                               f"files in {brand} to measure it exactly") == 1
    result = run("brand", "check", brand)
    assert "text measured in Gill Sans Nova: /" in result.output
    assert "5 % headroom" in result.output


def test_table_headers_stay_readable_on_a_pale_accent(tmp_path):
    def pale_accent(prs):
        from pptx.opc.constants import RELATIONSHIP_TYPE as RT

        part = prs.slide_master.part.part_related_by(RT.THEME)
        xml = part.blob.decode()
        start = xml.index("<a:accent1>")
        end = xml.index("</a:accent1>") + len("</a:accent1>")
        part._blob = (xml[:start] + '<a:accent1><a:srgbClr val="D9D9D9"/></a:accent1>'
                      + xml[end:]).encode()
    brand = company_master(tmp_path, pale_accent)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    tables = [s.table for slide in deck(tmp_path).slides for s in slide.shapes if s.has_table]
    assert tables
    for table in tables:
        for cell in table.rows[0].cells:
            for r in cell.text_frame.paragraphs[0].runs:
                assert contrast(f"#{r.font.color.rgb}", "#D9D9D9") >= 4.5


def test_text_never_runs_through_a_line_of_the_master(tmp_path):
    y = Inches(2.2)

    def rule(prs):
        lay = layout(prs, "Title Only")
        lay.shapes._spTree.append(etree.fromstring(
            f'<p:cxnSp xmlns:p="{P}" xmlns:a="{A}"><p:nvCxnSpPr><p:cNvPr id="77" name="Rule"/>'
            f'<p:cNvCxnSpPr/><p:nvPr/></p:nvCxnSpPr><p:spPr><a:xfrm><a:off x="{Inches(0.5)}" '
            f'y="{y}"/><a:ext cx="{Inches(9)}" cy="0"/></a:xfrm><a:prstGeom prst="line">'
            '<a:avLst/></a:prstGeom><a:ln w="19050"><a:solidFill><a:srgbClr val="14AAA0"/>'
            '</a:solidFill></a:ln></p:spPr></p:cxnSp>'))
    brand = company_master(tmp_path, rule)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    crossing = [(n, s.name) for n, slide in enumerate(deck(tmp_path).slides, 1)
                for s in slide.shapes if not s.is_placeholder and s.top < y < s.top + s.height]
    assert crossing == []


def test_a_dark_photo_behind_the_cover_keeps_its_text_readable(tmp_path):
    from PIL import Image

    photo = tmp_path / "night.png"
    Image.new("RGB", (160, 90), (16, 18, 30)).save(photo)

    def night(prs):
        from pptx.oxml.shapes.picture import CT_Picture

        lay = layout(prs, "Title Slide")
        _part, rid = lay.part.get_or_add_image_part(str(photo))
        picture = CT_Picture.new_pic(88, "Night", "", rid, 0, 0, prs.slide_width,
                                     prs.slide_height)
        lay.shapes._spTree.insert(2, picture)  # behind the placeholders
    brand = company_master(tmp_path, night)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    cover = deck(tmp_path).slides[0]
    runs = [r for s in cover.shapes if s.has_text_frame
            for p in s.text_frame.paragraphs for r in p.runs]
    assert len(runs) >= 3
    assert all(contrast(f"#{r.font.color.rgb}", "#10121E") >= 4.5 for r in runs)


# ---------------------------------------------------------------------- sample slides
def test_the_masters_own_sample_slides_leave_nothing_in_the_deck(tmp_path):
    """A company .pptx often holds example slides; none of them, nor their pictures, notes,
    sections or custom shows, may reach the deck."""
    sample_picture = Image.new("RGB", (40, 30), (201, 13, 77))
    picture = io.BytesIO()
    sample_picture.save(picture, "PNG")

    def samples(prs):
        for number in (1, 2):
            slide = prs.slides.add_slide(layout(prs, "Title Only"))
            slide.shapes.title.text = f"Sample slide {number} from marketing"
            slide.shapes.add_picture(io.BytesIO(picture.getvalue()), Inches(1), Inches(2))
            slide.notes_slide.notes_text_frame.text = "SAMPLE NOTE: delete before use"
        ids = "".join(f'<p14:sldId id="{s.slide_id}"/>' for s in prs.slides)
        first = prs.slides._sldIdLst[0].rId
        prs.part._element.find(f"{{{P}}}defaultTextStyle").addprevious(etree.fromstring(
            f'<p:custShowLst xmlns:p="{P}" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><p:custShow name="Short" id="0"><p:sldLst>'
            f'<p:sld r:id="{first}"/></p:sldLst></p:custShow></p:custShowLst>'))
        prs.part._element.append(etree.fromstring(
            f'<p:extLst xmlns:p="{P}"><p:ext uri="{{521415D9-36F7-43E2-AB2F-B90AF26B5E84}}">'
            '<p14:sectionLst xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/'
            'main"><p14:section name="Samples" id="{6F0B3F0C-7C1B-4B8E-9E1A-0C7C0A1B2C3D}">'
            f'<p14:sldIdLst>{ids}</p14:sldIdLst></p14:section></p14:sectionLst></p:ext>'
            '</p:extLst>'))
    brand = company_master(tmp_path, samples)
    result = build(brand, tmp_path / "out", "pptx")
    assert result.exit_code == 0, result.output
    plain = build(copy_brand(tmp_path / "plain"), tmp_path / "plain-out", "pptx")
    assert plain.exit_code == 0, plain.output
    built = tmp_path / "out" / "northwind-freight" / DECK
    prs = Presentation(str(built))
    reference = Presentation(str(tmp_path / "plain-out" / "northwind-freight" / DECK))
    assert len(prs.slides) == len(reference.slides)
    with zipfile.ZipFile(built) as z:
        names = z.namelist()
        everything = b"\n".join(z.read(n) for n in names)
        assert len(names) == len(zipfile.ZipFile(
            tmp_path / "plain-out" / "northwind-freight" / DECK).namelist())
    assert b"Sample slide" not in everything and b"SAMPLE NOTE" not in everything
    assert picture.getvalue() not in everything
    root = etree.tostring(prs.part._element)
    # a section or custom show of the master's slides would name the deck's own slides
    # (their ids and relationship ids are given out again) or slides that are gone
    assert b"sectionLst" not in root and b"custShow" not in root
