"""Check an image before any document uses it: real PNG or JPEG, bounded size, decodes cleanly.

A logo comes from a person's folder. A file named ``.png`` may be anything; a tiny PNG can
claim 100,000 x 100,000 pixels and decompress to gigabytes. Every image is opened with
Pillow under explicit caps and fully decoded before a renderer sees it.

Renderers never embed the file itself: a logo is re-encoded from its decoded pixels (its EXIF
orientation applied, colours converted to sRGB from an embedded ICC profile), so its EXIF
(GPS positions, names), JPEG comments, XMP and PNG text never reach a customer document. The
same input always gives the same bytes.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps

from csplan.exceptions import BuildError

MAX_BYTES = 5_000_000
MAX_PIXELS = 25_000_000
MAX_SIDE = 10_000
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}


@dataclass(frozen=True)
class CheckedImage:
    path: Path
    format: str
    width: int
    height: int
    data: bytes  # the image re-encoded from its pixels: what documents embed

    @property
    def mime(self) -> str:
        return FORMATS[self.format]


def check_image(path: Path, roots: list[Path], what: str = "image") -> CheckedImage:
    """Return the checked image at ``path``; raise BuildError naming ``what`` if it is not a
    PNG or JPEG inside one of ``roots`` within the size and pixel caps."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        raise BuildError(f"{what} {path} does not exist") from None
    if not any(real.is_relative_to(r.resolve()) for r in roots):
        raise BuildError(f"{what} {path} is outside the account's folder and brand/ "
                         "(a link?); copy the file in")
    if not real.is_file():
        raise BuildError(f"{what} {path} is not a file")
    size = real.stat().st_size
    if size > MAX_BYTES:
        raise BuildError(f"{what} {path} is {size // 1_000_000} MB; use an image under "
                         f"{MAX_BYTES // 1_000_000} MB")
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES = True for the whole process on import; a
    # truncated logo must still be refused here.
    truncated_setting = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(real, formats=list(FORMATS)) as img:
                width, height = img.size
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise BuildError(f"{what} {path} is {width} x {height} pixels; use one "
                                     f"under {MAX_SIDE} pixels a side")
                fmt = img.format
                img.load()
                if fmt in FORMATS:
                    clean = _clean(img)
    except BuildError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BuildError(f"{what} {path} decompresses to too many pixels; use a normal "
                         "PNG or JPEG") from None
    except Exception as exc:  # noqa: BLE001 - any decoder failure means a bad image
        raise BuildError(f"{what} {path} is not a readable PNG or JPEG "
                         f"({type(exc).__name__}); export it again as PNG") from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_setting
    if fmt not in FORMATS:
        raise BuildError(f"{what} {path} is {fmt}, not PNG or JPEG")
    return CheckedImage(real, fmt, clean.width, clean.height, _encode(clean, fmt))


def cleaned(path: Path, roots: list[Path]) -> bytes:
    """Return the re-encoded bytes of the image at ``path`` (see ``check_image``), remembered
    while the file is unchanged: the PDF fetcher serves these instead of the file."""
    st = path.stat()
    return _cleaned(str(path), st.st_size, st.st_mtime_ns, tuple(str(r) for r in roots))


@lru_cache(maxsize=16)
def _cleaned(path: str, size: int, mtime_ns: int, roots: tuple[str, ...]) -> bytes:
    return check_image(Path(path), [Path(r) for r in roots]).data


def _clean(img: Image.Image) -> Image.Image:
    """Return the pixels of ``img`` as the author saw them, with no metadata attached."""
    shown = ImageOps.exif_transpose(img)
    icc = img.info.get("icc_profile")
    alpha = "A" in shown.getbands() or "transparency" in shown.info
    if icc or shown.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        mode = "RGBA" if alpha else "RGB"
        if icc:
            try:
                source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                converted = shown.convert(mode) if shown.mode not in ("RGB", "RGBA", "CMYK",
                                                                     "L") else shown
                shown = ImageCms.profileToProfile(converted, source,
                                                  ImageCms.createProfile("sRGB"),
                                                  outputMode=mode)
            except (ImageCms.PyCMSError, OSError, ValueError):
                shown = shown.convert(mode)  # an unusable profile: take the pixels as sRGB
        else:
            shown = shown.convert(mode)
    clean = shown.copy()
    keep = {"transparency": shown.info["transparency"]} if "transparency" in shown.info else {}
    clean.info = keep
    return clean


def _encode(img: Image.Image, fmt: str) -> bytes:
    """Return ``img`` as a PNG or JPEG with nothing but pixels (and PNG transparency)."""
    out = io.BytesIO()
    if fmt == "JPEG":
        if img.mode not in ("L", "RGB"):
            img = img.convert("RGB")
        img.save(out, "JPEG", quality=95, subsampling=0, optimize=False, progressive=False)
    else:
        img.save(out, "PNG", optimize=False)
    return out.getvalue()
