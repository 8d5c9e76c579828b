"""Every fixed word of csplan's documents, in the reader's language (gettext, Babel catalogs).

Code writes a fixed text as a whole sentence with named placeholders and lets this module
pick the words::

    from csplan.words import _, ngettext, N_

    _("{done} of {total} milestones done").format(done=3, total=9)
    ngettext("{count} week", "{count} weeks", n).format(count=n)
    HEADINGS = (N_("Risks and mitigations"), ...)  # marked here, _() where it is shown

Templates use ``{% trans %}...{% endtrans %}`` and ``{{ _("...") }}`` (``install`` gives a
Jinja2 environment the same functions, new-style: ``_("Page %(page)s", page=n)``).

Which language: ``with speaking(locale):`` around building a document's view and rendering
it. Outside any ``speaking`` block, and for a language without a catalog, the text is the
source English, so command-line messages and findings stay English whatever is rendered.

Catalogs are the package ``csplan.locale`` (``generator/locale/`` in the repository):
``messages.pot`` (every message, extracted with ``babel.cfg``) and one
``<lang>[_<TERRITORY>]/LC_MESSAGES/messages.po`` per language (``de``, ``pt_BR``). A ``.po``
file is read as it is (Babel's ``read_po``), once per process: no compile step, no ``.mo``
file to keep in step with its ``.po``. From the repository's root::

    pybabel extract -F generator/locale/babel.cfg -c "Translators:" --sort-by-file \\
        --project csplan -o generator/locale/messages.pot .
    pybabel init -i generator/locale/messages.pot -d generator/locale -l de    # a new language
    pybabel update -i generator/locale/messages.pot -d generator/locale         # after extract

tests/test_words.py fails when ``messages.pot`` is not what extraction finds in the code.
"""

from __future__ import annotations

import functools
import io
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator, Optional

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from csplan import locale as locale_package
from csplan.locale import DOMAIN, NO_WORDING, Wording

SOURCE_LANGUAGE = "en"  # the language the messages are written in: no catalog needed

_SOURCE = NullTranslations()
_active: ContextVar[NullTranslations] = ContextVar("csplan_words", default=_SOURCE)


def gettext(message: str) -> str:
    """Return ``message`` in the active language."""
    return _active.get().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the form of a message for the count ``n`` in the active language."""
    return _active.get().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Return ``message`` in the active language, where ``context`` tells a short message
    apart from the same words meaning something else."""
    return _active.get().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """Return the form of a message in ``context`` for the count ``n``."""
    return _active.get().npgettext(context, singular, plural, n)


_ = gettext


def language() -> str:
    """Return the language the active messages are in, as a language tag (``en``, ``pt-BR``)."""
    return getattr(_active.get(), "language", SOURCE_LANGUAGE)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for extraction and return it as it is: translate it with ``_()``
    where it is shown (for module-level constants, read before any language is chosen)."""
    return message


def catalog_of(locale: str) -> Optional[str]:
    """Return the catalog folder name that ``locale`` is written with, most specific first:
    ``de-AT`` -> ``de_AT``, else ``de``, else another country's catalog of the language
    (``pt-PT`` -> ``pt_BR``); None for the source language and for a language csplan has no
    catalog of (its documents are in English: ``rules`` warns about both cases)."""
    parsed = locale_package.parse(locale)
    if parsed is None or parsed.language == SOURCE_LANGUAGE:
        return None
    shipped = locale_package.shipped()
    exact = f"{parsed.language}_{parsed.territory}" if parsed.territory else None
    for name in (exact, parsed.language):
        if name in shipped:
            return name
    return next((name for name in shipped if name.split("_")[0] == parsed.language), None)




@functools.cache
def _catalog_translations(name: str) -> Translations:
    with locale_package.catalog_path(name).open("rb") as fp:
        catalog = read_po(fp, locale=name, domain=DOMAIN)
    mo = io.BytesIO()
    write_mo(mo, catalog)  # fuzzy entries are left out, as msgfmt does
    mo.seek(0)
    found = Translations(mo, domain=DOMAIN)
    found.language = name.replace("_", "-")  # type: ignore[attr-defined]
    return found


@functools.cache
def translations_for(locale: str, wording: Wording = NO_WORDING) -> NullTranslations:
    """Return the translations for ``locale`` (``de-DE``, ``pt-BR``, ``ja``): its catalog, or
    the source English when there is none, with the company's ``wording`` on top."""
    name = catalog_of(locale)
    base = _catalog_translations(name) if name else _SOURCE
    overrides = wording.for_locale(locale)
    if not overrides:
        return base
    merged = Translations(domain=DOMAIN)
    merged._catalog = {**getattr(base, "_catalog", {}), **overrides}
    merged.plural = getattr(base, "plural", merged.plural)
    merged.language = getattr(base, "language", SOURCE_LANGUAGE)  # type: ignore[attr-defined]
    return merged


@contextmanager
def speaking(locale: Optional[str], translations: Optional[NullTranslations] = None,
             wording: Wording = NO_WORDING) -> Iterator[NullTranslations]:
    """Within the block, write every message in ``locale``'s language (or with the given
    ``translations``), with a company's own ``wording`` on top; the previous language comes
    back after it."""
    chosen = translations if translations is not None else (
        translations_for(locale or SOURCE_LANGUAGE, wording))
    token = _active.set(chosen)
    try:
        yield chosen
    finally:
        _active.reset(token)


def install(env) -> None:
    """Give the Jinja2 environment ``env`` the i18n extension with these functions, looked up
    at render time, so a cached environment follows the active language."""
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)
    env.globals["language"] = language  # <html lang="{{ language() }}">
