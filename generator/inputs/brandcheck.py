"""What a brand's Office templates offer, read once before any account is built.

A company's PowerPoint file may hold several slide masters, each with its own layouts. The
layout for each kind of slide (``pptx_layouts`` in brand.yaml: title, content, title_only) is
looked up by name across every master, in order; a name found nowhere, or a master without
layouts, is a configuration error (exit 2) listing the names each master has. The renderer
uses the (master, layout) positions resolved here and never looks layouts up again.

``describe`` is what ``csplan brand check`` prints: the masters and their layouts (with their
placeholder types), the layout chosen for each kind of slide, the theme fonts and colours of
the masters, the DOCX reference's page set-up and which Word styles csplan uses it has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from lxml import etree

from csplan.exceptions import CsplanError
from csplan.inputs.master import (BODIES, CENTER_TITLE, FOOTERS, MIN_BODY, SUBTITLE, TITLE, TITLES,
                                  body_area,
                                  has, subtitle_area, subtitle_placeholder,
                                  title_area)

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

Layouts = dict[str, tuple[int, int]]  # kind of slide -> (master index, layout index)


def check_kinds(wanted: dict[str, str], where: str) -> None:
    """Raise CsplanError naming ``where`` if ``pptx_layouts`` names an unknown kind of slide."""
    unknown = sorted(set(wanted) - set(DEFAULT_LAYOUTS))
    if unknown:
        raise CsplanError(f"{where}: pptx_layouts.{unknown[0]} is not a kind of slide; use "
                          f"{', '.join(list(DEFAULT_LAYOUTS)[:-1])} or "
                          f"{list(DEFAULT_LAYOUTS)[-1]}")


def _score(role: str, layout) -> Optional[tuple[int, ...]]:
    """Return how well ``layout`` suits ``role`` by its placeholder types (higher is better),
    or None if it has no title placeholder."""
    kinds = [int(ph.placeholder_format.type) for ph in layout.placeholders]
    if not any(k in TITLES for k in kinds):
        return None
    bodies = sum(k in BODIES for k in kinds)
    others = sum(k not in TITLES + BODIES + FOOTERS + (SUBTITLE,) for k in kinds)
    if role == "title":
        return (CENTER_TITLE in kinds, SUBTITLE in kinds, -bodies - others)
    if role == "content":
        return (bodies >= 1, -abs(bodies - 1) - others, 0)
    others += SUBTITLE in kinds
    return (bodies == 0 and others == 0, -bodies - others, TITLE in kinds)


def _by_placeholders(prs, role: str) -> Optional[tuple[int, int]]:
    """Return the (master, layout) whose placeholder types suit ``role`` best (the first of
    equals), or None if no layout has a title placeholder."""
    best = None
    for m, master in enumerate(prs.slide_masters):
        for index, layout in enumerate(master.slide_layouts):
            score = _score(role, layout)
            if score is not None and (best is None or score > best[0]):
                best = (score, (m, index))
    return best[1] if best else None


def resolve_layouts(prs, wanted: dict[str, str], where: str
                    ) -> tuple[Layouts, list[str], dict[str, str]]:
    """Return the (master, layout) position of each kind of slide in the presentation
    ``prs``, warnings, and how each was chosen; raise CsplanError naming ``where`` if the
    brand must fix it. A kind named in ``pptx_layouts`` must exist; any other kind takes the
    layout of PowerPoint's usual name, else the one whose placeholder types suit it."""
    names = [[layout.name for layout in master.slide_layouts] for master in prs.slide_masters]
    for number, layouts in enumerate(names, 1):
        if not layouts:
            raise CsplanError(f"{where}: slide master {number} has no layouts; delete it in "
                              "PowerPoint (View > Slide Master) or give it layouts")
    resolved: Layouts = {}
    warnings: list[str] = []
    how: dict[str, str] = {}
    for role, default in DEFAULT_LAYOUTS.items():
        name = wanted.get(role, default)
        found = [(m, layouts.index(name)) for m, layouts in enumerate(names) if name in layouts]
        if found and role not in wanted and \
                _score(role, prs.slide_masters[found[0][0]].slide_layouts[found[0][1]]) is None:
            found = []  # a "Title Slide" without a title: choose by placeholders instead
        if not found and role not in wanted:
            chosen = _by_placeholders(prs, role)
            if chosen is not None:
                resolved[role], how[role] = chosen, "by its placeholders"
                continue
        if not found:
            available = "; ".join(f"master {m}: {', '.join(layouts)}"
                                  for m, layouts in enumerate(names, 1))
            if role in wanted:
                raise CsplanError(f"{where} has no layout '{name}' for {role} slides; set "
                                  f"pptx_layouts.{role} in brand.yaml to one of: {available}")
            raise CsplanError(f"{where} has no layout with a title placeholder for {role} "
                              "slides; add one in PowerPoint (View > Slide Master) or set "
                              f"pptx_layouts.{role} in brand.yaml to one of: {available}")
        if len(found) > 1:
            warnings.append(f"{where}: warning BRAND layout '{name}' is in masters "
                            f"{', '.join(str(m + 1) for m, _ in found)}; {role} slides use "
                            f"master {found[0][0] + 1}'s; rename the others to choose")
        resolved[role] = found[0]
        how[role] = "named in brand.yaml" if role in wanted else "by its name"
    warnings += _missing(prs, resolved, where)
    return resolved, warnings, how


