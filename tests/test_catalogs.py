"""Every shipped language catalog is complete and safe to format: each message translated,
no fuzzy entry, the same placeholders as the English, and every plural form written."""

from __future__ import annotations

from importlib import resources

import pytest
from babel.messages.pofile import read_po

from csplan.inputs.wording import PLACEHOLDER  # the placeholders a wording must keep

LOCALE = resources.files("csplan.locale")
CATALOGS = sorted(str(p.relative_to(LOCALE)).split("/")[0]
                  for p in LOCALE.glob("*/LC_MESSAGES/messages.po"))  # type: ignore[attr-defined]


def _template():
    with (LOCALE / "messages.pot").open("rb") as fh:
        return read_po(fh)


def _catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


@pytest.mark.parametrize("language", CATALOGS)
def test_catalog_translates_every_message_with_its_placeholders(language):
    catalog = _catalog(language)
    wanted = {(m.context, _ids(m)) for m in _template() if m.id}
    have = {(m.context, _ids(m)): m for m in catalog if m.id}
    assert wanted - set(have) == set(), f"{language}: messages missing (run pybabel update)"
    problems = []
    for key in sorted(wanted, key=str):
        message = have[key]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(f"untranslated or fuzzy: {key[1][0]!r}")
            continue
        expected = set(PLACEHOLDER.findall(" ".join(key[1])))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) - expected:
                problems.append(f"unknown placeholder in {text!r} ({key[1][0]!r})")
        if isinstance(message.id, tuple):
            assert len(strings) == catalog.num_plurals, (language, key)
        elif set(PLACEHOLDER.findall(strings[0])) != expected:
            problems.append(f"placeholders differ: {key[1][0]!r} -> {strings[0]!r}")
    assert not problems, f"{language}: " + "; ".join(problems[:10])
