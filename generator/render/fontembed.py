"""Fonts travel with the files: the brand's font embedded in the DOCX and the PPTX.

A reader without the brand's font installed (most customers' Word and PowerPoint, or
LibreOffice) would set the documents in a substitute, and text measured in Lato would wrap
and collide. Where the font's licence allows it, the font files go into the package:

- DOCX (ECMA-376 Part 1, 17.8.1 and 17.8.3): each face as an obfuscated font part
  ``word/fonts/fontN.odttf``: the first 32 bytes of the font XOR-ed with a 16-byte key
  whose GUID ``w:fontKey`` names beside ``w:embedRegular`` (Bold, Italic, BoldItalic) in
  ``word/fontTable.xml``; ``w:embedTrueTypeFonts`` in the settings.
- PPTX (19.2.1.9 to 19.2.1.11): each face as ``ppt/fonts/fontN.fntdata`` listed in
  ``p:embeddedFontLst`` of ``ppt/presentation.xml``. The part holds the font in Embedded
  OpenType (an uncompressed EOT: a header, then the font as it is), as PowerPoint writes it.

Which fonts may travel is the brand's call (``fonts.embed`` in brand.yaml): ``true`` for a
font it holds the rights to embed, ``false`` never; unset, a font is embedded only when its
own licence text says it is under the SIL Open Font License (the bundled Lato). A font
whose OS/2 fsType says "Restricted License embedding" is never embedded. The key is
derived from the font's bytes and nothing else, so a document always has the same bytes.
The fallback fonts (CJK, large) are not embedded.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from functools import lru_cache
from pathlib import Path

from lxml import etree

from csplan.inputs.brand import Brand

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PR = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
FONT_REL = f"{R}/font"
ODTTF = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FNTDATA = "application/x-fontdata"
# the brand's faces as the formats name them
_FACES = (("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"),
          ("bold_italic", "BoldItalic"))
_SFNT = (b"\x00\x01\x00\x00", b"OTTO", b"true")
_OFL = ("open font license", "scripts.sil.org/ofl", "openfontlicense.org")


@lru_cache(maxsize=32)
def _read(path: Path) -> bytes:
    return path.read_bytes()


@lru_cache(maxsize=32)
def open_licence(path: Path) -> bool:
    """Return whether the font file's own licence (name IDs 13 and 14) is the SIL OFL."""
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(_read(path)), lazy=True) as font:
        names = font["name"].names if "name" in font else []
        text = " ".join(n.toUnicode().lower() for n in names if n.nameID in (13, 14))
    return any(mark in text for mark in _OFL)


@lru_cache(maxsize=32)
def restricted(path: Path) -> bool:
    """Return whether the font file forbids embedding (OS/2 fsType: Restricted License), or
    has no OS/2 table to say."""
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(_read(path)), lazy=True) as font:
        return "OS/2" not in font or (font["OS/2"].fsType & 0x000F) == 0x0002


def faces(brand: Brand) -> list[tuple[str, bytes]]:
    """Return the brand font's faces to embed as (face, bytes): none when its licence does
    not allow it (see the module's note), nor when the font itself says it must not be
    embedded (fsType "Restricted License"), whatever brand.yaml says."""
    files = brand.font_files
    choice = brand.spec.fonts.embed
    if choice is False:
        return []
    # Only TrueType and OpenType files travel (not WOFF or collections, which Word and
    # PowerPoint do not read); a file fontTools cannot read is left out, not a failure.
    if any(not _read(path).startswith(_SFNT) for path in files.values()):
        return []
    try:
        if choice is None and not open_licence(files["regular"]):
            return []
        if any(restricted(path) for path in files.values()):
            return []
    except Exception:  # noqa: BLE001 - a font fontTools cannot parse: it does not travel
        return []
    return [(face, _read(files[key])) for key, face in _FACES if key in files]


def font_key(data: bytes) -> str:
    """Return the GUID that keys the obfuscation of ``data``: from its bytes alone."""
    h = hashlib.sha256(data).hexdigest()[:32].upper()
    return f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}}}"


