"""Compile the XPath expressions of python-pptx and python-docx once per process.

Both libraries find elements with ``element.xpath(expression)``, which makes lxml compile
the expression on every call: about 2,000 calls per QBR deck, 25 us each. A compiled
``etree.XPath`` per expression string gives the same result in 4 us. The override is the
libraries' own (``BaseOxmlElement.xpath``, which only adds their namespace map); if a
version no longer has it, nothing is patched and documents are just slower.
"""

from __future__ import annotations

from lxml import etree


def _compile_once(cls, namespaces: dict) -> None:
    if getattr(cls.xpath, "_csplan", False):
        return
    compiled: dict[str, etree.XPath] = {}

    def xpath(self, xpath_str: str):
        query = compiled.get(xpath_str)
        if query is None:
            query = compiled[xpath_str] = etree.XPath(xpath_str, namespaces=namespaces)
        return query(self)

    xpath._csplan = True  # type: ignore[attr-defined]
    cls.xpath = xpath


def compile_office_xpath() -> None:
    """Patch python-pptx's and python-docx's element classes (idempotent)."""
    try:
        from pptx.oxml import xmlchemy as pptx_xml

        _compile_once(pptx_xml.BaseOxmlElement, pptx_xml._nsmap)
    except (ImportError, AttributeError):  # pragma: no cover - another library version
        pass
    try:
        from docx.oxml import xmlchemy as docx_xml
        from docx.oxml.ns import nsmap

        _compile_once(docx_xml.BaseOxmlElement, nsmap)
    except (ImportError, AttributeError):  # pragma: no cover
        pass
