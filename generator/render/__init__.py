"""The formats csplan writes, in one registry, and the renderers behind them.

A format names the view it takes (``plan``, ``deck``, ``brief`` or ``saveplan``, see
``csplan.views``), its file name, whether it is internal, and its render function, given as
``module:function``
so that a renderer and its libraries (WeasyPrint, python-pptx, python-docx) are imported only
when that format is built. The build, the cache, the report and the command line ask this
registry; none of them tests a format's name. A render function takes the view and a
``RenderContext`` and returns the file's bytes; it checks its own layout (the deck measures
every text box and raises ``BuildError`` naming what does not fit) and the build checks the
bytes (``verify``) before they replace a file.

Renderers never see the account itself, so they cannot print ``health`` or ``internal``.

Adding a format is one module with a render function, plus one ``register`` call.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Callable, Optional, Union

from csplan.exceptions import BuildError


@dataclass(frozen=True)
class RenderContext:
    """What a renderer gets besides its view: the brand, the checked account logo, and the
    account's folder (the only folder besides the brand's that a document may read from)."""

    brand: Any  # csplan.inputs.brand.Brand
    logo: Any = None  # Optional[csplan.inputs.images.CheckedImage]
    account_folder: Optional[Path] = None


def verify_zip(path: Path) -> None:
    """Refuse a DOCX/PPTX that is not a complete zip package."""
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
            if bad is not None or "[Content_Types].xml" not in z.namelist():
                raise BuildError(f"{path.name}: the written package is damaged")
    except zipfile.BadZipFile:
        raise BuildError(f"{path.name}: the written package is not a zip file") from None


def verify_pdf(path: Path) -> None:
    """Refuse a PDF that does not start and end like one."""
    with open(path, "rb") as fh:
        head = fh.read(5)
        fh.seek(max(0, path.stat().st_size - 1024))
        tail = fh.read()
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise BuildError(f"{path.name}: the written PDF is incomplete")


Renderer = Callable[[Any, RenderContext], bytes]


@dataclass(frozen=True)
class Format:
    """One output format: what it reads, what it writes, and who may see it."""

    name: str  # as given to --formats
    view: str  # the view it renders: a name in csplan.views.VIEWS
    render: Union[str, Renderer]  # "module:function", imported on first use, or a function
    filename: Callable[[str, Any], str]  # (slug, view) -> the file's name
    verify: Optional[Callable[[Path], None]] = None  # checks the written bytes
    internal: bool = False  # internal files go to OUT/_internal/<folder>/, never to a customer
    folder: str = ""  # for an internal format, its folder under OUT/_internal/
    default: bool = True  # built when --formats is not given
    preflight: Optional[str] = None  # "module:function(view, ctx)" run once before a book
    cost: int = 1  # about how long it takes, relative to the others: when the formats of one
    # account are built at once, the costliest starts first (and in the warmest worker)
    help: str = ""

    def renderer(self) -> Renderer:
        return _resolve(self.render)

    def file_name(self, slug: str, view: Any) -> str:
        """Return the file's name for ``view``: a draft's ends in ``-draft``
        (``acme-success-plan-draft.pdf``)."""
        name = self.filename(slug, view)
        return draft_name(name) if getattr(view, "draft_mark", "") else name


def draft_name(name: str) -> str:
    """Return the name of the draft of the file named ``name``: ``-draft`` before its
    extension."""
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}-draft{dot}{suffix}" if dot else f"{name}-draft"


def _resolve(target: Union[str, Callable]) -> Callable:
    if callable(target):
        return target
    module, _, function = target.partition(":")
    return getattr(import_module(module), function)


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format; return it."""
    FORMATS[fmt.name] = fmt
    return fmt


def customer_formats() -> tuple[str, ...]:
    """The formats built when none are asked for."""
    return tuple(name for name, fmt in FORMATS.items() if fmt.default)


def preflight(fmt: Format, view: Any, ctx: RenderContext) -> None:
    """Run a format's check before a book is built (e.g. render the brand's HTML templates
    once), so a broken brand fails once, before any account."""
    if fmt.preflight is not None:
        _resolve(fmt.preflight)(view, ctx)


register(Format("docx", "plan", "csplan.render.docx:render",
                lambda slug, view: f"{slug}-success-plan.docx", verify_zip,
                help="the joint success plan as Word"))
register(Format("pdf", "plan", "csplan.render.pdf:render_plan",
                lambda slug, view: f"{slug}-success-plan.pdf", verify_pdf,
                preflight="csplan.render.html:check_plan", cost=3,
                help="the joint success plan as PDF"))
register(Format("pptx", "deck", "csplan.render.pptx:render",
                lambda slug, view: f"{slug}-qbr-{view.quarter}.pptx", verify_zip,
                help="the QBR deck as PowerPoint"))
register(Format("brief", "brief", "csplan.render.pdf:render_brief",
                lambda slug, view: f"{slug}-qbr-prep-internal.pdf", verify_pdf,
                internal=True, folder="briefs", default=False, cost=3,
                preflight="csplan.render.html:check_brief",
                help="the internal QBR prep brief (PDF), built only when asked for"))
register(Format("recap", "recap", "csplan.render.recap:render",
                lambda slug, view: f"{slug}-qbr-{view.quarter}-recap.eml", None,
                default=False,
                help="the QBR recap mail, a draft to send with the plan PDF attached "
                     "(built only when asked for)"))
register(Format("saveplan", "saveplan", "csplan.render.pdf:render_saveplan",
                lambda slug, view: f"{slug}-save-plan-internal.pdf", verify_pdf,
                internal=True, folder="saveplans", default=False,
                preflight="csplan.render.html:check_saveplan",
                help="the internal save plan (PDF) of a Critical account or one with a "
                     "save_plan, built only when asked for"))
