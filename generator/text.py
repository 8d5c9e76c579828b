"""Text normalisation for everything a person typed: NFC, and no invisible or control characters.

Account files are pasted from CRMs, chat tools and word processors, which bring along
characters nobody sees: zero-width spaces, bidirectional overrides that make a line read
differently from how it is stored, control characters, lone surrogates that no file format
can encode, TAG characters that spell out hidden ASCII. ``clean`` removes them and says which
it removed, so the loader can warn.
"""

from __future__ import annotations

import re
import unicodedata

import click

# Unicode's Default_Ignorable_Code_Point property: the code points a renderer shows as
# nothing. Python's unicodedata has no such property, so here are its ranges as listed in
# DerivedCoreProperties.txt (Unicode 15.0; the list has not changed since 14.0 added
# U+180F). tests/hostile/test_text.py compares this table with the data file where the
# Debian package unicode-data installs it.
DEFAULT_IGNORABLE: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD),    # soft hyphen
    (0x034F, 0x034F),    # combining grapheme joiner
    (0x061C, 0x061C),    # Arabic letter mark
    (0x115F, 0x1160),    # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),    # Khmer inherent vowels
    (0x180B, 0x180F),    # Mongolian free variation selectors, vowel separator
    (0x200B, 0x200F),    # zero width space, ZWNJ, ZWJ, left-to-right and right-to-left marks
    (0x202A, 0x202E),    # bidi embeddings and overrides
    (0x2060, 0x206F),    # word joiner, invisible operators, bidi isolates, deprecated formats
    (0x3164, 0x3164),    # Hangul filler
    (0xFE00, 0xFE0F),    # variation selectors 1-16
    (0xFEFF, 0xFEFF),    # zero width no-break space (BOM)
    (0xFFA0, 0xFFA0),    # halfwidth Hangul filler
    (0xFFF0, 0xFFF8),    # unassigned specials
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol beam and phrase formats
    (0xE0000, 0xE0FFF),  # TAG characters, variation selectors 17-256, unassigned
)

ZWNJ, ZWJ = "\u200c", "\u200d"
# Emoji presentation (VS16) and text presentation (VS15) selectors: they choose how the
# symbol (or keycap base, or one of the two punctuation marks with an emoji form) right
# before them looks.
_PRESENTATION = "\ufe0e\ufe0f"
_NOT_SYMBOL_BASES = "#*0123456789\u203c\u2049"


def _class(ranges) -> str:
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


_NONCHARACTERS = [(0xFDD0, 0xFDEF)] + [(p * 0x10000 + 0xFFFE, p * 0x10000 + 0xFFFF)
                                       for p in range(17)]
# C0 controls but tab and newline, DEL, C1 controls, lone surrogates, non-characters and
# every default-ignorable code point.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
                        + _class(_NONCHARACTERS) + _class(DEFAULT_IGNORABLE) + "]")
# ... of which these are removed wherever they are; joiners and selectors are judged by
# their neighbours.
_ALWAYS = re.compile(f"(?![{ZWNJ}{ZWJ}{_PRESENTATION}]){_INVISIBLE.pattern}")
_SELECTOR = re.compile(f"[{_PRESENTATION}]")
_JOINER = re.compile(f"[{ZWNJ}{ZWJ}]")
_SEPARATORS = str.maketrans({"\r": "\n", "\t": " ", "\u2028": "\n", "\u2029": "\n"})


def clean(value: str) -> tuple[str, list[str]]:
    """Return ``value`` normalised to NFC with invisible characters removed, and their names.

    Tabs become spaces; CR LF, CR and the line and paragraph separators (U+2028, U+2029)
    become LF. Every default-ignorable code point is removed except where a script needs it:
    a presentation selector (U+FE0E, U+FE0F) right after a symbol or keycap base (emoji),
    and a zero-width non-joiner or joiner (U+200C, U+200D) between two letters, marks or
    symbols (Persian and Indic words, emoji sequences). A run of them, or one at either end
    of a word, joins nothing and is removed. The names are ``U+XXXX`` strings, one per kind
    removed.
    """
    value = value.replace("\r\n", "\n").translate(_SEPARATORS)
    if not _INVISIBLE.search(value):
        return unicodedata.normalize("NFC", value), []
    removed = {_name(c) for c in _ALWAYS.findall(value)}
    value = _ALWAYS.sub("", value)
    value = _judge(_SELECTOR, value, removed, lambda before, after: (
        before != "" and (before in _NOT_SYMBOL_BASES or _category(before) == "S")))
    value = _judge(_JOINER, value, removed, lambda before, after: (
        _category(before) in ("L", "M", "S") and _category(after) in ("L", "M", "S")))
    return unicodedata.normalize("NFC", value), sorted(removed)


def _judge(pattern: re.Pattern, value: str, removed: set[str], keep) -> str:
    """Return ``value`` without the matches of ``pattern`` that ``keep(before, after)``
    (the characters either side, "" at an end) rejects; add their names to ``removed``."""
    def judge(match: re.Match) -> str:
        at = match.start()
        if keep(value[at - 1: at], value[at + 1: at + 2]):
            return match.group()
        removed.add(_name(match.group()))
        return ""
    return pattern.sub(judge, value)


def _category(char: str) -> str:
    """The major Unicode category of ``char`` (L, M, S, ...); "" for none or a joiner."""
    return unicodedata.category(char)[0] if char and char not in (ZWNJ, ZWJ) else ""


def _name(char: str) -> str:
    return f"U+{ord(char):04X}"


def printable(value: str) -> str:
    """Return ``value`` with every character that could take over a terminal escaped.

    C0 and C1 controls (newline and tab included), DEL, the line and paragraph separators,
    the bidi embeddings, overrides and isolates, and lone surrogates (from a file name that is
    not UTF-8) are written as Python escapes (``\\x1b``, ``\\n``, ``\\u202e``), so a file
    name prints as one inert line.
    """
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"),
                            value)


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                          "\ud800-\udfff]")


def echo(line: str, err: bool = False) -> None:
    """Print one line for people, through ``printable``: every line csplan prints that is
    not JSON (which ``json.dumps`` escapes) goes through here."""
    click.echo(printable(line), err=err)


def is_placeholder(value: object) -> bool:
    """Return True for the stand-ins people type instead of a real value: TBD, TBC, ?, n/a."""
    return isinstance(value, str) and value.strip().lower().strip(".") in {
        "tbd", "tbc", "?", "??", "n/a", "na", "todo", "-", "unknown",
    }
