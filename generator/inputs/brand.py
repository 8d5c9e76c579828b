"""The brand folder: one ``brand.yaml`` (name, colours, fonts, logo, templates) for every format.

A brand folder comes from a company's design team and is treated like code to review, but
it is still validated: colours are ``#RRGGBB`` (nothing else reaches CSS), font and file
paths stay inside the folder, the logo is a checked PNG or JPEG.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from csplan.exceptions import BuildError, CsplanError, SourceError
from csplan.locale import NO_WORDING, Wording
from csplan.inputs.brandcheck import Layouts, check_kinds, resolve_layouts, theme_of
from csplan.inputs.fonts import DeckFont, resolve
from csplan.inputs.images import CheckedImage, check_image
from csplan.inputs.office import clean_package
from csplan.inputs.reference import PageSetup, page_of, prepare
from csplan.inputs.source import read_yaml
from csplan.text import echo
from csplan.inputs.validate import validate
from csplan.inputs.wording import load_wording

Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]


def _relative(value: str) -> str:
    pure = PurePosixPath(value)
    if pure.is_absolute() or ".." in pure.parts or ":" in value or "\\" in value:
        raise ValueError(f"'{value}' must be a path inside the brand folder")
    return value


RelPath = Annotated[str, AfterValidator(_relative)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Colours(_Strict):
    primary: Colour
    accent: Colour
    text: Colour
    muted: Colour
    light: Colour
    good: Colour
    warning: Colour
    bad: Colour


Family = Annotated[str, Field(pattern=r"^[A-Za-z0-9 -]{1,40}$")]


class FallbackFont(_Strict):
    family: Family
    file: RelPath


class Fonts(_Strict):
    family: Family
    regular: RelPath
    bold: RelPath
    italic: Optional[RelPath] = None
    bold_italic: Optional[RelPath] = None
    fallback: list[FallbackFont] = []
    # embed the family's files in the DOCX and the PPTX: true only for a font whose licence
    # allows it; unset, only a font whose own licence text is the SIL OFL (see fontembed)
    embed: Optional[bool] = None


class BrandFile(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    logo: Optional[RelPath] = None
    colours: Colours
    fonts: Fonts
    docx_reference: Optional[RelPath] = None
    pptx_master: Optional[RelPath] = None
    pptx_layouts: dict[str, str] = {}
    wording: dict[str, dict[str, Union[str, list[str]]]] = {}  # checked by inputs.wording
    min_font_pt: Annotated[float, Field(ge=6, le=40)] = 12
    # the PDF's paper (and the DOCX's when the reference sets none); unset: by the account's
    # country, Letter in the US, Canada and parts of Latin America, else A4
    page_size: Optional[Literal["a4", "letter"]] = None


@dataclass(frozen=True)
class Brand:
    """A validated brand folder: its settings and the resolved files they name."""

    folder: Path
    spec: BrandFile
    logo: Optional[CheckedImage]
    docx_reference: Optional[bytes] = None  # the checked, cleaned package renderers open
    pptx_master: Optional[bytes] = None
    # kind of slide -> (master index, layout index) in pptx_master, resolved by load_brand
    pptx_layouts: Layouts = field(default_factory=dict)
    # kind of slide -> how its layout was chosen ("named in brand.yaml", "by its placeholders")
    layout_choice: dict[str, str] = field(default_factory=dict)
    # "major" (titles) and "minor" (text): the font files the deck's theme fonts render in
    deck_fonts: dict[str, DeckFont] = field(default_factory=dict)
    docx_added_styles: tuple[str, ...] = ()  # Word styles the reference lacked, now added
    docx_page: Optional[PageSetup] = None  # the reference's page, kept in every DOCX
    warnings: tuple[str, ...] = ()
    wording: Wording = NO_WORDING  # the company's own words for some messages

    @property
    def colours(self) -> Colours:
        return self.spec.colours

    def paper(self, by_locale: str) -> str:
        """Return the PDF's paper, "A4" or "Letter": brand.yaml's ``page_size``, else
        ``by_locale`` (the account's)."""
        return {"a4": "A4", "letter": "Letter"}.get(self.spec.page_size or "", by_locale)

    @property
    def font_files(self) -> dict[str, Path]:
        f = self.spec.fonts
        named = {"regular": f.regular, "bold": f.bold, "italic": f.italic,
                 "bold_italic": f.bold_italic}
        return {k: self.folder / v for k, v in named.items() if v}

    @property
    def fallback_fonts(self) -> list[tuple[str, Path]]:
        return [(f.family, self.folder / f.file) for f in self.spec.fonts.fallback]

    def fonts_key(self) -> tuple:
        """Return what identifies this brand's font files right now (path, size, time): the
        PDF renderer keeps one font configuration per key per process."""
        files = [*self.font_files.values(), *(path for _, path in self.fallback_fonts)]
        key = []
        for path in files:
            try:
                st = path.stat()
                key.append((str(path), st.st_size, st.st_mtime_ns, path.is_symlink()))
            except OSError:
                key.append((str(path), None))
        return (str(self.folder), *key)

    @property
    def font_stack(self) -> list[str]:
        """Return the family names in the order text should try them."""
        return [self.spec.fonts.family] + [f.family for f in self.spec.fonts.fallback]


# The first four bytes of the font files WeasyPrint and Pillow can read.
_FONT_SIGNATURES = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")


def _check_font(real: Path, shown: Path) -> None:
    with real.open("rb") as fh:
        if fh.read(4) not in _FONT_SIGNATURES:
            raise CsplanError(f"brand font {shown} is not a TrueType or OpenType font; "
                              "point brand.yaml at a .ttf, .otf or .woff file")


def load_brand(folder: Path, quiet: bool = False) -> Brand:
    """Return the brand in ``folder``; raise CsplanError (exit 2) if it is not usable. Its
    warnings are printed as it loads, unless ``quiet`` (the caller shows them)."""
    spec_path = folder / "brand.yaml"
    if not spec_path.is_file():
        raise CsplanError(f"{folder} is not a brand folder: it has no brand.yaml")
    try:
        document = read_yaml(spec_path)
        spec = validate(document, BrandFile)
    except SourceError as exc:
        raise CsplanError("the brand file is not valid:", exc.findings) from None
    wording = load_wording(document, folder)
    check_kinds(spec.pptx_layouts, str(spec_path))
    root = folder.resolve()
    packages: dict[str, bytes] = {}
    dropped: list[str] = []
    layouts: Layouts = {}
    deck_fonts: dict[str, DeckFont] = {}
    added: list[str] = []
    page: Optional[PageSetup] = None
    choice: dict[str, str] = {}
    for label, rel in (("font", spec.fonts.regular), ("font", spec.fonts.bold),
                       ("font", spec.fonts.italic), ("font", spec.fonts.bold_italic),
                       *(("font", f.file) for f in spec.fonts.fallback),
                       ("DOCX reference", spec.docx_reference),
                       ("PPTX master", spec.pptx_master)):
        if rel is None:
            continue
        target = (folder / rel)
        try:
            real = target.resolve(strict=True)
        except (OSError, RuntimeError):
            raise CsplanError(f"brand {label} {target} does not exist") from None
        if not real.is_relative_to(root) or not real.is_file():
            raise CsplanError(f"brand {label} {target} must be a file inside {folder}")
        if label == "font":
            _check_font(real, target)
            continue
        kind = "docx" if label.startswith("DOCX") else "pptx"
        package = clean_package(real, label, kind, target)
        opened = _open_package(package.data, kind, f"brand {label} {target}")
        packages[kind] = package.data
        if kind == "docx":  # styles added, sample text and stacking page fields removed
            packages[kind], added, reference_warnings = prepare(package.data,
                                                                f"brand {label} {target}")
            dropped += reference_warnings
            page = page_of(opened, f"brand {label} {target}")
            if page is not None and page.paper and spec.page_size is None:
                dropped.append(
                    f"{target}: warning BRAND the Word reference is {page.paper}, and the PDF's "
                    "paper follows each account's country (Letter in the US, A4 elsewhere): "
                    f"set page_size: {page.paper.lower()} in brand.yaml to print both on "
                    f"{page.paper}")
            elif page is not None and page.paper and spec.page_size != page.paper.lower():
                dropped.append(
                    f"{target}: warning BRAND the PDF is {spec.page_size.title()}, the Word "
                    f"reference {page.paper}: set page_size: {page.paper.lower()} in "
                    "brand.yaml")
        if kind == "pptx":  # every layout problem now, once, rather than per account
            layouts, layout_warnings, choice = resolve_layouts(opened, spec.pptx_layouts,
                                                               f"brand {label} {target}")
            dropped += layout_warnings
            deck_fonts, font_warnings = _deck_fonts(opened, layouts, spec, folder,
                                                    f"brand {label} {target}")
            dropped += font_warnings
        if package.missing:
            dropped.append(f"{target}: warning BRAND dropped links to parts the file does not "
                           f"have: {', '.join(package.missing)}; open the file and save it "
                           "again to silence this warning")
        if package.dropped:
            dropped.append(f"{target}: warning BRAND dropped external links that every document "
                           f"would carry: {', '.join(package.dropped)}; remove them from the "
                           "file to silence this warning")
    logo = None
    if spec.logo:
        try:
            logo = check_image(folder / spec.logo, [folder], "brand logo")
        except BuildError as exc:
            raise CsplanError(str(exc)) from None
    for line in dropped if not quiet else ():  # (brand check lists them itself)
        echo(line, err=True)
    return Brand(folder=folder, spec=spec, logo=logo, docx_reference=packages.get("docx"),
                 pptx_master=packages.get("pptx"), pptx_layouts=layouts,
                 layout_choice=choice, deck_fonts=deck_fonts,
                 docx_added_styles=tuple(added), docx_page=page, warnings=tuple(dropped),
                 wording=wording)


def _deck_fonts(prs, layouts: Layouts, spec: BrandFile, folder: Path, where: str
                ) -> tuple[dict[str, DeckFont], list[str]]:
    """Return the font files the deck's titles (major) and text (minor) render in: the theme
    fonts of the master its slides use, resolved by ``inputs.fonts``; and warnings."""
    master = prs.slide_masters[layouts["title_only"][0]] if layouts else prs.slide_master
    theme, _colours = theme_of(master)
    f = spec.fonts
    files = (folder / f.regular, folder / f.bold)
    out: dict[str, DeckFont] = {}
    warnings: list[str] = []
    for kind in ("major", "minor"):
        font, warning = resolve(theme.get(kind, f.family), folder, f.family, files, where)
        out[kind] = font
        if warning and warning not in warnings:
            warnings.append(warning)
    return out, warnings


def _open_package(data: bytes, kind: str, where: str):
    """Open a cleaned template the way the renderers will, so a file python-docx or
    python-pptx cannot use is a configuration error now rather than a crash per account."""
    try:
        if kind == "docx":
            import docx

            return docx.Document(io.BytesIO(data))
        from pptx import Presentation

        return Presentation(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any failure means the brand must fix the file
        raise CsplanError(f"{where} cannot be opened ({type(exc).__name__}: {exc}); open it "
                          "and save it again from Word or PowerPoint") from None
