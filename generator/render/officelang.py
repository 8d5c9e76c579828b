"""The language of an Office document's text, so spell-check and screen readers use the
account's language: ``w:lang`` in Word's style defaults, styles and every run, ``lang`` on
every PowerPoint run, paragraph end and the presentation's default text style.

A brand's reference document or master usually says ``en-US`` everywhere; a German plan
must say ``de-DE`` in all of those places, or Word marks every word as misspelt.
"""

from __future__ import annotations

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
# Word's run properties come in a fixed order; w:lang goes before these.
_AFTER_LANG = (f"{{{W}}}eastAsianLayout", f"{{{W}}}specVanish", f"{{{W}}}oMath")
EAST_ASIAN = ("ja", "zh", "ko")
RIGHT_TO_LEFT = ("ar", "he", "fa", "ur")


def _primary(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()


def _word_lang(rpr, tag: str) -> None:
    lang = rpr.find(f"{{{W}}}lang")
    if lang is None:
        lang = etree.Element(f"{{{W}}}lang")
        following = next((child for child in rpr if child.tag in _AFTER_LANG), None)
        if following is None:
            rpr.append(lang)
        else:
            following.addprevious(lang)
    if _primary(tag) in EAST_ASIAN:
        # East Asian characters are Japanese (Chinese, Korean); Latin words among them (names,
        # product names) are English, as Word's own Japanese template says: tagged ja-JP,
        # LibreOffice breaks them anywhere, as it may break Japanese ("re⏎newal").
        lang.set(f"{{{W}}}val", "en-US")
        lang.set(f"{{{W}}}eastAsia", tag)
    else:
        lang.set(f"{{{W}}}val", tag)
    if _primary(tag) in RIGHT_TO_LEFT:
        lang.set(f"{{{W}}}bidi", tag)


def word(document, tag: str) -> None:
    """Tag the style defaults, every style and every run of a python-docx ``Document`` (body,
    headers and footers) with the language ``tag`` (``de-DE``)."""
    _word_styles(document.styles.element, tag)
    for part in document.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None and str(part.partname).endswith("/stylesWithEffects.xml"):
            legacy = etree.fromstring(part.blob)  # Word 2010's copy of the styles
            _word_styles(legacy, tag)
            part._blob = etree.tostring(legacy, xml_declaration=True, encoding="UTF-8",
                                        standalone=True)
        if element is None or element.tag not in (f"{{{W}}}document", f"{{{W}}}hdr",
                                                  f"{{{W}}}ftr"):
            continue
        for run in element.iter(f"{{{W}}}r"):
            _word_lang(run.get_or_add_rPr(), tag)


def _word_styles(styles, tag: str) -> None:
    defaults = styles.find(f"{{{W}}}docDefaults")
    if defaults is None:
        defaults = etree.SubElement(styles, f"{{{W}}}docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(f"{{{W}}}rPrDefault")
    if rpr_default is None:
        rpr_default = etree.Element(f"{{{W}}}rPrDefault")
        defaults.insert(0, rpr_default)
    if rpr_default.find(f"{{{W}}}rPr") is None:
        etree.SubElement(rpr_default, f"{{{W}}}rPr")
    for rpr in styles.iter(f"{{{W}}}rPr"):
        _word_lang(rpr, tag)


def slides(presentation, tag: str) -> None:
    """Tag every run and paragraph end of every slide (and its notes), and the
    presentation's default text style, with the language ``tag``."""
    alternative = "en-US" if _primary(tag) in EAST_ASIAN else None
    elements = [presentation.part._element]
    for slide in presentation.slides:
        elements.append(slide._element)
        if slide.has_notes_slide:
            elements.append(slide.notes_slide._element)
    for element in elements:
        for run in element.iter(f"{{{A}}}r"):
            run.get_or_add_rPr()
        for props in element.iter(f"{{{A}}}rPr", f"{{{A}}}endParaRPr", f"{{{A}}}defRPr"):
            props.set("lang", tag)
            if alternative:
                props.set("altLang", alternative)
    for slide in presentation.slides:
        for shape in slide.shapes:
            if getattr(shape, "has_chart", False) and shape.has_chart:
                chart = shape.chart._chartSpace
                for props in chart.iter(f"{{{A}}}rPr", f"{{{A}}}defRPr",
                                        f"{{{A}}}endParaRPr"):
                    props.set("lang", tag)