def _missing(prs, resolved: Layouts, where: str) -> list[str]:
    """Return one warning per chosen layout that lacks a placeholder its slides need (the
    deck puts that content in the free area the layout leaves), and raise CsplanError if
    a layout leaves no room at all for a slide's content."""
    width, height = prs.slide_width, prs.slide_height
    warnings = []
    for role, (m, index) in resolved.items():
        layout = prs.slide_masters[m].slide_layouts[index]
        lacks = []
        if not has(layout, TITLES):
            lacks.append("title")
        if role == "title" and subtitle_placeholder(layout) is None:
            lacks.append("subtitle")
        if lacks:
            warnings.append(f"{where}: warning BRAND layout '{layout.name}' for {role} slides "
                            f"has no {' or '.join(lacks)} placeholder; csplan puts the "
                            f"{' and '.join(lacks)} in the free area the layout leaves; choose "
                            "a layout with one in pptx_layouts to place it yourself")
        if not has(layout, TITLES) and title_area(layout, width, height) is None:
            raise CsplanError(f"{where}: layout '{layout.name}' for {role} slides has no title "
                              "placeholder and no free room for a title; choose another layout "
                              "in pptx_layouts")
        if role == "content":
            continue  # tables, charts and text use the title_only layout
        if subtitle_placeholder(layout) if role == "title" else has(layout, BODIES):
            continue  # the layout's own placeholder: its text is fitted to it
        area = subtitle_area(layout, width, height) if role == "title" else \
            body_area(layout, width, height)
        if area is None or area.width < MIN_BODY[0] or area.height < MIN_BODY[1] / 2:
            raise CsplanError(f"{where}: layout '{layout.name}' for {role} slides leaves no "
                              "free area for the slide's content (its placeholders and shapes "
                              "cover the slide); choose another layout in pptx_layouts")
    return warnings


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
        for kind, font in brand.deck_fonts.items():
            shown = font.regular if not font.regular.is_relative_to(brand.folder) else \
                font.regular.relative_to(brand.folder)
            extra = f", {round((font.headroom - 1) * 100)} % headroom" \
                if font.headroom != 1 else ""
            lines.append(f"  {'titles' if kind == 'major' else 'text'} measured in "
                         f"{font.family}: {shown}{extra}")
        lines.append("  layouts by kind of slide:")
        for role, (m, index) in brand.pptx_layouts.items():
            layout = prs.slide_masters[m].slide_layouts[index]
            lines.append(f"    {role} slides: {layout.name} (master {m + 1}, "
                         f"{brand.layout_choice.get(role, 'by its name')})")
    if brand.docx_reference is None:
        lines.append("DOCX reference: none (the plan uses python-docx's default styles)")
    else:
        import docx

        document = docx.Document(io.BytesIO(brand.docx_reference))
        present = {style.name for style in document.styles}
        lines.append(f"DOCX reference: {brand.spec.docx_reference}")
        page = brand.docx_page
        lines.append("  page: " + (page.describe() if page else
                                   "none set (csplan's: the PDF's paper, 18 mm margins)"))
        for name in DOCX_STYLES:
            state = "missing (csplan adds its default)" if name in brand.docx_added_styles \
                else "present" if name in present else "missing"
            lines.append(f"  {name}: {state}")
    lines.append("warnings:" if brand.warnings else "warnings: none")
    lines += [f"  {warning}" for warning in brand.warnings]
    return lines
