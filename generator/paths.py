"""Where csplan's own files live: the templates and the default brand shipped in the package.

In the repository they are the top-level folders ``templates/`` and ``brand/``; pyproject.toml
maps them to the packages ``csplan.templates`` and ``csplan.default_brand``, so an installed csplan
finds them in its wheel and an editable one in the checkout. They are found through
``importlib.resources``, never by a path relative to this file.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2


def _folder(package: str) -> Path:
    """Return the folder of a data package; csplan is always installed as plain files."""
    root = resources.files(package)
    if not isinstance(root, Path):  # pragma: no cover - a zipped install is not supported
        raise RuntimeError(f"{package} is not a folder on disk ({root!r}); install csplan "
                           "with pip, not as a zip")
    return root


TEMPLATES = _folder("csplan.templates")
BRAND = _folder("csplan.default_brand")


def template_environment() -> jinja2.Environment:
    """Return a Jinja2 environment over ``templates/`` that fails on undefined names."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        keep_trailing_newline=True,
    )
