"""Drafts: a plan sent before it is complete (a kickoff before the baseline is measured).

An account is built as a draft with ``build --draft`` or ``status: draft`` in the account. A
draft is built even when error-level rules fail: those errors become warnings, listed after
the account's other findings and said again at the end of the build. Every page and slide
of a draft is marked DRAFT and its file names end in ``-draft`` (``csplan.render``), and it
is never kept in the build cache, so a final build never takes a draft for itself.

A final build that succeeds removes the drafts its documents replace: for each document it
wrote, the file of the same name with ``-draft`` (``acme-success-plan.pdf`` removes
``acme-success-plan-draft.pdf``), only if it is a regular file in the same folder inside
the output folder (a link of that name is left alone). The build's notes name each one. A
draft build removes nothing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from csplan.build import layout
from csplan.build.account import BuildResult
from csplan.build.write import remove_inside
from csplan.exceptions import BuildError
from csplan.findings import Finding
from csplan.render import draft_name
from csplan.rules.engine import AccountResult

NOTE = " (an error in a final build; built as a draft)"


def is_draft(checked: AccountResult, forced: bool) -> bool:
    """Return True when the checked account is built as a draft: asked for, or its status
    is ``draft``. An account that did not load is never one (there is nothing to build)."""
    loaded = checked.loaded
    return loaded is not None and (forced or loaded.account.status == "draft")


def as_draft(checked: AccountResult) -> AccountResult:
    """Return ``checked`` with its errors made warnings (saying so), after its other
    findings, so the draft builds."""
    kept = [f for f in checked.findings if f.level != "error"]
    demoted = [replace(f, level="warning", message=f.message + NOTE)
               for f in checked.findings if f.level == "error"]
    checked.findings = kept + demoted
    return checked


def was_error(finding: Finding) -> bool:
    """Return True for a draft's warning that fails a final build."""
    return finding.level == "warning" and finding.message.endswith(NOTE)


def remove_replaced(result: BuildResult, out: Path) -> None:
    """Remove the drafts that the documents of a successful final build replace (see the
    module), adding a note naming them, or a warning for one that cannot be removed."""
    if result.draft or result.status != "built":
        return
    removed = []
    for document in result.outputs:
        draft = document.with_name(draft_name(document.name))
        try:
            if remove_inside(draft, out):
                removed.append(layout.relative(draft, out))
        except BuildError as exc:
            result.findings.append(Finding(result.file, 0, 0, "warning", "BUILD",
                                           f"{exc}; remove this earlier draft by hand"))
    if removed:
        result.notes.append(f"removed the draft{'s' * (len(removed) > 1)} this final build "
                            f"replaces: {', '.join(removed)}")
