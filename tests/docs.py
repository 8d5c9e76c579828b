"""Read generated documents back as text, for tests that assert on content."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
from pypdf import PdfReader


def docx_text(path: Path) -> str:
    """Return every paragraph and table cell of a DOCX, header and footer included."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in _tables(document):
        for row in table.rows:
            for cell in row.cells:
                parts += [p.text for p in cell.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def _tables(container):
    for table in container.tables:
        yield table
        for row in table.rows:
            for cell in row.cells:
                yield from _tables(cell)


def docx_headings(path: Path) -> list[tuple[str, str]]:
    """Return (style name, text) of every heading paragraph."""
    document = docx.Document(str(path))
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name.startswith("Heading")]


def docx_xml(path: Path) -> str:
    """Return the XML of every part of the package, concatenated."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                         if n.endswith((".xml", ".rels")))


def pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def squash(text: str) -> str:
    """Return text without any whitespace, so wrapped table cells compare equal."""
    return re.sub(r"[\s\u00a0\u202f]+", "", text)
