"""What a build reports: ``build-report.json`` for tools and ``index.html`` for a manager.

Both are internal (health bands, early-warning levels, findings) and go in
``OUT/_internal/`` (see layout.py).
The index is one HTML file with its styles inline and links relative to itself: it opens
from disk, no server, nothing fetched. The report's file paths are relative to ``--out``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

from csplan import __version__

from csplan.build import layout
from csplan.build.account import BuildResult
from csplan.derive import Derived
from csplan.paths import template_environment
from csplan.build.write import write_atomic

REPORT_FILE = "build-report.json"
INDEX_FILE = "index.html"


def report_entry(result: BuildResult, out: Path, row: Optional[dict] = None) -> dict:
    """Return one account's entry of build-report.json (field names are stable); ``row`` is
    its ``index_row`` with the account's facts, for its early-warning level (``alert``: level,
    since, due, overdue; None when no trigger holds or the account did not load)."""
    row = row or {}
    alert = {"level": row["alert"], "since": row["alert_since"], "due": row["alert_due"],
             "overdue": row["alert_overdue"] == "overdue"} if row.get("alert") else None
    return {
        "file": result.file,
        "account": result.account,
        "slug": result.slug,
        "status": result.status,
        "files": [layout.relative(p, out) for p in result.outputs],
        "findings": [f.as_dict() for f in result.findings],
        "notes": result.notes,
        "seconds": result.seconds,
        "format_seconds": result.format_seconds,
        "peak_mb": result.peak_mb,
        "alert": alert,
    }


def write_report(results: list[BuildResult], rows: dict[str, dict], out: Path, today: date,
                 seconds: float) -> Path:
    """Write build-report.json; ``rows`` holds each account's index row by its file."""
    return write_entries([report_entry(r, out, rows.get(r.file)) for r in results], out, today,
                         seconds)


def write_entries(entries: list[dict], out: Path, today: date, seconds: float) -> Path:
    """Write build-report.json from every account's ``report_entry``, in the book's order."""
    data = {
        "csplan": __version__,
        "today": today.isoformat(),
        "seconds": seconds,
        "summary": {status: sum(1 for e in entries if e["status"] == status)
                    for status in ("built", "skipped", "failed")},
        "accounts": entries,
    }
    return write_atomic(layout.internal(out) / REPORT_FILE,
                        json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"),
                        inside=out)


def index_row(result: BuildResult, derived: Optional[Derived], out: Path) -> dict:
    """Return what the index shows of one account (its ``derived`` values when it loaded)."""
    row = {"name": result.account or Path(result.file).stem, "file": result.file,
           "status": result.status, "segment": "", "renewal": "", "band": "", "score": "",
           "plan_status": "", "alert": "", "alert_since": "", "alert_due": "",
           "alert_overdue": "", "errors": sum(1 for f in result.findings if f.level == "error"),
           "warnings": sum(1 for f in result.findings if f.level == "warning"),
           "first": result.findings[0].format() if result.status == "failed" and
           result.findings else "",
           "documents": [(Path(p).suffix.lstrip(".").upper(), layout.relative(p, layout.internal(out)))
                         for p in result.outputs]}
    if derived is not None:
        a, last, level = derived.account, derived.latest_health, derived.level
        row.update(segment=a.account.segment, renewal=a.contract.renewal.isoformat(),
                   plan_status=a.status.replace("-", " "),
                   band=last.band if last else "", score=f"{last.score:g}" if last else "")
        if level is not None:  # the early-warning level (dates ISO, as the renewal)
            row.update(alert=level.level, alert_since=level.since.isoformat(),
                       alert_due=level.due.isoformat(),
                       alert_overdue="overdue" if level.overdue else "")
    return row


def write_index(rows: list[dict], out: Path, today: date) -> Path:
    html = template_environment().get_template("index.html.j2").render(
        rows=rows, today=today.isoformat(), version=__version__)
    return write_atomic(layout.internal(out) / INDEX_FILE, html.encode("utf-8"), inside=out)
