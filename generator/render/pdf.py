"""The plan as PDF: HTML laid out by WeasyPrint, fetching only files it is allowed to read.

The URL fetcher serves ``file:`` URLs under the brand folder and the account's folder and
refuses everything else (http, https, ftp, data, other files, redirects) by failing the
build: a missing image is an error, never a silent gap. Any WeasyPrint warning or error log
line fails the account too, so a broken stylesheet cannot ship.
"""

from __future__ import annotations

import atexit
import hashlib
import inspect
import io
import logging
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Optional
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from csplan.views.docinfo import PDF_OPTIONS, DocInfo, pdf_metadata
from csplan.exceptions import BuildError
from csplan.inputs.images import cleaned

MAX_RESOURCE_BYTES = 20_000_000
# A fixed map: the stdlib's mimetypes would read /etc/mime.types, outside the allowed folders.
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".ttf": "font/ttf",
         ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2", ".css": "text/css",
         ".svg": "image/svg+xml"}


_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")

_DROP_TABLES = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF",
                b"LTSH", b"PCLT", b"SVG ")


def _harfbuzz_subset(content: bytes, index: int, gids, hinting: bool, notdef: bool) -> bytes:
    """Subset one font to ``gids`` with HarfBuzz (uharfbuzz), as WeasyPrint's own path does.

    Two passes, as in WeasyPrint: the first keeps glyph ids (the page content refers to them)
    and drops the layout tables (text is already shaped); the second trims the empty glyphs
    after the last one used.
    """
    import uharfbuzz as hb

    flags = hb.SubsetFlags.PASSTHROUGH_UNRECOGNIZED | hb.SubsetFlags.DESUBROUTINIZE
    if notdef:
        flags |= hb.SubsetFlags.NOTDEF_OUTLINE
    first = hb.SubsetInput()
    first.glyph_set.update(sorted(gids))
    first.flags = flags | hb.SubsetFlags.RETAIN_GIDS
    drop = first.sets(hb.SubsetInputSets.DROP_TABLE_TAG)
    for tag in _DROP_TABLES:
        drop.add(int.from_bytes(tag, "big"))
    face = hb.subset(hb.Face(hb.Blob(content), index), first)
    second = hb.SubsetInput()
    second.glyph_set.update(range(max(gids) + 1))
    second.flags = flags if hinting else flags | hb.SubsetFlags.NO_HINTING
    return hb.subset(face, second).blob.data


def _subset_fonts_with_harfbuzz() -> None:
    """Subset embedded fonts with HarfBuzz through the uharfbuzz wheel.

    WeasyPrint subsets with the system's libharfbuzz-subset when it finds one, and otherwise
    falls back to fontTools, which takes about 0.1 s per font per document for Lato (it
    decompiles the kerning it then drops) and most of a second for the CJK fallback font.
    uharfbuzz carries its own HarfBuzz, so every machine gets the fast path (well under a
    millisecond per font). Any failure falls back to WeasyPrint's own subsetting.
    """
    try:
        from weasyprint.pdf import fonts
    except ImportError:  # pragma: no cover
        return
    original = getattr(fonts.Font, "subset", None)
    if original is None or getattr(original, "_csplan", False):
        return
    if getattr(fonts, "harfbuzz_subset", None):  # the system library: WeasyPrint's own path
        return

    def subset(self, to_unicode, hinting):
        if not to_unicode:
            return None
        try:
            self.file_content = _harfbuzz_subset(
                self.file_content, getattr(self, "index", 0) or 0, to_unicode, hinting,
                bool(getattr(self, "missing", None)))
        except Exception:  # noqa: BLE001 - WeasyPrint's own path on any surprise
            return original(self, to_unicode, hinting)
        return None

    subset._csplan = True  # type: ignore[attr-defined]
    fonts.Font.subset = subset


def _name_images_by_content() -> None:
    """Name each raster image in the PDF after a hash of its bytes, not of its URL.

    WeasyPrint names an image (its XObject) by the md5 of its URL, which holds the absolute
    path of the account's or the brand's folder: the same logo from another folder, or on
    another machine, would give a different PDF. The bytes and the orientation name the
    image instead, so the same document always gives the same PDF.
    """
    from weasyprint import images

    original = images.RasterImage.__init__
    if getattr(original, "_csplan", False):
        return
    signature = inspect.signature(original)

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        try:
            given = signature.bind(self, *args, **kwargs).arguments
        except TypeError:  # pragma: no cover - a WeasyPrint with another signature
            return
        data = given.get("image_data")
        if isinstance(data, bytes):
            self.id = hashlib.md5(data + repr(given.get("orientation")).encode(),
                                  usedforsecurity=False).hexdigest()

    __init__._csplan = True  # type: ignore[attr-defined]
    images.RasterImage.__init__ = __init__


