"""What a brand's Office templates offer, read once before any account is built.

A company's PowerPoint file may hold several slide masters, each with its own layouts. The
layout for each kind of slide (``pptx_layouts`` in brand.yaml: title, content, title_only) is
looked up by name across every master, in order; a name found nowhere, or a master without
layouts, is a configuration error (exit 2) listing the names each master has. The renderer
uses the (master, layout) positions resolved here and never looks layouts up again.

``describe`` is what ``csplan brand check`` prints: the masters and their layouts (with their
placeholder types), the layout chosen for each kind of slide, the theme fonts and colours of
the masters, and which Word styles csplan uses are in the DOCX reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from csplan.exceptions import CsplanError

if TYPE_CHECKING:
    from csplan.inputs.brand import Brand

DEFAULT_LAYOUTS = {"title": "Title Slide", "content": "Title and Content",
                   "title_only": "Title Only"}
# The Word styles the DOCX renderers use by name (a missing one falls back to Normal).
DOCX_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3",
               "List Bullet", "Quote", "Table Grid")
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
_COLOURS = ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4",
            "accent5", "accent6", "hlink", "folHlink")

_TITLES = (1, 3)  # PP_PLACEHOLDER.TITLE, CENTER_TITLE
Layouts = dict[str, tuple[int, int]]  # kind of slide -> (master index, layout index)


def check_kinds(wanted: dict[str, str], where: str) -> None:
    """Raise CsplanError naming ``where`` if ``pptx_layouts`` names an unknown kind of slide."""
    unknown = sorted(set(wanted) - set(DEFAULT_LAYOUTS))
    if unknown:
        raise CsplanError(f"{where}: pptx_layouts.{unknown[0]} is not a kind of slide; use "
                          f"{', '.join(list(DEFAULT_LAYOUTS)[:-1])} or "
                          f"{list(DEFAULT_LAYOUTS)[-1]}")


def resolve_layouts(prs, wanted: dict[str, str], where: str) -> tuple[Layouts, list[str]]:
    """Return the (master, layout) position of each kind of slide in the presentation
    ``prs`` and warnings; raise CsplanError naming ``where`` if the brand must fix it."""
    names = [[layout.name for layout in master.slide_layouts] for master in prs.slide_masters]
    for number, layouts in enumerate(names, 1):
        if not layouts:
            raise CsplanError(f"{where}: slide master {number} has no layouts; delete it in "
                              "PowerPoint (View > Slide Master) or give it layouts")
    resolved: Layouts = {}
    warnings: list[str] = []
    for role, default in DEFAULT_LAYOUTS.items():
        name = wanted.get(role, default)
        found = [(m, layouts.index(name)) for m, layouts in enumerate(names) if name in layouts]
        if not found:
            available = "; ".join(f"master {m}: {', '.join(layouts)}"
                                  for m, layouts in enumerate(names, 1))
            raise CsplanError(f"{where} has no layout '{name}' for {role} slides; set "
                              f"pptx_layouts.{role} in brand.yaml to one of: {available}")
        if len(found) > 1:
            warnings.append(f"{where}: warning BRAND layout '{name}' is in masters "
                            f"{', '.join(str(m + 1) for m, _ in found)}; {role} slides use "
                            f"master {found[0][0] + 1}'s; rename the others to choose")
        resolved[role] = found[0]
        layout = prs.slide_masters[found[0][0]].slide_layouts[found[0][1]]
        if not any(ph.placeholder_format.type in _TITLES for ph in layout.placeholders):
            warnings.append(f"{where}: warning BRAND layout '{name}' for {role} slides has no "
                            "title placeholder, so those slides show no title; choose a "
                            "layout with one in pptx_layouts")
    return resolved, warnings


def _placeholders(layout) -> str:
    return ", ".join(ph.placeholder_format.type.name.lower() for ph in layout.placeholders) \
        or "no placeholders"


def theme_of(master) -> tuple[dict[str, str], dict[str, str]]:
    """Return the theme fonts (major, minor latin typefaces) and colours of a slide master."""
    try:
        part = master.part.part_related_by(_THEME)
    except KeyError:
        return {}, {}
    root = etree.fromstring(part.blob, etree.XMLParser(resolve_entities=False,
                                                       no_network=True))
    fonts = {}
    for kind in ("major", "minor"):
        latin = root.find(f".//{_A}fontScheme/{_A}{kind}Font/{_A}latin")
        if latin is not None and latin.get("typeface"):
            fonts[kind] = latin.get("typeface")
    colours = {}
    scheme = root.find(f".//{_A}clrScheme")
    for name in _COLOURS:
        element = scheme.find(f"{_A}{name}") if scheme is not None else None
        value = None if element is None or not len(element) else \
            element[0].get("lastClr") or element[0].get("val")
        if value:
            colours[name] = f"#{value.upper()}" if len(value) == 6 else value
    return fonts, colours


def describe(brand: "Brand") -> list[str]:
    """Return what ``csplan brand check`` prints about ``brand``, line by line."""
    import io

    lines = [f"brand: {brand.spec.name} ({brand.folder})"]
    if brand.pptx_master is None:
        lines.append("PPTX master: none (pptx_master is not set in brand.yaml)")
    else:
        from pptx import Presentation

        prs = Presentation(io.BytesIO(brand.pptx_master))
        lines.append(f"PPTX master: {brand.spec.pptx_master} ({prs.slide_width / 914400:.2f} x "
                     f"{prs.slide_height / 914400:.2f} in)")
        for m, master in enumerate(prs.slide_masters, 1):
            count = len(master.slide_layouts)
            lines.append(f"  master {m}: {count} layout{'s' if count != 1 else ''}")
            for layout in master.slide_layouts:
                lines.append(f"    {layout.name}: {_placeholders(layout)}")
            fonts, colours = theme_of(master)
            lines.append("    theme fonts: " + (", ".join(f"{k} {v}" for k, v in fonts.items())
                                                or "none"))
            lines.append("    theme colours: " + (", ".join(f"{k} {v}" for k, v in
                                                          colours.items()) or "none"))
        lines.append("  layouts by kind of slide:")
        for role, (m, index) in brand.pptx_layouts.items():
            layout = prs.slide_masters[m].slide_layouts[index]
            lines.append(f"    {role} slides: {layout.name} (master {m + 1})")
    if brand.docx_reference is None:
        lines.append("DOCX reference: none (the plan uses python-docx's default styles)")
    else:
        import docx

        document = docx.Document(io.BytesIO(brand.docx_reference))
        present = {style.name for style in document.styles}
        lines.append(f"DOCX reference: {brand.spec.docx_reference}")
        for name in DOCX_STYLES:
            lines.append(f"  {name}: {'present' if name in present else 'missing'}")
    lines.append("warnings:" if brand.warnings else "warnings: none")
    lines += [f"  {warning}" for warning in brand.warnings]
    return lines
