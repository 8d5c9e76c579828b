"""``csplan brand init``: a brand folder made from a company's PowerPoint template.

A CS operations person has the master (.potx or .pptx) and perhaps the Word template (.dotx
or .docx) marketing gave them. ``init`` checks them as every build does (``clean_package``),
then writes a brand folder: the templates copied; brand.yaml with the layouts chosen for
each kind of slide (by name or by placeholder types, ``brandcheck.resolve_layouts``), the
colours of the master's theme (primary dk2, accent accent1 or accent2, text dk1, muted a mix
of the two, light lt2; the state colours csplan's, as themes have none), and the fonts of
the bundled brand for the PDF and the plan (the deck measures the theme's own fonts); the
logo, if the master shows a PNG or JPEG picture; ``page_size`` from the Word template's
paper when it is A4 or Letter, so the PDF prints on the same paper. The folder is then loaded
as a build would, so what ``init`` writes is what ``brand check`` accepts.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Optional

from csplan.exceptions import CsplanError
from csplan.inputs.brandcheck import resolve_layouts, theme_of
from csplan.inputs.master import contrast, mix, readable
from csplan.inputs.office import clean_package
from csplan.inputs.reference import page_of

_BRAND_YAML = """\
# Made by `csplan brand init` from {source}. Review it, then: csplan brand check {folder}
name: {name}
{logo}colours:                         # from the master's theme (see brand check)
  primary: "{primary}"             # headings, table headers, chart lines
  accent: "{accent}"              # rules, highlights, target lines
  text: "{text}"
  muted: "{muted}"               # captions, header and footer
  light: "{light}"               # table stripes, panels
  good: "{good}"                # done, on track (csplan's: a theme has none)
  warning: "{warning}"             # at risk
  bad: "{bad}"                 # stalled, off track
