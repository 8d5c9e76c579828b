"""A brand's Office template (DOCX reference, PPTX master), checked whole and cleaned once.

Whatever a template carries is copied into every customer document, so it is read part by
part before any account is built: a sane zip (bounded parts and size, no compression bombs),
every XML part parsed whole with entities, DTDs and the network off and refused if it has a
DOCTYPE, every relationship pointing at a part with a content type, and nothing that runs
or fetches: macros (``vbaProject.bin``, macro-enabled content types), ActiveX controls, OLE
objects, a remote ``attachedTemplate`` and Word fields that fetch or run something when the
document is opened or updated (DDE, DDEAUTO, INCLUDEPICTURE, INCLUDETEXT, LINK, IMPORT:
they are field codes, not relationships) are refused. Other external relationships (linked
images, hyperlinks) are dropped, with the references to them, and reported as warnings; so
is a relationship to a part the file lacks (as Office ignores it).
Renderers open the cleaned bytes, never the file again. Every refusal is a CsplanError
(exit 2) that names the file and the part.

Templates (.potx, .dotx) are accepted: their main part is retyped as a presentation or a
document, so python-pptx and python-docx open them and every output file is a .pptx or .docx.
Macro-enabled files (.pptm, .potm, .docm, .dotm) are refused by name as well as by type.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lxml import etree

from csplan.exceptions import CsplanError

MAX_PACKAGE_BYTES = 50_000_000  # uncompressed, all parts of a DOCX/PPTX template
MAX_PACKAGE_MEMBERS = 2_000
MAX_RATIO = 200  # a part that inflates more than this is a zip bomb, not a template

Kind = Literal["docx", "pptx"]
_OOXML = "application/vnd.openxmlformats-officedocument."
# kind: (the main part's content type renderers open, the template's, what it is, save as)
MAIN_TYPES = {
    "docx": (_OOXML + "wordprocessingml.document.main+xml",
             _OOXML + "wordprocessingml.template.main+xml",
             "a Word document or template", ".docx or .dotx"),
    "pptx": (_OOXML + "presentationml.presentation.main+xml",
             _OOXML + "presentationml.template.main+xml",
             "a PowerPoint presentation or template", ".pptx or .potx"),
}
_MACRO_SUFFIXES = (".docm", ".dotm", ".pptm", ".potm")
# Content types and part names of code: VBA macros, ActiveX controls, OLE objects.
_CODE_TYPES = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject")
_CODE_NAMES = ("vbaproject.bin", "vbadata.xml")
_REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           "http://purl.oclc.org/ooxml/officeDocument/relationships")
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
# Elements that only exist to carry a relationship: dropped with it (a hyperlink on a shape,
# a Word template link); any other reference to a dropped relationship loses the attribute.
_CARRIERS = ("hlinkClick", "hlinkHover", "hlinkMouseOver", "attachedTemplate")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word fields that fetch a file or a URL, or start a program, when they are updated.
_ACTIVE_FIELDS = re.compile(r"(?<![A-Z])(DDEAUTO|DDE|INCLUDEPICTURE|INCLUDETEXT|LINK|IMPORT)"
                            r"(?![A-Z])", re.IGNORECASE)


@dataclass(frozen=True)
class CleanPackage:
    """A checked template: the bytes renderers open and the external targets dropped."""

    data: bytes
    dropped: tuple[str, ...]
    missing: tuple[str, ...] = ()  # parts that relationships named but the file lacks


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_blank_text=False)


def clean_package(path: Path, label: str, kind: Kind, shown: Path | None = None) -> CleanPackage:
    """Return the checked, cleaned template at ``path``; raise CsplanError (exit 2) naming
    ``shown`` (default ``path``) and the part if the brand must fix it."""
    shown = shown or path
    where = f"brand {label} {shown}"
    for name in (shown, path):
        if name.suffix.lower() in _MACRO_SUFFIXES:
            raise CsplanError(f"{where} is a macro-enabled file ({name.suffix.lower()}), whose "
                              "macros would reach every customer document; save it as "
                              f"{MAIN_TYPES[kind][3]} and point brand.yaml at that file")
    try:
        with zipfile.ZipFile(path) as z:
            parts = _read(z, where)
    except zipfile.BadZipFile:
        raise CsplanError(f"{where} is not a valid DOCX/PPTX package (not a zip); "
                          "save it again from Word or PowerPoint") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise CsplanError(f"{where} cannot be read ({type(exc).__name__}: {exc}); "
                          "save it again from Word or PowerPoint") from None
    return _Package(parts, where, kind).clean()


def _read(z: zipfile.ZipFile, where: str) -> dict[str, bytes]:
    members = [m for m in z.infolist() if not m.is_dir()]
    if len(members) > MAX_PACKAGE_MEMBERS:
        raise CsplanError(f"{where} has {len(members)} parts (at most {MAX_PACKAGE_MEMBERS}); "
                          "refusing it")
    total = sum(m.file_size for m in members)
    if total > MAX_PACKAGE_BYTES:
        raise CsplanError(f"{where} unpacks to {total // 1_000_000} MB (at most "
                          f"{MAX_PACKAGE_BYTES // 1_000_000} MB); refusing it")
    parts: dict[str, bytes] = {}
    seen: set[str] = set()
    for m in members:
        if m.compress_size and m.file_size / m.compress_size > MAX_RATIO and \
                m.file_size > 1_000_000:
            raise CsplanError(f"{where}: part {m.filename} is a compression bomb; refusing it")
        if m.filename.lower() in seen:
            raise CsplanError(f"{where} holds part {m.filename} twice; refusing it")
        seen.add(m.filename.lower())
        with z.open(m) as fh:  # zipfile never inflates past the declared file_size
            parts[m.filename] = fh.read()
    return parts


class _Package:
    def __init__(self, parts: dict[str, bytes], where: str, kind: Kind):
        self.parts, self.where, self.kind = parts, where, kind
        self.xml: dict[str, etree._Element] = {}
        self.changed: set[str] = set()
        self.dropped: list[str] = []
        self.missing: list[str] = []

    def refuse(self, message: str) -> CsplanError:
        return CsplanError(f"{self.where}: {message}")

    def clean(self) -> CleanPackage:
        if "[Content_Types].xml" not in self.parts:
            raise CsplanError(f"{self.where} is not an Office package (no [Content_Types].xml);"
                              " save it again from Word or PowerPoint")
        for name in self.parts:
            if name.lower().endswith((".xml", ".rels", ".vml")):
                self.parse(name)
        types = self.content_types()
        for name in self.parts:
            if name == "[Content_Types].xml":
                continue
            ctype = types(name)
            if ctype is None:
                raise self.refuse(f"part {name} has no content type in [Content_Types].xml; "
                                  "open the file and save it again")
            if name.lower().endswith(_CODE_NAMES) or "/activex/" in f"/{name.lower()}" or \
                    any(code in ctype.lower() for code in _CODE_TYPES):
                raise self.refuse(f"part {name} ({ctype}) is a macro, ActiveX control or OLE "
                                  f"object, which would reach every customer document; "
                                  f"remove it and save the file as "
                                  f"{MAIN_TYPES[self.kind][3]}")
            if ctype.endswith("xml") and name not in self.xml:
                self.parse(name)
        for name in [n for n in self.parts if n.endswith(".rels")]:
            self.relationships(name, types)
        if self.kind == "docx":
            for name, root in self.xml.items():
                self.fields(name, root)
        main = self.main_part()
        wanted, template, what, save_as = MAIN_TYPES[self.kind]
        if main is None or types(main) not in (wanted, template):
            found = types(main) if main else "nothing"
            raise self.refuse(f"the main part is {found}, not {what}; save the file as "
                              f"{save_as}")
        if types(main) == template:
            self.retype(main, wanted)
        return CleanPackage(self.write(), tuple(self.dropped), tuple(self.missing))

    def retype(self, part: str, content_type: str) -> None:
        """Give ``part`` the content type ``content_type`` (a template's main part becomes a
        presentation's or a document's, so what is made from it is one too)."""
        root = self.xml["[Content_Types].xml"]
        for override in root.iter(f"{_CT_NS}Override"):
            if override.get("PartName", "").lower() == "/" + part.lower():
                override.set("ContentType", content_type)
                break
        else:
            etree.SubElement(root, f"{_CT_NS}Override", PartName="/" + part,
                             ContentType=content_type)
        self.changed.add("[Content_Types].xml")

    def fields(self, name: str, root: etree._Element) -> None:
        """Refuse a part whose Word fields fetch or run something. A field's code may be
        split over several runs (``w:instrText``), so they are read joined, as Word does."""
        codes = ["".join(t.text or "" for t in root.iter(f"{_W}instrText"))]
        codes += [e.get(f"{_W}instr", "") for e in root.iter(f"{_W}fldSimple")]
        for code in codes:
            found = _ACTIVE_FIELDS.search(code)
            if found:
                raise self.refuse(f"part {name} has a {found.group(1).upper()} field, which "
                                  "fetches a file or runs a program when the document is "
                                  "opened; remove the field and save the file again")

    def parse(self, name: str) -> etree._Element:
        if name not in self.xml:
            try:
                root = etree.fromstring(self.parts[name], _parser())
            except etree.XMLSyntaxError as exc:
                raise self.refuse(f"part {name} is not well-formed XML ({exc}); open the file "
                                  "and save it again") from None
            info = root.getroottree().docinfo
            if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
                raise self.refuse(f"part {name} declares a DOCTYPE; Office files never need "
                                  "one, so it is refused")
            self.xml[name] = root
        return self.xml[name]

    def content_types(self):
        root = self.xml["[Content_Types].xml"]
        defaults = {e.get("Extension", "").lower(): e.get("ContentType")
                    for e in root.iter(f"{_CT_NS}Default")}
        overrides = {e.get("PartName", "").lower(): e.get("ContentType")
                     for e in root.iter(f"{_CT_NS}Override")}

        def lookup(name: str) -> str | None:
            found = overrides.get("/" + name.lower())
            if found is None and "." in name.rsplit("/", 1)[-1]:
                found = defaults.get(name.rsplit(".", 1)[-1].lower())
            return found
        return lookup

    def main_part(self) -> str | None:
        root = self.xml.get("_rels/.rels")
        if root is None:
            return None
        for rel in root.iter(_PKG_REL):
            if rel.get("Type", "").endswith("/officeDocument") and \
                    rel.get("TargetMode") != "External":
                return posixpath.normpath(rel.get("Target", "").lstrip("/"))
        return None

    def relationships(self, rels: str, types) -> None:
        """Check the internal relationships of one .rels part; drop its external ones."""
        folder, _, file = rels.rpartition("_rels/")
        source = folder + file[: -len(".rels")]
        root = self.parse(rels)
        dropped: set[str] = set()
        for rel in list(root.iter(_PKG_REL)):
            target, rel_type = rel.get("Target", ""), rel.get("Type", "")
            if rel.get("TargetMode") == "External":
                if rel_type.endswith("/attachedTemplate") and _remote(target):
                    raise self.refuse(
                        f"{source} attaches the remote template {target[:200]}, which Word "
                        "fetches whenever a customer opens the document; detach it (Developer "
                        "> Document Template) and save the file again")
                if any(code in rel_type.lower() for code in _CODE_TYPES):
                    raise self.refuse(f"{source} links the macro or object {target[:200]}; "
                                      "remove it and save the file again")
                root.remove(rel)
                dropped.add(rel.get("Id", ""))
                self.dropped.append(target[:200])
                continue
            part = posixpath.normpath(posixpath.join(posixpath.dirname(source), target)
                                      if not target.startswith("/") else target[1:])
            if part not in self.parts:
                # Office itself ignores such a link (SharePoint's customXml, often): drop it;
                # a part the renderers need is then missing and opening the file says so
                root.remove(rel)
                dropped.add(rel.get("Id", ""))
                self.missing.append(part)
                continue
            if types(part) is None:
                raise self.refuse(f"relationship {rel.get('Id')} in {rels} points to {part}, "
                                  "which has no content type; open the file and save it again")
        if dropped:
            self.changed.add(rels)
            if source in self.parts and source in self.xml:
                self.unlink(source, dropped)

    def unlink(self, source: str, ids: set[str]) -> None:
        """Remove every reference in ``source`` to the relationships ``ids``."""
        root = self.xml[source]
        for element in list(root.iter()):
            for attr in [a for a in element.attrib if _is_rel_attr(a)]:
                if element.get(attr) not in ids:
                    continue
                if etree.QName(element).localname in _CARRIERS and \
                        element.getparent() is not None:
                    element.getparent().remove(element)
                    break
                del element.attrib[attr]
        self.changed.add(source)

    def write(self) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in self.parts.items():
                if name in self.changed:
                    data = etree.tostring(self.xml[name], xml_declaration=True,
                                          encoding="UTF-8", standalone=True)
                z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data,
                           zipfile.ZIP_DEFLATED)
        return out.getvalue()


def _is_rel_attr(name: str) -> bool:
    return name.startswith("{") and name[1:].split("}", 1)[0] in _REL_NS


def _remote(target: str) -> bool:
    """Return whether a template target is fetched from elsewhere (a URL, a share, a host)
    rather than a file on the author's own disk."""
    t = target.strip().replace("\\", "/").lower()
    if t.startswith("//"):
        return True
    if t.startswith("file:"):
        rest = t[len("file:"):]
        return rest.startswith("//") and not rest.startswith(("///", "//localhost/"))
    return "://" in t or t.startswith(("http:", "https:", "ftp:", "webdav"))
