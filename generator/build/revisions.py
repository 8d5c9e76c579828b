"""The revision history of each plan, kept beside its account file and meant for git:
``<account folder>/.csplan/<slug>/revisions.json``.

A plan's revision rises only when what its customer sees changes (``views.revision``
hashes the customer-safe plan content, not the file's bytes). Each revision records its
number, its date (the build's ``--today``, so the same input gives the same bytes), the
hash and the small snapshot the "Changes since revision N" section compares. One file per
account, written atomically by the one process that builds that account, so shards building
in parallel never write the same file. A draft shows the revision it would be but records
nothing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Optional

from csplan.build.write import write_atomic
from csplan.exceptions import BuildError
from csplan.inputs.model import Account
from csplan.views.revision import Revision, content_hash, snapshot

FOLDER = ".csplan"
FILE = "revisions.json"
FORMAT = 1


def history_file(account_file: Path, slug: str) -> Path:
    """Return where the revision history of the account in ``account_file`` is kept."""
    return account_file.parent / FOLDER / slug / FILE


def _read(path: Path) -> list[dict]:
    """Return the revisions recorded in ``path`` (none when it does not exist)."""
    fix = "restore it from git, or remove it to start again at revision 1"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BuildError(f"{path}: the revision history cannot be read ({exc}); {fix}") \
            from None
    try:
        revisions = data["revisions"]
        assert data["format"] == FORMAT and isinstance(revisions, list)
        for number, entry in enumerate(revisions, 1):
            assert entry["revision"] == number and isinstance(entry["hash"], str)
            date.fromisoformat(entry["date"])
            assert set(entry["plan"]) == {"goals", "milestones", "metrics", "risks"}
    except (AssertionError, KeyError, TypeError, ValueError):
        raise BuildError(f"{path}: this is not a csplan revision history; {fix}") from None
    return revisions


def revision(account_file: Path, slug: str, account: Account, today: date,
             record: bool = True) -> tuple[Revision, Optional[str]]:
    """Return the plan's revision on this build and, when it could not be recorded, why.

    A new revision (dated ``today``) is added when the customer-visible content differs
    from the newest recorded one; with ``record`` it is written. The changes are counted
    from the revision current at the account's ``last_reviewed`` (the newest dated on or
    before it), or from the first revision when none is that old. Raises BuildError when the
    history is damaged.
    """
    path = history_file(account_file, slug)
    revisions = _read(path)
    digest = content_hash(account)
    problem = None
    if not revisions or revisions[-1]["hash"] != digest:
        revisions.append({"revision": len(revisions) + 1, "date": today.isoformat(),
                          "hash": digest, "plan": snapshot(account)})
        if record:
            data = json.dumps({"format": FORMAT, "account": account.account.name,
                               "revisions": revisions}, indent=1, sort_keys=True,
                              ensure_ascii=False) + "\n"
            try:
                write_atomic(path, data.encode("utf-8"), inside=account_file.parent)
            except BuildError as exc:
                problem = (f"the plan's revision history was not recorded ({exc}); the "
                           "plan shows the revision it would be")
    current = revisions[-1]
    reviewed = account.last_reviewed
    older = [r for r in revisions
             if reviewed is not None and date.fromisoformat(r["date"]) <= reviewed]
    base = older[-1] if older else revisions[0]
    if base is current:
        return Revision(current["revision"], date.fromisoformat(current["date"])), problem
    return Revision(current["revision"], date.fromisoformat(current["date"]),
                    base["revision"], date.fromisoformat(base["date"]), base["plan"]), problem