fonts:                           # the PDF and the plan's; the deck uses the theme's ({theme})
  family: Lato
  regular: fonts/Lato-Regular.ttf
  bold: fonts/Lato-Bold.ttf
  italic: fonts/Lato-Italic.ttf
  bold_italic: fonts/Lato-BoldItalic.ttf
  fallback:
    - {{family: DejaVu Sans, file: fonts/DejaVuSans.ttf}}
    - {{family: Droid Sans Fallback, file: fonts/DroidSansFallbackFull.ttf}}
{docx}pptx_master: {master}
pptx_layouts:                    # chosen by brand init; any layout of the master may be named
{layouts}min_font_pt: 12
"""


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def init_brand(source: Path, docx: Optional[Path], out: Path, bundled: Path) -> list[str]:
    """Write a brand folder in ``out`` from the master ``source`` (and Word template
    ``docx``), with the fonts of the ``bundled`` brand; return what was done, line by line.
    Raise CsplanError (exit 2) if a template is unusable or ``out`` is not empty."""
    from pptx import Presentation

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CsplanError(f"{out} already exists and is not empty; choose another --out")
    where = f"PowerPoint template {source}"
    if not source.is_file():
        raise CsplanError(f"{source} does not exist; give the company's .potx or .pptx")
    package = clean_package(source, "PPTX master", "pptx")
    try:
        prs = Presentation(io.BytesIO(package.data))
    except Exception as exc:  # noqa: BLE001 - any failure means the file must be fixed
        raise CsplanError(f"{where} cannot be opened ({type(exc).__name__}: {exc}); open it "
                          "and save it again from PowerPoint") from None
    layouts, _warnings, _how = resolve_layouts(prs, {}, where)
    master = prs.slide_masters[layouts["title_only"][0]]
    fonts, theme = theme_of(master)
    if docx is not None:
        if not docx.is_file():
            raise CsplanError(f"{docx} does not exist; give the company's .dotx or .docx")
        reference_page = _page(clean_package(docx, "DOCX reference", "docx").data, docx)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(bundled / "fonts", out / "fonts")
    master_name = "master" + source.suffix.lower()
    shutil.copyfile(source, out / master_name)
    done = [f"wrote {out / master_name} (from {source})"]
    docx_line = ""
    if docx is not None:
        reference = "reference" + docx.suffix.lower()
        shutil.copyfile(docx, out / reference)
        docx_line = f"docx_reference: {reference}\n"
        if reference_page and reference_page.paper:
            docx_line += (f"page_size: {reference_page.paper.lower()}"
                          "                  # the Word reference's paper; the PDF's too\n")
        done.append(f"wrote {out / reference} (from {docx})")
    logo = _logo(master)
    logo_line = ""
    if logo is not None:
        data, ext = logo
        (out / f"logo.{ext}").write_bytes(data)
        logo_line = f"logo: logo.{ext}                   # found on the slide master\n"
        done.append(f"wrote {out / f'logo.{ext}'} (the picture on the slide master)")
    colours = _colours(theme)
    names = {role: prs.slide_masters[m].slide_layouts[i].name
             for role, (m, i) in layouts.items()}
    text = _BRAND_YAML.format(
        source=source.name, folder=out, name=_quote(source.stem[:80] or "Company"),
        logo=logo_line, docx=docx_line, master=master_name,
        theme=", ".join(f"{k} {v}" for k, v in fonts.items()) or "none",
        layouts="".join(f"  {role}: {_quote(name)}\n" for role, name in names.items()),
        **colours)
    (out / "brand.yaml").write_text(text, encoding="utf-8")
    done.append(f"wrote {out / 'brand.yaml'}: layouts "
                + ", ".join(f"{role} '{name}'" for role, name in names.items())
                + "; colours " + ", ".join(f"{k} {colours[k]}" for k in
                                           ("primary", "accent", "text")))
    return done


def _page(data: bytes, path: Path):
    """Return the page set-up of the Word template ``data`` (None if it sets none); raise
    CsplanError if it cannot be opened or its text area is too small."""
    import docx

    where = f"Word template {path}"
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any failure means the file must be fixed
        raise CsplanError(f"{where} cannot be opened ({type(exc).__name__}: {exc}); open it "
                          "and save it again from Word") from None
    return page_of(document, where)


def _colours(theme: dict[str, str]) -> dict[str, str]:
    """Return brand.yaml's colours from a theme's: readable on white, where csplan's PDF
    and plan put them."""
    white = "#FFFFFF"
    text = readable(theme.get("dk1", "#1F2933"), white)
    primary = readable(theme.get("dk2") or theme.get("accent1", "#0E3B66"), white)
    accent = next((theme[k] for k in ("accent1", "accent2") if k in theme
                   and contrast(theme[k], white) >= 3 and theme[k] != primary),
                  theme.get("accent2", "#14AAA0"))
    light = theme.get("lt2", "#EEF3F7")
    if contrast(light, text) < 7:
        light = "#F2F2F2"
    muted = readable(mix(text, white, 0.35), white)
    return {"primary": primary, "accent": accent.upper(), "text": text, "muted": muted,
            "light": light.upper(), "good": "#2E7D32", "warning": "#B26A00", "bad": "#B3261E"}


def _logo(master) -> Optional[tuple[bytes, str]]:
    """Return the largest PNG or JPEG picture on ``master`` (else on its layouts) that is
    not a background."""
    width, height = master.part.package.presentation_part.presentation.slide_width, \
        master.part.package.presentation_part.presentation.slide_height
    best = None
    shapes = list(master.shapes)
    for layout in master.slide_layouts:
        shapes += list(layout.shapes)
    for shape in shapes:
        if best is not None and shape.part is not master.part:
            break  # the master's own picture wins over any layout's
        if shape.shape_type != 13:  # MSO_SHAPE_TYPE.PICTURE
            continue
        try:
            image = shape.image
        except (AttributeError, KeyError, ValueError):
            continue
        area = shape.width * shape.height
        if image.ext.lower() not in ("png", "jpg", "jpeg") or area > 0.25 * width * height:
            continue
        if best is None or area > best[0]:
            best = (area, image.blob, "png" if image.ext.lower() == "png" else "jpg")
    return (best[1], best[2]) if best else None
