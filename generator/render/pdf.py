"""The plan as PDF: HTML laid out by WeasyPrint, fetching only files it is allowed to read.

The URL fetcher serves ``file:`` URLs under the brand folder and the account's folder and
refuses everything else (http, https, ftp, data, other files, redirects) by failing the
build: a missing image is an error, never a silent gap. Any WeasyPrint warning or error log
line fails the account too, so a broken stylesheet cannot ship.
"""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse
from urllib.request import url2pathname

from generator.exceptions import BuildError

MAX_RESOURCE_BYTES = 20_000_000
# A fixed map: the stdlib's mimetypes would read /etc/mime.types, outside the allowed folders.
_MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".ttf": "font/ttf",
         ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2", ".css": "text/css",
         ".svg": "image/svg+xml"}


def _speed_up_font_subsetting() -> None:
    """Strip GSUB/GPOS from fonts before WeasyPrint's fontTools subsetter sees them.

    Without the HarfBuzz subsetter (a system library most machines lack), WeasyPrint subsets
    each embedded font with fontTools, which drops GSUB and GPOS anyway but, since fontTools
    4.6x, decompiles both first: about 0.4 s per font per document for Lato's kerning. Text
    is already shaped when fonts are embedded, so the tables are never needed there. The
    stripped bytes are made once per font per process (lazy load, raw copy of every other
    table). If WeasyPrint's private method moves, this does nothing and PDFs are just slower.
    """
    try:
        from weasyprint.pdf import fonts
    except ImportError:  # pragma: no cover
        return
    original = getattr(fonts.Font, "_fonttools_subset", None)
    if original is None or getattr(original, "_csplan", False):
        return

    @lru_cache(maxsize=32)
    def stripped(content: bytes, index: int) -> bytes:
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(content), fontNumber=index, lazy=True)
        for tag in ("GSUB", "GPOS"):
            if tag in font:
                del font[tag]
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()

    def subset(self, to_unicode, hinting):
        try:
            self.file_content = stripped(self.file_content, getattr(self, "index", 0) or 0)
        except Exception:  # noqa: BLE001 - keep WeasyPrint's own path on any surprise
            pass
        return original(self, to_unicode, hinting)

    subset._csplan = True  # type: ignore[attr-defined]
    fonts.Font._fonttools_subset = subset


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
            return URLFetcherResponse(real.as_uri(), real.read_bytes(),
                                      {"Content-Type": mime})

    return SafeFetcher()


def html_to_pdf(html: str, base: Path, roots: list[Path], title: str, author: str) -> bytes:
    """Return the PDF of ``html``; raise BuildError on any refused fetch or logged problem."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetchingError

    _speed_up_font_subsetting()
    fetcher = make_fetcher(roots)
    with _weasyprint_log() as messages:
        try:
            document = HTML(string=html, base_url=base.resolve().as_uri() + "/",
                            url_fetcher=fetcher).render(pdf_tags=True)
            out = io.BytesIO()
            document.metadata.title = title
            document.metadata.authors = [author]
            document.write_pdf(out, pdf_tags=True)
        except (URLFetchingError, FatalURLFetchingError) as exc:
            raise BuildError(f"PDF: {exc}") from None
    missing = [m.split(":", 1)[1].strip() for m in messages if ".notdef glyph" in m]
    if missing:
        raise BuildError("PDF: no brand font can show " + "; ".join(missing[:3])
                         + "; add a font that covers them to fonts.fallback in brand.yaml")
    if messages:
        raise BuildError("PDF: WeasyPrint reported: " + "; ".join(messages[:3]))
    return out.getvalue()
