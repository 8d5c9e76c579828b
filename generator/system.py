"""What csplan asks of the machine it runs on: usable CPUs, and where a crash is logged."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Iterable

from csplan.findings import Finding


def usable_cpus() -> int:
    """Return how many CPUs this process may really use: its affinity mask, capped by a
    cgroup CPU quota (containers, CI runners) where one is set; at least 1."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        count = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        count = min(count, quota)
    return max(1, count)


def _cgroup_quota() -> int | None:
    """Return the CPU quota of this process's cgroup, rounded up, or None when unlimited."""
    candidates = [(Path("/sys/fs/cgroup/cpu.max"), None),  # cgroup v2: "max 100000"
                  (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"),
                   Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))]  # cgroup v1
    for first, second in candidates:
        try:
            parts = first.read_text().split()
            if second is not None:
                parts.append(second.read_text().strip())
            quota, period = parts[0], parts[1]
            if quota in ("max", "-1"):
                return None
            return max(1, -(-int(quota) // int(period)))
        except (OSError, ValueError, IndexError, ZeroDivisionError):
            continue
    return None


def internal_error(file: str, doing: str) -> Finding:
    """Return the finding for csplan's own bug met while ``doing`` something with ``file``
    (call it in an ``except`` block): rule INTERNAL, which makes the run exit 3, with the
    path of a log holding the traceback."""
    kind = type(sys.exc_info()[1]).__name__
    return Finding(file, 0, 0, "error", "INTERNAL",
                   f"internal error while {doing} ({kind}); this is a bug in csplan, not in "
                   f"the file: {report_it().lower()}")


def report_it() -> str:
    """Return "Please report it with <log>", having written the current exception's
    traceback to that log; or say that no log could be written (a full or read-only temp
    folder must not turn a reported bug into a traceback)."""
    try:
        return f"Please report it with {write_crash_log()}"
    except OSError as exc:
        return (f"Please report it; its traceback could not be saved "
                f"({exc.strerror or exc})")


def exit_code(findings: Iterable[Finding], failed: bool) -> int:
    """Return the exit code of a run over accounts, from all their findings and whether any
    account failed: 3 when csplan met a bug of its own (an INTERNAL finding), 2 when a brand
    template failed an account (a BRAND error: configuration), 1 when an account failed
    otherwise, 0 when every account passed, was built or was skipped."""
    rules = {f.rule for f in findings if f.level == "error"}
    if "INTERNAL" in rules:
        return 3
    if "BRAND" in rules:
        return 2
    return 1 if failed else 0


def write_crash_log() -> Path:
    """Write the current exception's traceback to a new log file; return its path."""
    fd, name = tempfile.mkstemp(prefix=f"csplan-crash-{time.strftime('%Y%m%d-%H%M%S')}-",
                                suffix=".log")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        from csplan import __version__

        fh.write(f"csplan {__version__}\n{traceback.format_exc()}")
    return Path(name)