# Notices about the machine, not the document: they do not fail a build.
_ENVIRONMENT_NOTICES = ("HarfBuzz-Subset",)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not any(notice in message for notice in _ENVIRONMENT_NOTICES):
            self.messages.append(message)


@contextmanager
def _weasyprint_log():
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")]
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # font metadata chatter
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.propagate = False
    try:
        yield handler.messages
    finally:
        for lg, (propagate, level) in zip(loggers, saved):
            lg.removeHandler(handler)
            lg.propagate = propagate
            lg.setLevel(level)


def make_fetcher(roots: list[Path]):
    """Return a WeasyPrint URL fetcher that serves files under ``roots`` and nothing else."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    allowed = [r.resolve() for r in roots]

    class SafeFetcher(URLFetcher):
        def fetch(self, url, headers=None):  # noqa: D401 - WeasyPrint's signature
            parsed = urlparse(url)
            if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
                raise FatalURLFetchingError(
                    f"refused to fetch {url[:200]}: documents only use files from the "
                    "account's folder and brand/")
            path = Path(url2pathname(unquote(parsed.path)))
            try:
                real = path.resolve(strict=True)
            except (OSError, RuntimeError):
                raise FatalURLFetchingError(f"file {path} does not exist") from None
            if not any(real.is_relative_to(root) for root in allowed) or not real.is_file():
                raise FatalURLFetchingError(
                    f"refused to read {path}: only files in the account's folder and brand/ "
                    "are used")
            if real.stat().st_size > MAX_RESOURCE_BYTES:
                raise FatalURLFetchingError(f"file {path} is too large to embed")
            mime = _MIME.get(real.suffix.lower(), "application/octet-stream")
            data = real.read_bytes()
            if not data.startswith(_IMAGE_SIGNATURES):
                return URLFetcherResponse(real.as_uri(), data, {"Content-Type": mime})
            # A logo: its pixels, never its metadata. Not a file: URL, or WeasyPrint would
            # read the file itself again and embed it as it is.
            try:
                data = cleaned(real, allowed)
            except BuildError as exc:
                raise FatalURLFetchingError(str(exc)) from None
            return URLFetcherResponse("about:csplan-image", data, {"Content-Type": mime})

    return SafeFetcher()


_FONT_CONFIGS: dict[tuple, object] = {}
FONTS_PREFIX = "csplan-fonts-"


def _font_config(key: Optional[tuple]):
    """Return this process's WeasyPrint font configuration for ``key`` (a brand's fonts).

    WeasyPrint otherwise makes one per document: it loads fontconfig's whole font set and
    copies every @font-face file to a new temporary folder each time, and the Pango font map
    of each old document is destroyed later by the garbage collector. In a forked worker that
    destruction (pango_fc_font_map_shutdown -> FcFontSetDestroy) now and then blocked forever
    on a fontconfig lock. With one configuration per brand per process, kept until the process
    ends, nothing is reloaded, no font map is destroyed while documents are made, and each
    @font-face file is added once (WeasyPrint skips a face it already has).
    """
    if key is None:
        return None
    config = _FONT_CONFIGS.get(key)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _FONT_CONFIGS[key] = FontConfiguration()
        # A folder named after this process, so a parent can remove it if we are killed, and
        # any later csplan once this process has ended. (Not one folder shared by processes:
        # WeasyPrint skips registering a font whose file is already in its folder.)
        remove_stale_fonts()
        config._folder = Path(tempfile.mkdtemp(prefix=f"{FONTS_PREFIX}{os.getpid()}-"))
    return config


def remove_fonts_of(pid: int) -> None:
    """Remove the temporary font folders of a process that was killed."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FONTS_PREFIX}{pid}-*"):
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale_fonts() -> None:
    """Remove this user's temporary font folders whose process has ended (one killed, so it
    could not remove its own), so they never pile up in the temporary folder."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FONTS_PREFIX}*-*"):
        pid = folder.name[len(FONTS_PREFIX):].split("-", 1)[0]
        try:
            mine = folder.lstat().st_uid == os.getuid() and folder.is_dir()
        except (OSError, AttributeError):  # gone meanwhile; or no uids (Windows)
            continue
        if pid.isdigit() and mine and not folder.is_symlink() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: leave its folder alone
        return True
    return True


def release_fonts() -> None:
    """Remove the temporary font folders of the kept configurations.

    Called at exit, and by a book worker before it ends with ``os._exit`` (which skips
    both atexit and finalizers, so the folders would otherwise stay in the temp folder).
    """
    for config in _FONT_CONFIGS.values():
        folder = getattr(config, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
            config._folder = None


atexit.register(release_fonts)

# Configurations a forked child inherits belong to its parent (their temporary folder too):
# the child keeps them alive, so they are never destroyed there, and starts its own.
_INHERITED: list[object] = []


def _forget_parent_fonts() -> None:
    _INHERITED.extend(_FONT_CONFIGS.values())
    _FONT_CONFIGS.clear()


os.register_at_fork(after_in_child=_forget_parent_fonts)


def _load_weasyprint() -> None:
    """Import WeasyPrint without asking ``ctypes.util.find_library`` on Linux.

    WeasyPrint opens Pango, HarfBuzz and fontconfig by trying several names; each name that
    does not open directly goes through ``find_library``, which on Linux runs ``ldconfig``,
    ``gcc`` and ``ld`` as subprocesses: about 50 of them, half a second of every process that
    makes a PDF. On Linux ``find_library`` returns a bare soname that ``dlopen`` resolves the
    same way it resolves the ``lib*.so.N`` names WeasyPrint also tries, so answering "not
    found" there loses nothing. Elsewhere (macOS, Windows) it is left alone.
    """
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        return
    import ctypes.util

    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = real


def html_to_pdf(html: str, base: Path, roots: list[Path], info: DocInfo,
                fonts_key: Optional[tuple] = None, variant: Optional[str] = None) -> bytes:
    """Return the PDF of ``html``; raise BuildError on any refused fetch or logged problem.

    ``info`` gives the file's properties and dates (whatever the HTML says), and the /ID is
    the hash of the content, so the same document always has the same bytes.
    ``fonts_key`` (``Brand.fonts_key()``) reuses one font configuration per brand in this
    process; without it the document gets a configuration of its own. ``variant`` is a
    WeasyPrint PDF variant (``pdf/ua-1``: the plan declares PDF/UA, its figures carry /Alt).
    """
    _load_weasyprint()
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetchingError

    _subset_fonts_with_harfbuzz()
    _name_images_by_content()
    fetcher = make_fetcher(roots)
    with _weasyprint_log() as messages:
        try:
            document = HTML(string=html, base_url=base.resolve().as_uri() + "/",
                            url_fetcher=fetcher).render(
                pdf_tags=True, font_config=_font_config(fonts_key))
            out = io.BytesIO()
            pdf_metadata(document.metadata, info)
            document.write_pdf(out, pdf_tags=True, pdf_variant=variant, **PDF_OPTIONS)
        except (URLFetchingError, FatalURLFetchingError) as exc:
            raise BuildError(f"PDF: {exc}") from None
    # each character once, however often WeasyPrint met it
    missing = list(dict.fromkeys(m.split(":", 1)[1].strip() for m in messages
                                 if ".notdef glyph" in m))
    if missing:
        raise BuildError("PDF: no brand font can show " + "; ".join(missing[:3])
                         + "; add a font that covers them to fonts.fallback in brand.yaml")
    if messages:
        raise BuildError("PDF: WeasyPrint reported: " + "; ".join(messages[:3]))
    return out.getvalue()


def render_plan(view, ctx) -> bytes:
    """The registry's entry point for ``pdf``: the plan, which may read the account's logo."""
    from csplan.render.html import plan_html

    brand = ctx.brand
    return html_to_pdf(plan_html(view, brand), ctx.account_folder,
                       [brand.folder, ctx.account_folder], view.info, brand.fonts_key(),
                       variant="pdf/ua-1")


def render_brief(view, ctx) -> bytes:
    """The registry's entry point for ``brief``: the internal QBR prep brief as PDF."""
    from csplan.render.html import brief_html

    brand = ctx.brand
    return html_to_pdf(brief_html(view, brand), brand.folder, [brand.folder], view.info,
                       brand.fonts_key())


def render_saveplan(view, ctx) -> bytes:
    """The registry's entry point for ``saveplan``: the internal save plan as PDF."""
    from csplan.render.html import saveplan_html

    brand = ctx.brand
    return html_to_pdf(saveplan_html(view, brand), brand.folder, [brand.folder], view.info,
                       brand.fonts_key())
