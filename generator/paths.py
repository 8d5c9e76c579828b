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

from csplan import words


def _folder(package: str) -> Path:
    """Return the folder of a data package; csplan is always installed as plain files."""
    root = resources.files(package)
    if not isinstance(root, Path):  # pragma: no cover - a zipped install is not supported
        raise RuntimeError(f"{package} is not a folder on disk ({root!r}); install csplan "
                           "with pip, not as a zip")
    return root


TEMPLATES = _folder("csplan.templates")
BRAND = _folder("csplan.default_brand")

# The Content-Security-Policy of every HTML page csplan writes (index.html, portfolio.html) or
# hands to WeasyPrint: nothing may load or run but the page's own inline styles, and images
# and fonts from file: URLs (the PDF's brand fonts and logos, served by our own fetcher;
# WeasyPrint itself ignores the policy). No script-src: no script runs, inline or not. Links
# to the documents are navigation, which the policy does not restrict.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src file:; "
                           "font-src file:; base-uri 'none'; form-action 'none'")


def template_environment() -> jinja2.Environment:
    """Return a Jinja2 environment over ``templates/`` that fails on undefined names.

    Fixed texts go through ``csplan.words`` (``{% trans %}``, ``_()``). Every template
    is HTML-escaped except the YAML ones (``*.yaml.j2``, which quote their
    values with a filter of their own): escaping is the default, so a new HTML template
    cannot be added unescaped by its name.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(disabled_extensions=("yaml.j2",), default=True,
                                            default_for_string=True),
        keep_trailing_newline=True,
    )
    words.install(env)
    return with_html_globals(env)


def with_html_globals(env: jinja2.Environment) -> jinja2.Environment:
    """Give ``env``'s templates what every HTML page of ours uses: ``csp``, the policy."""
    env.globals["csp"] = CONTENT_SECURITY_POLICY
    return env
