"""The plan as HTML (for WeasyPrint), from ``templates/plan.html.j2``."""

from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Optional

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from csplan.render import charts, tables
from csplan.inputs.brand import Brand
from csplan.exceptions import BrandError, CsplanError
from csplan.paths import TEMPLATES, with_html_globals
from csplan import words
from csplan.views.customer import PlanView, logo_alt
from csplan.words import _

PAGE_WIDTH_MM = {"A4": 210.0, "Letter": 215.9}
_CSS_PLAIN = frozenset(" -.,:;!?()'·/%+")  # written as they are in a CSS string
_FACES = (("regular", 400, "normal"), ("bold", 700, "normal"), ("italic", 400, "italic"),
          ("bold_italic", 700, "italic"))


# Bounds on one template render: a brand template that loops (nested huge ranges), recurses
# (a macro calling itself) or builds huge values fails as a brand error instead of hanging a
# worker or eating its memory.
RENDER_SECONDS = 20.0
MAX_OUTPUT_CHARS = 20_000_000
MAX_VALUE_ITEMS = 1_000_000  # the length of a string or list made with * in a template


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's sandbox, with ``*`` and ``**`` checked so one expression cannot build a
    gigabyte string or a number with millions of digits."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and not (isinstance(right, (int, float)) and abs(right) <= 64):
            raise SecurityError("exponent too large (at most 64)")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and \
                        len(seq) * count > MAX_VALUE_ITEMS:
                    raise SecurityError(f"'*' would make a value of {len(seq) * count} items "
                                        f"(at most {MAX_VALUE_ITEMS})")
        return super().call_binop(context, operator, left, right)


@lru_cache(maxsize=4)
def environment(extra: Optional[Path] = None) -> jinja2.Environment:
    """Return the template environment: a brand's ``templates/`` first, then ours.

    Templates run in Jinja2's sandbox: a brand template cannot reach Python internals.
    """
    ours = jinja2.FileSystemLoader(str(TEMPLATES))
    loaders: list[jinja2.BaseLoader] = []
    if extra and extra.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(extra)))
    # "csplan/plan.html.j2" is always the bundled template, so a brand's own plan.html.j2
    # can extend it and replace one block.
    loaders += [jinja2.PrefixLoader({"csplan": ours}), ours]
    env = _BoundedSandbox(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=False)
    words.install(env)  # {% trans %} and _() in the active language
    return with_html_globals(env)


def plan_html(view: PlanView, brand: Brand) -> str:
    """Return the plan's HTML; fonts and logos are ``file:`` URLs the PDF fetcher allows."""
    context = _brand_context(brand)
    charts_svg = [(m.name, charts.svg(m.chart, brand.colours, context["font_names"]))
                  for m in view.metrics if m.chart is not None]
    # the table area of plan.css (page less 17 mm margins) and its cells (8.6 pt, 2 mm
    # insets): columns as wide as their longest words, in percent
    page_size = brand.paper(view.page_size)
    table_pt = (PAGE_WIDTH_MM[page_size] - 34) * tables.MM
    widths = {key: [round(100 * f, 2) for f in fractions] for key, fractions in
              tables.plan_widths(view, brand, table_pt,
                                 tables.Style(8.6, 7.5, 4 * tables.MM)).items()}
    return render("plan.html.j2", brand, context, plan=view, charts=charts_svg,
                  widths=widths, logo_alt=logo_alt, page_size=page_size,
                  short_rows=tables.SHORT_ROWS,
                  doc_title=_("Joint success plan"), draft_css=css_content(view.draft_mark))


def program_html(view, brand: Brand) -> str:
    """Return the team's CS program document as HTML (internal, A4)."""
    return render("program.html.j2", brand, _brand_context(brand), doc=view, page_size="A4",
                  doc_title=view.title)


def brief_html(view, brand: Brand) -> str:
    """Return the internal QBR prep brief as HTML."""
    context = _brand_context(brand)
    trend = charts.health_svg(view.trend, view.green_at, view.yellow_at, brand.colours,
                              context["font_names"], view.trend_labels)
    return render("brief.html.j2", brand, context, brief=view, trend_svg=trend,
                  page_size="A4", doc_title=_("QBR prep brief"))


def saveplan_html(view, brand: Brand) -> str:
    """Return the internal save plan as HTML."""
    return render("saveplan.html.j2", brand, _brand_context(brand), sp=view, page_size="A4",
                  doc_title=_("Save plan"))


