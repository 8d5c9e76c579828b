"""Where a build writes: customer files apart from internal ones.

A CSM shares an account's folder with that customer as a whole, so nothing internal may sit
in it. Internal files (anything with health, internal notes or findings) go under one
folder whose name no account slug can take (slugs are ``[a-z0-9-]``)::

    OUT/<slug>/<slug>-success-plan.docx|pdf       customer files: share the folder whole
    OUT/<slug>/<slug>-qbr-<quarter>.pptx
    OUT/_internal/index.html                      the book, with health bands
    OUT/_internal/build-report.json               every account's status, files and findings
    OUT/_internal/portfolio.html                  risk, renewals and capacity
    OUT/_internal/briefs/<slug>-qbr-prep-internal.pdf
    OUT/_internal/saveplans/<slug>-save-plan-internal.pdf
    OUT/_internal/cache/<sha256>.json             one account's incremental build fingerprints
    OUT/_internal/report-parts/shard-K-of-N.json  a shard's part of the report (build --shard)
"""

from __future__ import annotations

import os
from pathlib import Path

INTERNAL = "_internal"


def internal(out: Path) -> Path:
    """Return the folder of the internal files of a build into ``out``."""
    return out / INTERNAL


def customer(out: Path, slug: str) -> Path:
    """Return the folder of one account's customer files."""
    return out / slug


def relative(path: Path | str, folder: Path) -> str:
    """Return ``path`` relative to ``folder``, with ``/`` (as the report, the index and the
    cache record files); absolute where it cannot be relative (another drive)."""
    try:
        return Path(os.path.relpath(Path(path).resolve(), folder.resolve())).as_posix()
    except ValueError:
        return str(Path(path).resolve())
