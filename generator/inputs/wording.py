"""A company's own wording: a brand may say "Mutual action plan" where csplan says "Joint
success plan", per language, in ``brand.yaml``::

    wording:
      en:
        Joint success plan: Mutual action plan
      de:
        Joint success plan: Gemeinsamer Aktionsplan

or in ``wording/<lang>.po`` files in the brand folder (gettext, with plural forms). Each key
is a message of ``csplan/locale/messages.pot``, in its English source form; a key that is
not a message, a language that is not one, or a wording that drops or adds a placeholder is
a configuration error (exit 2) naming the file, the line and the closest message.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Union

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from csplan import locale as catalogs
from csplan.locale import Wording
from csplan.exceptions import CsplanError
from csplan.inputs.source import Document

PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")
WORDING_FOLDER = "wording"


def _messages() -> dict[str, list]:
    """Every message of the catalog template by its (singular) English text."""
    by_text: dict[str, list] = {}
    for message in catalogs.template():
        if message.id:
            text = message.id[0] if isinstance(message.id, tuple) else message.id
            by_text.setdefault(text, []).append(message)
    return by_text


def _language(tag: str, where: str) -> str:
    parsed = catalogs.parse(tag)
    if parsed is None:
        raise CsplanError(f"{where}: wording: '{tag}' is not a language tag; use one like "
                          "en, de, fr, pt-BR") from None
    return f"{parsed.language}_{parsed.territory}" if parsed.territory else parsed.language


def _entries(lang: str, text: str, wording: Union[str, list], where: str,
             messages: dict[str, list]) -> list[tuple[str, object, str]]:
    """Return the catalog entries that give ``text`` the company's ``wording``."""
    if text not in messages:
        close = difflib.get_close_matches(text, list(messages), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise CsplanError(f"{where}: wording: {lang}: there is no message '{text}'{hint} "
                          "(every message is in csplan/locale/messages.pot)")
    forms = [wording] if isinstance(wording, str) else list(wording)
    if not forms or not all(isinstance(f, str) and f.strip() for f in forms):
        raise CsplanError(f"{where}: wording: {lang}: '{text}' needs a text")
    entries = []
    for message in messages[text]:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for form in forms:
            if set(PLACEHOLDER.findall(form)) - wanted or (
                    len(ids) == 1 and set(PLACEHOLDER.findall(form)) != wanted):
                raise CsplanError(
                    f"{where}: wording: {lang}: '{form}' must keep the placeholders of "
                    f"'{text}' ({', '.join(sorted(wanted)) or 'none'}) and add no other")
        key = f"{message.context}\x04{ids[0]}" if message.context else ids[0]
        if len(ids) == 1:
            entries.append((lang, key, forms[0]))
        else:
            plurals = get_plural(lang).num_plurals
            for index in range(plurals):
                entries.append((lang, (key, index), forms[min(index, len(forms) - 1)]))
    return entries


def load_wording(document: Document, folder: Path) -> Wording:
    """Return the checked wording of a brand: ``brand.yaml``'s ``wording:`` (``document``
    is its source, for line numbers) and the ``wording/*.po`` files of ``folder``."""
    messages = _messages()
    entries: list[tuple[str, object, str]] = []
    given = (document.data or {}).get("wording") or {}
    if not isinstance(given, dict):
        line = document.at(("wording",))[0]
        raise CsplanError(f"{document.name}:{line}: wording: give a map of languages, each a "
                          "map of message: your wording")
    for tag, texts in given.items():
        where = f"{document.name}:{document.at(('wording', tag))[0]}"
        lang = _language(tag, where)
        if not isinstance(texts, dict):
            raise CsplanError(f"{where}: wording: {tag}: give a map of message: your wording")
        for text, wording in texts.items():
            at = f"{document.name}:{document.at(('wording', tag, text))[0]}"
            entries += _entries(lang, str(text), wording, at, messages)
    po_folder = folder / WORDING_FOLDER
    for po in sorted(po_folder.glob("*.po")) if po_folder.is_dir() else []:
        lang = _language(po.stem, str(po))
        try:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
        except Exception as exc:  # noqa: BLE001 - any parse failure is the brand's to fix
            raise CsplanError(f"{po}: not a readable .po file ({exc}); save it as a UTF-8 "
                              "gettext catalog (pybabel init makes one) or remove it") from None
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            text = message.id[0] if isinstance(message.id, tuple) else message.id
            forms = message.string
            entries += [entry for entry in _entries(lang, text, forms, f"{po}:{message.lineno}",
                                                    messages)
                        if _same_context(entry[1], message.context)]
    return Wording(tuple(entries))


def _same_context(key, context) -> bool:
    text = key[0] if isinstance(key, tuple) else key
    return ("\x04" in text) == bool(context) and (
        not context or text.startswith(f"{context}\x04"))
