"""What a document says about itself, and the same bytes for the same input.

Every renderer ends here. ``DocInfo`` is a file's properties: title, subject, author,
company, language, category and its date. The views build it from the same customer-safe
data as the document, so no internal field can reach it. ``office_package`` rewrites a DOCX
or PPTX so that its properties are ours (never those of a template or a library) and its
zip is canonical; ``pdf_metadata`` does the same for a WeasyPrint document.

The date is the build's ``--today`` at midnight UTC, or ``SOURCE_DATE_EPOCH`` when it is set
(https://reproducible-builds.org/specs/source-date-epoch/). Nothing depends on the clock,
the machine or the output folder, so the same account, brand, program and date give the
same bytes: a CSM, or git, sees which documents really changed.
"""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from typing import Optional

APPLICATION = "csplan"
# Zip entries hold local date and time from 1980 to 2107, with no time zone.
ZIP_FIRST, ZIP_LAST = datetime(1980, 1, 1, tzinfo=timezone.utc), datetime(
    2107, 12, 31, 23, 59, 58, tzinfo=timezone.utc)
COMPRESS_LEVEL = 6  # zlib's default, named so it never depends on a library's choice
# The embedded brand font (four faces, 2.7 MB) shrinks to 1.39 MB at level 1 and 1.30 MB
# at 6, which takes twice as long: a tenth of a second of every DOCX and PPTX.
FONT_COMPRESS_LEVEL = 1
FONT_PARTS = (".odttf", ".fntdata")

_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RT = {"core": f"{_PR}/metadata/core-properties",
       "app": "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
              "extended-properties",
       "thumbnail": f"{_PR}/metadata/thumbnail"}
_TYPES = {"core": "application/vnd.openxmlformats-package.core-properties+xml",
          "app": "application/vnd.openxmlformats-officedocument.extended-properties+xml"}
_DEFAULT_PATHS = {"core": "docProps/core.xml", "app": "docProps/app.xml"}
_EMBEDDED = (".xlsx", ".docx", ".pptx")


def source_date_epoch() -> Optional[datetime]:
    """Return ``SOURCE_DATE_EPOCH`` as a UTC time, None when unset.

    Raises CsplanError (exit 2) when it is set but not a whole number of seconds.
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not raw:
        return None
    try:
        if not raw.isdigit():
            raise ValueError
        return datetime.fromtimestamp(int(raw), timezone.utc)
    except (ValueError, OverflowError, OSError):
        from csplan.exceptions import CsplanError

        raise CsplanError(f"SOURCE_DATE_EPOCH={raw[:40]!r} is not a number of seconds since "
                          "1970-01-01 UTC; set it to one (e.g. $(git log -1 --format=%ct)) "
                          "or unset it") from None


def document_time(today: date) -> datetime:
    """Return the date every file property and zip entry carries for a build on ``today``."""
    return source_date_epoch() or datetime(today.year, today.month, today.day,
                                           tzinfo=timezone.utc)


PROPERTY_MAX = 255


@dataclass(frozen=True)
class DocInfo:
    """A document's file properties: what the file is, who it is from, and its date."""

    title: str
    author: str  # the vendor's CSM, or the vendor (brand) name
    created: datetime  # aware, UTC
    subject: str = ""
    company: str = ""  # the vendor (brand) name
    language: str = ""  # e.g. en-US, de-DE
    category: str = ""
    keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # An Office core property holds 255 characters (python-docx and python-pptx raise
        # on more). The model keeps names well under it; this is the last defence.
        for name in ("title", "author", "subject", "company", "category"):
            object.__setattr__(self, name, getattr(self, name)[:PROPERTY_MAX])

    @classmethod
    def on(cls, today: date, **fields) -> "DocInfo":
        """Return the properties of a document built on ``today`` (see ``document_time``)."""
        return cls(created=document_time(today), **fields)

    @property
    def w3c(self) -> str:
        return self.created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------- PDF
def pdf_metadata(metadata, info: DocInfo) -> None:
    """Set a WeasyPrint ``DocumentMetadata`` from ``info`` (whatever the HTML said)."""
    metadata.title = info.title
    metadata.authors = [info.author]
    metadata.description = info.subject or None
    metadata.keywords = list(info.keywords)
    metadata.generator = APPLICATION
    metadata.created = metadata.modified = info.w3c
    if info.language:
        metadata.lang = info.language


# WeasyPrint's ``write_pdf`` options: the /ID is the hash of the content, so it is the same
# for the same document and no random or time-based value is written.
PDF_OPTIONS = {"pdf_identifier": True}


