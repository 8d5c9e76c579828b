"""Check accounts: load each file, then run the plan quality rules with the team's levels and
thresholds, one account at a time.

Each account is independent: a file that cannot be loaded yields its findings and the next
account goes on. Only a bad program file, which every account needs, stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional

from csplan import derive
from csplan.derive import Derived
from csplan.exceptions import CsplanError, SourceError
from csplan.findings import Finding
from csplan.system import internal_error
from csplan.inputs.loader import LoadedAccount, account_files, load_account
from csplan.inputs.program import Program, Programs


def run_rules(loaded: LoadedAccount, derived: Derived) -> list[Finding]:
    """Return every rule's findings for ``loaded``, at the level its program sets, sorted.

    Each rule reads the account's ``derived`` values (``derive.of``); a rule the program
    switches ``off`` is not run.
    """
    from csplan.rules import RULES

    findings: list[Finding] = []
    for rule_id, rule in RULES.items():
        level = derived.program.checks.levels.get(rule_id, rule.LEVEL)
        if level == "off":
            continue
        for path, message in rule.check(derived):
            findings.append(loaded.finding(tuple(path), level, rule_id, message))
    return sorted(findings)


def failed(findings: Iterable[Finding], strict: bool) -> bool:
    """Return True when findings stop the account: any error, or any warning under strict."""
    return any(f.level == "error" or strict for f in findings)


@dataclass
class AccountResult:
    """What happened to one account file."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    loaded: Optional[LoadedAccount] = None
    derived: Optional[Derived] = None  # what the rules read, for the documents and the index

    def failed(self, strict: bool = False) -> bool:
        return self.loaded is None or failed(self.findings, strict)


def check_file(path: Path, program: Program, today: date) -> AccountResult:
    """Return the load and rule findings of one account file.

    A bug in csplan on this account (any unexpected exception) becomes an INTERNAL finding
    and the account fails alone, so the other accounts of a book are still checked.
    """
    result = AccountResult(file=str(path))
    try:
        loaded = load_account(path)
        derived = derive.of(loaded.account, program, today)
        result.findings = sorted(loaded.warnings + run_rules(loaded, derived))
        result.loaded, result.derived = loaded, derived
    except SourceError as exc:
        result.findings = sorted(exc.findings)
    except Exception:  # noqa: BLE001 - one account's crash must not stop the others
        result.findings = [internal_error(str(path), "checking this account")]
    return result


def check_paths(paths: list[Path], programs: Programs, today: date) -> Iterator[AccountResult]:
    """Yield the check result of every account file under ``paths``, in path order."""
    files = account_files(paths)
    if not files:
        raise CsplanError("no account files (*.yaml) found in "
                          + ", ".join(str(p) for p in paths))
    for path in files:
        yield check_file(path, programs.for_account(path), today)
