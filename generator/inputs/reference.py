"""A company's Word reference, prepared once per brand for every DOCX csplan writes.

The plan keeps the reference's styles, page set-up and first-page header and footer, and
nothing that would stack on csplan's own: its sample body text is removed; its even-page
header and footer (and the setting that shows them) are removed, as their "© ..." or page
number would show on every other page; its default header and footer are emptied, because
csplan writes its own there (a PAGE field left in them showed "1 1"). Styles the renderers
use by name that the reference lacks (headings, List Bullet with its bullet numbering, Table
Grid...) are added from python-docx's defaults, with one warning naming them.

Its page set-up (paper, orientation, margins, gutter, header and footer distances) is read
from its body section by ``page_of``; a text width too narrow for csplan's tables is a
configuration error. The bundled reference sets no page, so csplan chooses the paper by the
account's country (or brand.yaml ``page_size``) and its own margins.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from typing import Optional

import docx
from lxml import etree
from docx.oxml.ns import qn

from csplan.exceptions import CsplanError
from csplan.inputs.brandcheck import DOCX_STYLES

EMU_PER_MM = 36000
MIN_TEXT_MM = 80  # the narrowest text a plan's tables (seven columns) and cover block fit in
PAPERS = {"A4": (210, 297), "Letter": (215.9, 279.4)}  # millimetres, portrait


@dataclass(frozen=True)
class PageSetup:
    """A reference's page, in EMU: what the plan keeps of it and what csplan fits inside."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    gutter: int
    header: int
    footer: int

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right - self.gutter

    @property
    def text_height(self) -> int:
        return self.height - abs(self.top) - abs(self.bottom)  # Word: negative = fixed

    @property
    def orientation(self) -> str:
        return "landscape" if self.width > self.height else "portrait"

    @property
    def paper(self) -> Optional[str]:
        """Return "A4" or "Letter" when the page is one of them (either way round)."""
        size = sorted((self.width / EMU_PER_MM, self.height / EMU_PER_MM))
        return next((name for name, (w, h) in PAPERS.items()
                     if abs(size[0] - w) < 1 and abs(size[1] - h) < 1), None)

    def describe(self) -> str:
        """Return e.g. "A4 portrait, margins left 25 mm, right 25 mm, ..."."""
        def mm(value: int) -> str:
            return f"{value / EMU_PER_MM:.3g} mm"

        paper = self.paper or f"{self.width / EMU_PER_MM:.1f} x {self.height / EMU_PER_MM:.1f} mm"
        gutter = f", gutter {mm(self.gutter)}" if self.gutter else ""
        return (f"{paper} {self.orientation}, margins left {mm(self.left)}, right "
                f"{mm(self.right)}, top {mm(self.top)}, bottom {mm(self.bottom)}{gutter}; "
                f"header {mm(self.header)} and footer {mm(self.footer)} from the edge; text "
                f"width {mm(self.text_width)}")


# The page of python-docx's own template (its section's attributes exactly), from which
# csplan's reference.docx was made until a reference's page set-up was kept: Letter with
# 1.25 in side margins, chosen by nobody. A brand folder copied from an older csplan holds
# it, and keeps csplan's page rather than printing every plan on it.
_LIBRARY_PAGE = ({"rsidSect": "00034616"}, {"w": "12240", "h": "15840"},
                 {"top": "1440", "right": "1800", "bottom": "1440", "left": "1800",
                  "header": "720", "footer": "720", "gutter": "0"})


def _library_page(sect_pr) -> bool:
    def attributes(element) -> dict[str, str]:
        return {etree.QName(k).localname: v for k, v in element.attrib.items()}

    section, size, margins = _LIBRARY_PAGE
    return (section.items() <= attributes(sect_pr).items()
            and attributes(sect_pr.pgSz) == size and attributes(sect_pr.pgMar) == margins)


def page_of(document, where: str) -> Optional[PageSetup]:
    """Return the page set-up of ``document``'s body section (the last), or None when it
    sets no paper size and margins (or python-docx's, see ``_LIBRARY_PAGE``); raise
    CsplanError (exit 2) when the text area left is too small for the plan."""
    sect_pr = document.sections[-1]._sectPr
    if sect_pr.pgSz is None or sect_pr.pgMar is None or _library_page(sect_pr):
        return None
    section = document.sections[-1]
    values = (section.page_width, section.page_height, section.left_margin,
              section.right_margin, section.top_margin, section.bottom_margin, section.gutter,
              section.header_distance, section.footer_distance)
    if section.page_width is None or section.page_height is None:
        return None
    page = PageSetup(*(int(v or 0) for v in values))
    if page.text_width < MIN_TEXT_MM * EMU_PER_MM or page.text_height < MIN_TEXT_MM * EMU_PER_MM:
        raise CsplanError(
            f"{where} leaves a text area of {page.text_width / EMU_PER_MM:.0f} x "
            f"{page.text_height / EMU_PER_MM:.0f} mm ({page.describe()}); the plan needs at "
            f"least {MIN_TEXT_MM} x {MIN_TEXT_MM} mm: in Word, Layout > Margins, make the "
            "margins smaller (or the paper larger) and save the file again")
    return page


