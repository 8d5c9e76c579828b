"""The plan as HTML (for WeasyPrint), from ``templates/plan.html.j2``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

import jinja2

from generator import charts
from generator.brand import Brand
from generator.exceptions import BuildError
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

    ours = jinja2.FileSystemLoader(str(TEMPLATES))
    loaders: list[jinja2.BaseLoader] = []
    if extra and extra.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(extra)))
    # "csplan/plan.html.j2" is always the bundled template, so a brand's own plan.html.j2
    # can extend it and replace one block.
    loaders += [jinja2.PrefixLoader({"csplan": ours}), ours]
    return ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=False)


def plan_html(view: PlanView, brand: Brand) -> str:
    """Return the plan's HTML; fonts and logos are ``file:`` URLs the PDF fetcher allows."""
    files = brand.font_files
    # Private family names: the brand's own files are used even where a font of the same
    # name is installed on the machine, so every machine makes the same PDF.
    family = "csplan brand"
    fonts = [{"family": family, "url": files[key].resolve().as_uri(), "weight": weight,
              "style": style} for key, weight, style in _FACES if key in files]
    stack = [family]
    for number, (_, path) in enumerate(brand.fallback_fonts, 1):
        uri = path.resolve().as_uri()
        stack.append(f"csplan fallback {number}")
        fonts += [{"family": stack[-1], "url": uri, "weight": w, "style": "normal"}
                  for w in (400, 700)]
    chart_svgs = [(m.name, charts.svg(m.chart, brand.colours, stack))
                  for m in view.metrics if m.chart is not None]
    try:
        template = environment(brand.folder / "templates").get_template("plan.html.j2")
        return template.render(
            plan=view, c=brand.colours, family=family, fonts=fonts, charts=chart_svgs,
            stack=", ".join(f'"{name}"' for name in stack),
            brand_logo=brand.logo.path.as_uri() if brand.logo else None)
    except jinja2.TemplateError as exc:
        raise BuildError(f"brand template plan.html.j2: {type(exc).__name__}: {exc}") from None
    except RecursionError:
        raise BuildError("brand template plan.html.j2 extends or includes itself; extend "
                         '"csplan/plan.html.j2" instead') from None
