"""Where csplan's own files live: ``templates/`` and ``brand/`` beside the package."""

from __future__ import annotations

from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
BRAND = ROOT / "brand"


def template_environment() -> jinja2.Environment:
    """Return a Jinja2 environment over ``templates/`` that fails on undefined names."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        keep_trailing_newline=True,
    )