def _brand_context(brand: Brand) -> dict:
    """Return what every template needs from the brand: colours, @font-face rules, logo."""
    files = brand.font_files
    # Private family names: the brand's own files are used even where a font of the same
    # name is installed on the machine, so every machine makes the same PDF.
    family = "csplan brand"
    fonts = [{"family": family, "url": files[key].resolve().as_uri(), "weight": weight,
              "style": style} for key, weight, style in _FACES if key in files]
    names = [family]
    for number, (_font, path) in enumerate(brand.fallback_fonts, 1):
        uri = path.resolve().as_uri()
        names.append(f"csplan fallback {number}")
        fonts += [{"family": names[-1], "url": uri, "weight": w, "style": "normal"}
                  for w in (400, 700)]
    return {"c": brand.colours, "family": family, "fonts": fonts, "font_names": names,
            "stack": ", ".join(f'"{name}"' for name in names),
            "brand_logo": brand.logo.path.as_uri() if brand.logo else None,
            # Translators: the page footer of every document; {page} and {pages} are numbers
            "page_counter": css_content(_("Page {page} of {pages}"), page="counter(page)",
                                        pages="counter(pages)"),
            "internal_mark": css_content(_("INTERNAL - DO NOT SHARE"))}


def css_content(message: str, **counters: str) -> Markup:
    """Return ``message`` as the value of a CSS ``content`` property: its text as quoted CSS
    strings, each ``{name}`` placeholder as the CSS of ``counters[name]`` (``counter(page)``).

    ``css_content("Page {page} of {pages}", page="counter(page)", pages="counter(pages)")``
    is ``"Page " counter(page) " of " counter(pages)``.
    """
    parts = []
    for index, piece in enumerate(re.split(r"\{(\w+)\}", message)):
        if index % 2:
            parts.append(counters[piece])
        elif piece:
            parts.append('"' + "".join(ch if ch.isalnum() or ch in _CSS_PLAIN else
                                       f"\\{ord(ch):x} " for ch in piece) + '"')
    return Markup(" ".join(parts) or '""')


class _TooLong(Exception):
    """Raised by the timer inside a template render that ran past RENDER_SECONDS."""


@contextmanager
def _time_limit(seconds: float):
    """Interrupt the code inside after ``seconds`` (main thread only: it uses SIGALRM, which
    every renderer runs under: the CLI and each forked worker)."""
    if threading.current_thread() is not threading.main_thread() or \
            not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise _TooLong()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render(name: str, brand: Brand, context: dict, **values) -> str:
    """Return template ``name`` rendered (a brand's own copy first, in the sandbox, bounded
    in time, recursion and size); raise BrandError naming the template file."""
    folder = brand.folder / "templates"
    own = folder / name
    where = f"brand template {own}" if own.is_file() else f"template {name}"
    fix = "fix the brand template or remove it from the brand folder"
    try:
        with _time_limit(RENDER_SECONDS):
            template = environment(folder).get_template(name)
            pieces, size = [], 0
            for piece in template.generate(**context, **values):
                size += len(piece)
                if size > MAX_OUTPUT_CHARS:
                    raise BrandError(f"{where} writes more than {MAX_OUTPUT_CHARS:,} "
                                     f"characters; {fix}")
                pieces.append(piece)
            return "".join(pieces)
    except _TooLong:
        raise BrandError(f"{where} ran for more than {RENDER_SECONDS:g} s (a loop that does "
                         f"not end?); {fix}") from None
    except RecursionError:
        raise BrandError(f"{where} calls itself without end (a recursive macro, or a template "
                         f'that extends or includes itself; extend "csplan/{name}" instead); '
                         f"{fix}") from None
    except jinja2.TemplateError as exc:
        raise BrandError(f"{where}: {type(exc).__name__}: {exc}; {fix}") from None


def check_plan(view: PlanView, ctx) -> None:
    """Render (and discard) the plan's HTML: a broken brand template fails before a book."""
    plan_html(view, ctx.brand)


def check_saveplan(view, ctx) -> None:
    """Render (and discard) the save plan's HTML: a broken brand template fails before a book."""
    saveplan_html(view, ctx.brand)


def check_brief(view, ctx) -> None:
    """Render (and discard) the brief's HTML: a broken brand template fails before a book."""
    brief_html(view, ctx.brand)


def check_brand_templates(folder: Path) -> None:
    """Compile the brand's own templates: a syntax error is a configuration error naming the
    file and line, found before any account is built."""
    templates = folder / "templates"
    if not templates.is_dir():
        return
    env = environment(templates)
    for path in sorted(templates.rglob("*.j2")):
        name = path.relative_to(templates).as_posix()
        try:
            env.get_template(name)
        except jinja2.TemplateSyntaxError as exc:
            raise CsplanError(f"{path}:{exc.lineno}: brand template error: {exc.message}; "
                              "fix the template or remove it") from None
        except jinja2.TemplateError as exc:
            raise CsplanError(f"{path}: brand template error: {exc}; fix the template or "
                              "remove it") from None
