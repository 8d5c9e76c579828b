"""The font files the deck's text will render in, found once per brand.

A company's master shows text in its theme fonts (major for titles, minor for the rest),
not in brand.yaml's family, so the deck measures text in those. Each theme font is resolved
to a file, in order:

1. a font file in the brand folder whose family name is the theme font's (or brand.yaml's
   own files, when the theme font is brand.yaml's family);
2. the system's font of that family, asked of fontconfig (``fc-match``);
3. a metric-compatible font (Carlito for Calibri, Liberation Sans for Arial...), measured
   with 3 % headroom; else DejaVu Sans (wider than most fonts) with 5 %, or the brand's own
   font with 10 %. Either way a warning names the missing font
   and says where to put it.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

METRIC_COMPATIBLE = {
    "calibri": "Carlito", "calibri light": "Carlito", "cambria": "Caladea", "arial": "Liberation Sans",
    "helvetica": "Liberation Sans", "helvetica neue": "Liberation Sans",
    "arial narrow": "Liberation Sans Narrow", "times new roman": "Liberation Serif",
    "times": "Liberation Serif", "courier new": "Liberation Mono", "courier": "Liberation Mono",
}
COMPATIBLE_HEADROOM = 1.03
WIDE_HEADROOM = 1.05  # DejaVu Sans: already wider than most fonts
FALLBACK_HEADROOM = 1.10


@dataclass(frozen=True)
class DeckFont:
    """The files one theme font is measured with, and the headroom its widths get."""

    family: str
    regular: Path
    bold: Path
    headroom: float = 1.0


def _names(path: Path) -> tuple[str, bool]:
    """Return the family name and whether it is bold, of the font file ``path``."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            name = font["name"]
            family = name.getDebugName(16) or name.getDebugName(1) or ""
            style = (name.getDebugName(17) or name.getDebugName(2) or "").lower()
            weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
    except Exception:  # noqa: BLE001 - an unreadable file is simply not that font
        return "", False
    return family, "bold" in style or weight >= 600


def _in_folder(folder: Path, family: str) -> dict[bool, Path]:
    """Return the font files in ``folder`` (recursively) of ``family``, by boldness."""
    found: dict[bool, Path] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in (".ttf", ".otf") or not path.is_file():
            continue
        name, bold = _names(path)
        if name.lower() == family.lower() and bold not in found:
            found[bold] = path
    return found


@lru_cache(maxsize=64)
def _fc_match(family: str, bold: bool) -> Optional[tuple[str, Path]]:
    """Return the family fontconfig gives for ``family`` and its file, or None."""
    if shutil.which("fc-match") is None:
        return None
    pattern = f"{family}:weight={'bold' if bold else 'regular'}"
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\t%{file}", pattern],
                             capture_output=True, text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names, _, file = out.partition("\t")
    if not file:
        return None
    return names, Path(file)


def _system(family: str) -> Optional[tuple[Path, Path]]:
    """Return the system's regular and bold files of exactly ``family``, or None."""
    files = []
    for bold in (False, True):
        found = _fc_match(family, bold)
        if found is None or family.lower() not in [n.strip().lower()
                                                    for n in found[0].split(",")]:
            return None
        files.append(found[1])
    return files[0], files[1]


def resolve(family: str, folder: Path, brand_family: str, brand_files: tuple[Path, Path],
            where: str) -> tuple[DeckFont, Optional[str]]:
    """Return the files to measure the theme font ``family`` with, and a warning if it is
    not to be found (see the module's note)."""
    if family.lower() == brand_family.lower():
        return DeckFont(family, *brand_files), None
    own = _in_folder(folder, family)
    if own:
        return DeckFont(family, own.get(False) or own[True], own.get(True) or own[False]), None
    system = _system(family)
    if system is not None:
        return DeckFont(family, *system), None
    compatible = METRIC_COMPATIBLE.get(family.lower())
    stand_in = _system(compatible) if compatible else None
    headroom = COMPATIBLE_HEADROOM
    if stand_in is None:
        compatible, headroom = "DejaVu Sans", WIDE_HEADROOM
        stand_in = _system(compatible)
    if stand_in is None:
        compatible, stand_in, headroom = brand_family, brand_files, FALLBACK_HEADROOM
    warning = (f"{where}: warning BRAND the master's theme font '{family}' is not in the brand "
               f"folder or on this system, so text is measured in {compatible} with "
               f"{round((headroom - 1) * 100)} % headroom; put {family}'s .ttf files in "
               f"{folder} to measure it exactly")
    return DeckFont(family, *stand_in, headroom), warning
