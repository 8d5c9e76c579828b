"""Drafts: a plan sent before it is complete (a kickoff before the baseline is measured).

An account is built as a draft with ``build --draft`` or ``status: draft`` in the account. A
draft is built even when error-level rules fail: those errors become warnings, listed after
the account's other findings and said again at the end of the build. Every page and slide
of a draft is marked DRAFT and its file names end in ``-draft`` (``csplan.render``), and it
is never kept in the build cache, so a final build never takes a draft for itself.
"""

from __future__ import annotations

from dataclasses import replace

from csplan.findings import Finding
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
