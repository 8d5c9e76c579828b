"""Text normalisation for everything a person typed: NFC, and no invisible or control characters.

Account files are pasted from CRMs, chat tools and word processors, which bring along
characters nobody sees: zero-width spaces, bidirectional overrides that make a line read
differently from how it is stored, control characters, lone surrogates that no file format
can encode. ``clean`` removes them and says which it removed, so the loader can warn.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls; bidi embeddings, overrides, isolates
# and marks; zero-width space, word joiner, BOM; lone surrogates; the non-characters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)


def clean(value: str) -> tuple[str, list[str]]:
    """Return ``value`` normalised to NFC with invisible characters removed, and their names.

    Tabs become spaces and CR LF / CR become LF. Zero-width joiners (U+200C, U+200D) stay:
    Persian and emoji need them. The names are ``U+XXXX`` strings, one per kind removed.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    removed = sorted({f"U+{ord(c):04X}" for c in _INVISIBLE.findall(value)})
    if removed:
        value = _INVISIBLE.sub("", value)
    return unicodedata.normalize("NFC", value), removed


def is_placeholder(value: object) -> bool:
    """Return True for the stand-ins people type instead of a real value: TBD, TBC, ?, n/a."""
    return isinstance(value, str) and value.strip().lower().strip(".") in {
        "tbd", "tbc", "?", "??", "n/a", "na", "todo", "-", "unknown",
    }
