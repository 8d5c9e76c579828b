"""The words of each catalog hold together: one word per concept across the deck and the plan,
labels that agree with each other, headings that say what their column holds, and (in French)
the punctuation that keeps a line from breaking before a colon or a semicolon."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from babel.messages.pofile import read_po

LOCALE = resources.files("csplan.locale")
CATALOGS = sorted(str(p.relative_to(LOCALE)).split("/")[0]
                  for p in LOCALE.glob("*/LC_MESSAGES/messages.po"))  # type: ignore[attr-defined]


def _catalog(language: str):
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=language)


def _word(catalog, msgid: str, context: str | None = None) -> str:
    message = catalog.get(msgid, context)
    assert message is not None and message.string, msgid
    return message.string if isinstance(message.string, str) else message.string[0]


def _before(text: str, placeholder: str) -> str:
    """The words of ``text`` before ``placeholder`` ("Départ {value}" -> "Départ")."""
    assert placeholder in text, (placeholder, text)
    return text.split(placeholder)[0].strip(" \u00a0\u202f:：")


@pytest.mark.parametrize("language", CATALOGS)
def test_one_word_per_concept_across_the_deck_and_the_plan(language):
    cat = _catalog(language)
    progress_line = _word(cat, "Baseline {baseline} · Progress {progress} · {state}")
    # baseline: the plan's column and the chart legend, the label on the chart line, the line
    # under the chart ("Référence 82 %" on the line above "Départ 82 %" was two words)
    baseline = _word(cat, "Baseline")
    assert _before(_word(cat, "Baseline {value}"), "{value}") == baseline
    assert _before(progress_line, "{baseline}") == baseline
    # target: the column, the chart label, the summary tile ("Objectif 95 %" beside "Cible")
    target = _word(cat, "Target")
    assert _before(_word(cat, "Target {value}"), "{value}") == target
    assert _before(_word(cat, "Target {target} by {due}"), "{target}") == target
    # ... and the same word, lower case, in the results titles and the summary's headlines
    # ("...; objectif 95 % au 31 déc." under a "Cible 95 %" was two words)
    for message in cat:
        if isinstance(message.id, str) and re.search(r"(^|; )target \{target\}", message.id,
                                                     re.IGNORECASE):
            word = re.findall(r"\w+$", _before(message.string, "{target}"))
            assert word and word[0].casefold() == target.casefold(), message.string
    # progress: the plan's column and the deck's line under each chart
    assert _word(cat, "Progress") in progress_line
    # value realized: the agenda's section and the title of its slide
    assert _word(cat, "Value realized and wins").startswith(_word(cat, "Value realized"))


@pytest.mark.parametrize("language", CATALOGS)
def test_the_agenda_columns_tell_clock_time_from_minutes(language):
    """The agenda table heads its clock times ("10:05–10:10") and its minutes ("5 min") with
    two different words, neither inside the other (Japanese had 時間 and 時間（分）)."""
    cat = _catalog(language)
    clock, minutes = _word(cat, "Time"), _word(cat, "Minutes")
    assert clock not in minutes and minutes not in clock, (clock, minutes)


# A Romance adjective or participle shows its gender in its ending.
_FEMININE = {"fr": re.compile(r"e$"), "es": re.compile(r"a$"), "pt_BR": re.compile(r"a$")}


@pytest.mark.parametrize("language", sorted(_FEMININE))
def test_a_commitments_verdicts_agree_in_gender(language):
    """"Met" and "Missed" judge the same commitment side by side; "Unmet" is shown beside
    "Met" in the brief: one gender for all three ("Remplie" beside "Manqué" was not)."""
    cat = _catalog(language)
    words = {msgid: _word(cat, msgid).split()[-1] for msgid in ("Met", "Missed", "Unmet")}
    genders = {msgid: bool(_FEMININE[language].search(word)) for msgid, word in words.items()}
    assert len(set(genders.values())) == 1, words


def test_french_punctuation_keeps_its_no_break_spaces_and_the_typographic_apostrophe():
    """A French line never breaks before : ; ? ! or inside « »: a no-break space (U+00A0)
    before ":", a narrow one (U+202F) before ; ? ! and inside the guillemets, as the catalog's
    glossary says; and the apostrophe is ’ ("Aujourd'hui" beside "D’ici" was not)."""
    problems = []
    for message in _catalog("fr"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if re.search(r"[ \u202f]:", text) or re.search(r"[ \u00a0][;?!]", text) \
                    or re.search(r"«[ \u00a0]|[ \u00a0]»", text) or "'" in text:
                problems.append(text)
    assert not problems, problems[:10]
