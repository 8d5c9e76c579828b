"""Watch a book: build it, then build it again whenever a file it reads changes.

A CSM editing a plan before a call, or a designer trying a brand, sees the documents follow
each save. The process stays warm between builds (the renderers imported, WeasyPrint's
fonts set up, the brand checked once until it changes), so a rebuild costs the documents
alone; which accounts a change concerns is the build cache's business (an account whose
fingerprint did not change is skipped), so this module only notices that something changed.

Changes are found by polling the size and modification time of every file under the
watched folders (no dependency, and it works on network shares and in containers where
file-system events do not arrive). Hidden files and folders (``.git``, ``.csplan``,
editors' swap files) and the output folder are not watched.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Iterable, Optional

State = dict[str, tuple[int, int]]

# Seconds between two looks at the files: short enough to feel immediate after a save,
# long enough that looking costs nothing.
INTERVAL = 0.2
# Seconds a change must stay as it is before a build starts: an editor saving in several
# writes (or a CRM import writing several files) starts one build, not two.
SETTLE = 0.05


def roots(paths: Iterable[Path], *extra: Optional[Path]) -> list[Path]:
    """Return the folders and files whose changes a build of ``paths`` may depend on: each
    folder given, the folder of each file given (its logos live beside it), and ``extra``
    (the brand folder, the program file) where given."""
    found: list[Path] = []
    for path in [*paths, *(e for e in extra if e is not None)]:
        if path.is_file() and path.suffix in (".yaml", ".yml"):
            path = path.parent
        if path not in found:
            found.append(path)
    return found


def state(where: Iterable[Path], skip: Iterable[Path] = ()) -> State:
    """Return (modification time in ns, size) of every file under ``where``, by path,
    leaving out hidden names and anything under ``skip``."""
    skipped = {os.path.realpath(s) for s in skip}
    seen: State = {}
    for root in where:
        if root.is_file():
            _add(seen, str(root))
            continue
        for folder, subfolders, names in os.walk(root):
            subfolders[:] = [d for d in subfolders if not d.startswith(".")
                             and os.path.realpath(os.path.join(folder, d)) not in skipped]
            for name in names:
                if not name.startswith("."):
                    _add(seen, os.path.join(folder, name))
    return seen


def _add(seen: State, path: str) -> None:
    try:
        info = os.stat(path)
    except OSError:  # removed while we looked: the next look sees it gone
        return
    seen[path] = (info.st_mtime_ns, info.st_size)


def changes(before: State, after: State) -> list[str]:
    """Return the paths added, removed or changed from ``before`` to ``after``, sorted."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def wait_for_change(look: Callable[[], State], before: State,
                    interval: float = INTERVAL,
                    sleep: Callable[[float], None] = time.sleep) -> tuple[State, list[str]]:
    """Look every ``interval`` seconds until the files differ from ``before``; return the new
    state and what changed, once the files have stayed still for ``SETTLE`` seconds."""
    while True:
        sleep(interval)
        now = look()
        if now == before:
            continue
        while True:  # let the save finish
            sleep(SETTLE)
            settled = look()
            if settled == now:
                return now, changes(before, now)
            now = settled
