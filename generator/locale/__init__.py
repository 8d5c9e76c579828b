"""csplan's message catalogs: ``messages.pot`` (every fixed text of the documents, extracted
from the code and templates with ``babel.cfg``) and one ``<lang>/LC_MESSAGES/messages.po`` per
language. Read by ``csplan.words``; see its docstring for how to extract and translate.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Optional

from babel import Locale, UnknownLocaleError

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

DOMAIN = "messages"


def root():
    """The folder of the catalogs, ``csplan/locale`` in the installed package."""
    return resources.files(__name__)


@functools.cache
def template() -> Catalog:
    """Every message of the documents, as extracted (``messages.pot``)."""
    with (root() / f"{DOMAIN}.pot").open("rb") as fh:
        return read_po(fh)


def catalog_path(name: str):
    """The ``.po`` file of a catalog folder name (``de``, ``pt_BR``)."""
    return root() / name / "LC_MESSAGES" / f"{DOMAIN}.po"


def shipped() -> list[str]:
    """The catalog folder names shipped in the package (``de``, ``pt_BR`` ...), sorted."""
    return sorted(entry.name for entry in root().iterdir()
                  if entry.is_dir() and catalog_path(entry.name).is_file())


def parse(tag: str) -> Optional[Locale]:
    """The Babel locale of a language tag (``de-DE``, ``pt_BR``), or None if it is not one."""
    try:
        return Locale.parse(str(tag).replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


@dataclass(frozen=True)
class Wording:
    """A company's own words for some messages, per language (``brand.yaml``'s ``wording:``
    and ``wording/<lang>.po``): ``entries`` are (language, key, text) with ``key`` the
    gettext catalog key: a message, the context and message joined by EOT (0x04), or a
    (message, plural form) pair."""

    entries: tuple[tuple[str, object, str], ...] = ()

    def for_locale(self, locale: str) -> dict:
        """The overrides that apply to ``locale``: the language's, then the country's."""
        parsed = parse(locale)
        if parsed is None or not self.entries:
            return {}
        order = [parsed.language] + ([f"{parsed.language}_{parsed.territory}"]
                                     if parsed.territory else [])
        chosen: dict = {}
        for tag in order:
            chosen.update({key: text for lang, key, text in self.entries if lang == tag})
        return chosen


NO_WORDING = Wording()
