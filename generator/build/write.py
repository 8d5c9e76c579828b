"""Write a file atomically: a temporary file beside it, checked, then renamed over it.

An interrupted or failed build leaves the previous good file in place and no temporary
file behind: the rename is the only moment the target changes, and it is atomic on POSIX
and Windows for files in the same folder.

Permissions: a file that replaces another keeps that file's mode (an account file the user
keeps at 0600 stays 0600 after ``csplan import``); a new file is 0644, readable by all,
like a document csplan hands over.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, Optional

from csplan.exceptions import BuildError

NEW_FILE_MODE = 0o644


def write_atomic(target: Path, data: bytes,
                 verify: Optional[Callable[[Path], None]] = None,
                 inside: Optional[Path] = None) -> Path:
    """Write ``data`` to ``target`` via a checked temporary file; return ``target``.

    ``verify`` is called on the temporary file and raises to refuse it. With ``inside``
    (the output folder), nothing between it and ``target`` may be a symbolic link, so a
    linked ``out/<slug>`` cannot send documents outside ``--out`` (``inside`` itself may be
    a link: that is the user's choice). Raises BuildError (with the previous file
    untouched) if the folder cannot be written or the check fails. The file keeps the mode
    of the one it replaces; a new file is 0644.
    """
    folder = target.parent
    if inside is not None:
        _refuse_links(target, inside)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise BuildError(f"cannot write to {folder}: {exc.strerror or exc}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if verify is not None:
            verify(temp)
        os.chmod(temp, _mode(target))
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise BuildError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return target


def remove_inside(target: Path, inside: Path) -> bool:
    """Remove ``target`` if it is a regular file inside the folder ``inside`` with no link
    on the way (a link named like it is left alone, never followed); return True when it
    was removed. Raises BuildError when it cannot be removed."""
    if not Path(os.path.abspath(target)).is_relative_to(os.path.abspath(inside)):
        return False
    try:
        _refuse_links(target, inside)
        if not stat.S_ISREG(os.lstat(target).st_mode):
            return False
        target.unlink()
    except FileNotFoundError:
        return False
    except BuildError:
        return False
    except OSError as exc:
        raise BuildError(f"cannot remove {target}: {exc.strerror or exc}") from None
    return True


def _mode(target: Path) -> int:
    """Return the read/write/execute bits of the file ``target`` replaces (not set-user-ID
    and the like: csplan writes data), or 0644 for a new file."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode) & 0o777
    except OSError:
        return NEW_FILE_MODE


def _refuse_links(target: Path, inside: Path) -> None:
    """Raise BuildError if ``target`` or a folder between it and ``inside`` is a link."""
    for path in (target, *target.parents):
        if path == inside or len(path.parts) <= len(inside.parts):
            return
        if path.is_symlink():
            raise BuildError(f"{path} is a symbolic link; csplan writes only into real "
                             f"folders inside {inside}: remove the link and build again")
