"""The plan as HTML (for WeasyPrint), from ``templates/plan.html.j2``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import jinja2

from generator import charts
from generator.brand import Brand
from generator.paths import TEMPLATES
from generator.view import PlanView

_FACES = (("regular", 400, "normal"), ("bold", 700, "normal"), ("italic", 400, "italic"),
          ("bold_italic", 700, "italic"))


@lru_cache(maxsize=4)
def environment(extra: Optional[Path] = None) -> jinja2.Environment:
    """Return the template environment: a brand's ``templates/`` first, then ours.

    Templates run in Jinja2's sandbox: a brand template cannot reach Python internals.
    """
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    folders = [str(extra)] if extra and extra.is_dir() else []
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folders + [str(TEMPLATES)]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False)


def plan_html(view: PlanView, brand: Brand) -> str:
    """Return the plan's HTML; fonts and logos are ``file:`` URLs the PDF fetcher allows."""
    files = brand.font_files
    family = brand.spec.fonts.family
    fonts = [{"family": family, "url": files[key].resolve().as_uri(), "weight": weight,
              "style": style} for key, weight, style in _FACES if key in files]
    for fallback, path in brand.fallback_fonts:
        uri = path.resolve().as_uri()
        fonts += [{"family": fallback, "url": uri, "weight": w, "style": "normal"}
                  for w in (400, 700)]
    chart_svgs = [(m.name, charts.svg(m.chart, brand.colours, brand.font_stack))
                  for m in view.metrics if m.chart is not None]
    template = environment(brand.folder / "templates").get_template("plan.html.j2")
    return template.render(
        plan=view, c=brand.colours, family=family, fonts=fonts, charts=chart_svgs,
        stack=", ".join(f'"{name}"' for name in brand.font_stack),
        brand_logo=brand.logo.path.as_uri() if brand.logo else None)