def obfuscate(data: bytes, key: str) -> bytes:
    """Return ``data`` obfuscated (or de-obfuscated: it is its own inverse) with the GUID
    ``key`` as ECMA-376 17.8.1 says: the GUID's 16 bytes, read from its end, XOR the first
    32 bytes of the font."""
    digits = key.strip("{}").replace("-", "")
    mask = bytes.fromhex(digits)[::-1]
    head = bytes(b ^ mask[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


@lru_cache(maxsize=16)  # the same few faces, deck after deck
def eot(data: bytes) -> bytes:
    """Return the TrueType font ``data`` as an uncompressed Embedded OpenType (version
    0x00020001): the header PowerPoint and LibreOffice read, then the font unchanged."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    os2, name = font["OS/2"], font["name"]
    # head.checkSumAdjustment from the raw table: decompiling head logs about its dates
    (checksum,) = struct.unpack_from(">I", font.reader["head"], 8)

    def text(name_id: int) -> bytes:
        value = name.getDebugName(name_id) or ""
        encoded = value.encode("utf-16-le")
        return struct.pack("<H", len(encoded)) + encoded

    panose = os2.panose
    fixed = struct.pack(
        "<II10sBBIHH4I2II4I",
        0x00020001, 0,  # version, flags (no subsetting, no compression, no XOR)
        bytes([panose.bFamilyType, panose.bSerifStyle, panose.bWeight, panose.bProportion,
               panose.bContrast, panose.bStrokeVariation, panose.bArmStyle,
               panose.bLetterForm, panose.bMidline, panose.bXHeight]),
        1,  # charset: DEFAULT_CHARSET
        1 if os2.fsSelection & 1 else 0,  # italic
        os2.usWeightClass, os2.fsType, 0x504C,
        os2.ulUnicodeRange1, os2.ulUnicodeRange2, os2.ulUnicodeRange3, os2.ulUnicodeRange4,
        os2.ulCodePageRange1, os2.ulCodePageRange2, checksum, 0, 0, 0, 0)
    pad = b"\0\0"
    names = (pad + text(1) + pad + text(2) + pad + text(5) + pad + text(4)
             + pad + struct.pack("<H", 0))  # no root string: any document may use it
    body = fixed + names
    size = 8 + len(body) + len(data)
    return struct.pack("<II", size, len(data)) + body + data


def eot_font(part: bytes) -> bytes:
    """Return the font inside an Embedded OpenType part (the inverse of ``eot``)."""
    size, data_size = struct.unpack_from("<II", part)
    return part[size - data_size:size]


# ---------------------------------------------------------------------------- packages
def _parse(blob: bytes):
    return etree.fromstring(blob)


def _xml(element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _default_type(types, extension: str, content_type: str) -> None:
    for default in types.findall(f"{{{CT}}}Default"):
        if default.get("Extension", "").lower() == extension:
            return
    element = etree.Element(f"{{{CT}}}Default", Extension=extension,
                            ContentType=content_type)
    types.insert(0, element)


def _add_rels(rels, targets: list[str]) -> list[str]:
    ids = {r.get("Id") for r in rels}
    out = []
    number = 1
    for target in targets:
        while f"rIdF{number}" in ids:
            number += 1
        ids.add(f"rIdF{number}")
        etree.SubElement(rels, f"{{{PR}}}Relationship", Id=f"rIdF{number}", Type=FONT_REL,
                         Target=target)
        out.append(f"rIdF{number}")
    return out


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            z.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), blob,
                       zipfile.ZIP_STORED if name.endswith((".odttf", ".fntdata"))
                       else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {item.filename: z.read(item) for item in z.infolist()}


# CT_Settings: what comes before w:embedTrueTypeFonts
_SETTINGS_BEFORE = {"writeProtection", "view", "zoom", "removePersonalInformation",
                    "removeDateAndTime", "doNotDisplayPageBoundaries",
                    "displayBackgroundShape", "printPostScriptOverText",
                    "printFractionalCharacterWidth", "printFormsData"}


def docx(data: bytes, brand: Brand) -> bytes:
    """Return the DOCX package ``data`` with the brand font embedded (when allowed)."""
    chosen = faces(brand)
    if not chosen:
        return data
    parts = _parts(data)
    family = brand.spec.fonts.family
    table = _parse(parts["word/fontTable.xml"])
    font = next((f for f in table.findall(f"{{{W}}}font") if f.get(f"{{{W}}}name") == family),
                None)
    if font is None:
        font = etree.SubElement(table, f"{{{W}}}font")
        font.set(f"{{{W}}}name", family)
    for old in list(font):
        if etree.QName(old).localname.startswith("embed"):
            font.remove(old)
    rels_name = "word/_rels/fontTable.xml.rels"
    rels = _parse(parts[rels_name]) if rels_name in parts else etree.Element(
        f"{{{PR}}}Relationships", nsmap={None: PR})
    targets = [f"fonts/{family.replace(' ', '')}-{face}.odttf" for face, _d in chosen]
    for (face, blob), target, rid in zip(chosen, targets, _add_rels(rels, targets)):
        key = font_key(blob)
        parts[f"word/{target}"] = obfuscate(blob, key)
        embed = etree.SubElement(font, f"{{{W}}}embed{face}")
        embed.set(f"{{{R}}}id", rid)
        embed.set(f"{{{W}}}fontKey", key)
    parts["word/fontTable.xml"] = _xml(table)
    parts[rels_name] = _xml(rels)
    settings = _parse(parts["word/settings.xml"])
    if settings.find(f"{{{W}}}embedTrueTypeFonts") is None:
        flag = etree.Element(f"{{{W}}}embedTrueTypeFonts")
        after = next((c for c in settings if not isinstance(c.tag, str)
                      or etree.QName(c).localname not in _SETTINGS_BEFORE), None)
        if after is not None:
            after.addprevious(flag)
        else:
            settings.append(flag)
    parts["word/settings.xml"] = _xml(settings)
    types = _parse(parts["[Content_Types].xml"])
    _default_type(types, "odttf", ODTTF)
    parts["[Content_Types].xml"] = _xml(types)
    return _zip(parts)


# CT_Presentation: what comes after p:embeddedFontLst
_PRESENTATION_AFTER = ("custShowLst", "photoAlbum", "custDataLst", "kinsoku",
                       "defaultTextStyle", "modifyVerifier", "extLst")


def pptx(data: bytes, brand: Brand) -> bytes:
    """Return the PPTX package ``data`` with the brand font embedded (when allowed)."""
    chosen = faces(brand)
    if not chosen:
        return data
    parts = _parts(data)
    family = brand.spec.fonts.family
    presentation = _parse(parts["ppt/presentation.xml"])
    old = presentation.find(f"{{{P}}}embeddedFontLst")
    if old is not None:
        presentation.remove(old)
    listing = etree.Element(f"{{{P}}}embeddedFontLst")
    after = next((presentation.find(f"{{{P}}}{tag}") for tag in _PRESENTATION_AFTER
                  if presentation.find(f"{{{P}}}{tag}") is not None), None)
    if after is not None:
        after.addprevious(listing)
    else:
        presentation.append(listing)
    presentation.set("embedTrueTypeFonts", "1")
    entry = etree.SubElement(listing, f"{{{P}}}embeddedFont")
    etree.SubElement(entry, f"{{{P}}}font", typeface=family)
    rels_name = "ppt/_rels/presentation.xml.rels"
    rels = _parse(parts[rels_name])
    targets = [f"fonts/{family.replace(' ', '')}-{face}.fntdata" for face, _d in chosen]
    for (face, blob), target, rid in zip(chosen, targets, _add_rels(rels, targets)):
        parts[f"ppt/{target}"] = eot(blob)
        tag = face[0].lower() + face[1:]  # regular, bold, italic, boldItalic
        etree.SubElement(entry, f"{{{P}}}{tag}").set(f"{{{R}}}id", rid)
    parts["ppt/presentation.xml"] = _xml(presentation)
    parts[rels_name] = _xml(rels)
    types = _parse(parts["[Content_Types].xml"])
    _default_type(types, "fntdata", FNTDATA)
    parts["[Content_Types].xml"] = _xml(types)
    return _zip(parts)
