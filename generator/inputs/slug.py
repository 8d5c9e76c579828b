"""Safe slugs for folder and file names: ``[a-z0-9-]``, never empty, never a reserved name."""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

# Names Windows will not create as files, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)),
             *(f"lpt{i}" for i in range(10))}
MAX_LENGTH = 60


def slugify(name: str, fallback: str = "account") -> str:
    """Return a lower-case ``[a-z0-9-]`` slug of ``name``.

    Letters are transliterated, not dropped (anyascii: ``Café`` -> ``cafe``, ``Straße`` ->
    ``strasse``, ``Łódź`` -> ``lodz``, ``Москва`` -> ``moskva``, ``東京`` -> ``dongjing``), the
    same way on every run; anything else that is not a letter or digit becomes one hyphen. A
    name with nothing left (``..``, ``???``) or a reserved device name gets ``fallback`` in
    front, so the slug is never empty, ``.``/``..`` or ``con``.
    """
    folded = anyascii(unicodedata.normalize("NFC", name))
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:MAX_LENGTH].strip("-")
    if not slug:
        return fallback
    if slug in _RESERVED:
        return f"{fallback}-{slug}"
    return slug