def prepare(data: bytes, where: str) -> tuple[bytes, list[str], list[str]]:
    """Return the reference ``data`` prepared as the module says (the same bytes if there is
    nothing to do), the styles added and warnings."""
    document = docx.Document(io.BytesIO(data))
    warnings = []
    changed = False
    present = {style.name for style in document.styles}
    missing = [name for name in DOCX_STYLES if name not in present]
    if missing:
        defaults = docx.Document()
        for name in missing:
            _add_style(document, defaults, name)
        warnings.append(f"{where}: warning BRAND the reference has no {', '.join(missing)} "
                        f"style{'s' if len(missing) > 1 else ''}; csplan adds "
                        f"{'their' if len(missing) > 1 else 'its'} default; add "
                        f"{'them' if len(missing) > 1 else 'it'} in Word to choose the look")
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr") and (child.tag != qn("w:p") or len(child)):
            body.remove(child)
            changed = True
    settings = document.settings.element
    for element in settings.findall(qn("w:evenAndOddHeaders")):
        settings.remove(element)
        changed = True
    for sect_pr in document.element.iter(qn("w:sectPr")):
        for tag in ("w:headerReference", "w:footerReference"):
            for ref in sect_pr.findall(qn(tag)):
                kind = ref.get(qn("w:type"))
                part = document.part.related_parts[ref.get(qn("r:id"))]
                if kind == "even":
                    sect_pr.remove(ref)
                    document.part.drop_rel(ref.get(qn("r:id")))
                    changed = True
                elif kind == "default" and any(
                        root.find(f".//{qn(t)}") is not None for root in [part.element]
                        for t in ("w:r", "w:tbl", "w:sdt", "w:fldSimple")):
                    changed = True
                    root = part.element
                    for child in list(root):
                        root.remove(child)
                    root.append(root.makeelement(qn("w:p"), {}))
    if not (changed or missing):
        return data, [], []
    out = io.BytesIO()
    document.save(out)
    return out.getvalue(), missing, warnings


def _add_style(document, defaults, name: str) -> None:
    """Copy the style ``name`` from ``defaults`` into ``document`` (with the bullet
    numbering a list style uses)."""
    style = copy.deepcopy(defaults.styles[name].element)
    num_id = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is not None:
        num_id.set(qn("w:val"), _copy_numbering(document, defaults, num_id.get(qn("w:val"))))
    document.styles.element.append(style)


def _copy_numbering(document, defaults, num_id: str) -> str:
    """Copy numbering ``num_id`` (and its abstract definition) from ``defaults`` into
    ``document`` under new ids; return the new numId."""
    source = defaults.part.numbering_part.element
    target = _numbering(document)
    num = next(n for n in source.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(a for a in source.findall(qn("w:abstractNum"))
                    if a.get(qn("w:abstractNumId")) == abstract_id)
    new_abstract = str(1 + max([int(a.get(qn("w:abstractNumId")))
                                for a in target.findall(qn("w:abstractNum"))], default=0))
    new_num = str(1 + max([int(n.get(qn("w:numId"))) for n in target.findall(qn("w:num"))],
                          default=0))
    abstract, num = copy.deepcopy(abstract), copy.deepcopy(num)
    abstract.set(qn("w:abstractNumId"), new_abstract)
    for nsid in abstract.findall(qn("w:nsid")):
        abstract.remove(nsid)
    num.set(qn("w:numId"), new_num)
    num.find(qn("w:abstractNumId")).set(qn("w:val"), new_abstract)
    nums = target.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(abstract)  # every abstractNum comes before the first num
    else:
        target.append(abstract)
    target.append(num)
    return new_num


def _numbering(document):
    """Return the numbering definitions of ``document``, adding an empty part if it has
    none (python-docx cannot make one)."""
    from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.parts.numbering import NumberingPart

    try:
        return document.part.part_related_by(RT.NUMBERING).element
    except KeyError:
        part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING,
                             parse_xml(f"<w:numbering {nsdecls('w')}/>"), document.part.package)
        document.part.relate_to(part, RT.NUMBERING)
        return part.element