# ------------------------------------------------------------------------ DOCX and PPTX
def office_package(data: bytes, info: DocInfo) -> bytes:
    """Return the OOXML package ``data`` with our properties and a canonical zip.

    Core and extended properties (docProps/core.xml, docProps/app.xml) are written from
    ``info`` alone, so nothing of the template's or the library's own properties is left
    (author, dates, "python-docx", statistics of another document); a package thumbnail (a
    template's stale preview) is removed; packages embedded in it (a chart's workbook) are
    treated the same way. Entries come in a fixed order ([Content_Types].xml, then by name),
    with the document's date, one compression level and no extra fields.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    _set_properties(parts, info)
    # An embedded package (a chart's workbook) is not the document: no title of its own.
    embedded = replace(info, title="", subject="", category="", keywords=())
    for name, blob in parts.items():
        if name.lower().endswith(_EMBEDDED) and blob[:4] == b"PK\x03\x04":
            try:
                parts[name] = office_package(blob, embedded)
            except (zipfile.BadZipFile, KeyError, ValueError):
                pass  # not a package we understand: leave it as it is
    return _canonical_zip(parts, info.created)


def _set_properties(parts: dict[str, bytes], info: DocInfo) -> None:
    from lxml import etree

    if "_rels/.rels" not in parts or "[Content_Types].xml" not in parts:
        raise KeyError("not an OOXML package")
    rels = etree.fromstring(parts["_rels/.rels"])
    types = etree.fromstring(parts["[Content_Types].xml"])
    found: dict[str, str] = {}
    for rel in list(rels):
        kind = next((k for k, uri in _RT.items() if rel.get("Type") == uri), None)
        if kind is None:
            continue
        target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
        if kind == "thumbnail" or kind in found:
            rels.remove(rel)
            parts.pop(target, None)
            _drop_override(types, target)
        else:
            found[kind] = target
    ids = {rel.get("Id") for rel in rels}
    for kind in ("core", "app"):
        if kind not in found:
            found[kind] = _DEFAULT_PATHS[kind]
            number = 1
            while f"rIdP{number}" in ids:
                number += 1
            ids.add(f"rIdP{number}")
            etree.SubElement(rels, f"{{{_PR}}}Relationship", Id=f"rIdP{number}",
                             Type=_RT[kind], Target=found[kind])
        _drop_override(types, found[kind])
        etree.SubElement(types, f"{{{_CT}}}Override", PartName="/" + found[kind],
                         ContentType=_TYPES[kind])
    parts[found["core"]] = _core_xml(info)
    parts[found["app"]] = _app_xml(info)
    parts["_rels/.rels"] = _xml(rels)
    parts["[Content_Types].xml"] = _xml(types)


def _drop_override(types, part: str) -> None:
    for override in list(types):
        if override.get("PartName", "").lstrip("/") == part:
            types.remove(override)


def _xml(element) -> bytes:
    from lxml import etree

    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core_xml(info: DocInfo) -> bytes:
    from lxml import etree

    root = etree.Element(f"{{{_CP}}}coreProperties", nsmap={
        "cp": _CP, "dc": _DC, "dcterms": _DCTERMS, "xsi": _XSI})

    def add(ns: str, tag: str, text: str) -> None:
        if text:
            etree.SubElement(root, f"{{{ns}}}{tag}").text = text

    add(_DC, "title", info.title)
    add(_DC, "subject", info.subject)
    add(_DC, "creator", info.author)
    add(_CP, "keywords", ", ".join(info.keywords))
    add(_DC, "language", info.language)
    add(_CP, "category", info.category)
    add(_CP, "lastModifiedBy", info.author)
    add(_CP, "revision", "1")
    for tag in ("created", "modified"):
        stamp = etree.SubElement(root, f"{{{_DCTERMS}}}{tag}")
        stamp.set(f"{{{_XSI}}}type", "dcterms:W3CDTF")
        stamp.text = info.w3c
    return _xml(root)


def _app_xml(info: DocInfo) -> bytes:
    from lxml import etree

    root = etree.Element(f"{{{_EP}}}Properties", nsmap={None: _EP, "vt": _VT})
    for tag, text in (("Application", APPLICATION), ("DocSecurity", "0"),
                      ("ScaleCrop", "false"), ("Company", info.company),
                      ("LinksUpToDate", "false"), ("SharedDoc", "false"),
                      ("HyperlinksChanged", "false")):
        if text:
            etree.SubElement(root, f"{{{_EP}}}{tag}").text = text
    return _xml(root)


def _canonical_zip(parts: dict[str, bytes], when: datetime) -> bytes:
    stamp = min(max(when, ZIP_FIRST), ZIP_LAST).astimezone(timezone.utc)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                 stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            entry = zipfile.ZipInfo(name, date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3  # Unix on every machine (Windows would write 0)
            entry.external_attr = 0o644 << 16
            package.writestr(entry, parts[name], compresslevel=FONT_COMPRESS_LEVEL
                             if name.endswith(FONT_PARTS) else COMPRESS_LEVEL)
    return out.getvalue()
