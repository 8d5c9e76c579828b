"""The plan as HTML (for WeasyPrint), from ``templates/plan.html.j2``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import jinja2

from csplan import charts
from csplan.brand import Brand
from csplan.exceptions import BuildError
from csplan.paths import TEMPLATES, with_html_globals
from csplan.view import PlanView

_FACES = (("regular", 400, "normal"), ("bold", 700, "normal"), ("italic", 400, "italic"),
          ("bold_italic", 700, "italic"))


@lru_cache(maxsize=4)
def environment(extra: Optional[Path] = None) -> jinja2.Environment:
    """Return the template environment: a brand's ``templates/`` first, then ours.

    Templates run in Jinja2's sandbox: a brand template cannot reach Python internals.
    """
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    ours = jinja2.FileSystemLoader(str(TEMPLATES))
    loaders: list[jinja2.BaseLoader] = []
    if extra and extra.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(extra)))
    # "csplan/plan.html.j2" is always the bundled template, so a brand's own plan.html.j2
    # can extend it and replace one block.
    loaders += [jinja2.PrefixLoader({"csplan": ours}), ours]
    return with_html_globals(ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False))


def plan_html(view: PlanView, brand: Brand) -> str:
    """Return the plan's HTML; fonts and logos are ``file:`` URLs the PDF fetcher allows."""
    context = _brand_context(brand)
    charts_svg = [(m.name, charts.svg(m.chart, brand.colours, context["font_names"]))
                  for m in view.metrics if m.chart is not None]
    return render("plan.html.j2", brand, context, plan=view, charts=charts_svg,
                  page_size=view.page_size, doc_title="Joint success plan")


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
                  page_size="A4", doc_title="QBR prep brief")


def _brand_context(brand: Brand) -> dict:
    """Return what every template needs from the brand: colours, @font-face rules, logo."""
    files = brand.font_files
    # Private family names: the brand's own files are used even where a font of the same
    # name is installed on the machine, so every machine makes the same PDF.
    family = "csplan brand"
    fonts = [{"family": family, "url": files[key].resolve().as_uri(), "weight": weight,
              "style": style} for key, weight, style in _FACES if key in files]
    names = [family]
    for number, (_, path) in enumerate(brand.fallback_fonts, 1):
        uri = path.resolve().as_uri()
        names.append(f"csplan fallback {number}")
        fonts += [{"family": names[-1], "url": uri, "weight": w, "style": "normal"}
                  for w in (400, 700)]
    return {"c": brand.colours, "family": family, "fonts": fonts, "font_names": names,
            "stack": ", ".join(f'"{name}"' for name in names),
            "brand_logo": brand.logo.path.as_uri() if brand.logo else None}


def render(name: str, brand: Brand, context: dict, **values) -> str:
    """Return template ``name`` rendered (a brand's own copy first, in the sandbox)."""
    try:
        template = environment(brand.folder / "templates").get_template(name)
        return template.render(**context, **values)
    except jinja2.TemplateError as exc:
        raise BuildError(f"brand template {name}: {type(exc).__name__}: {exc}") from None
    except RecursionError:
        raise BuildError(f"brand template {name} extends or includes itself; extend "
                         f'"csplan/{name}" instead') from None
