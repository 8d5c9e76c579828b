"""Check accounts: load each file, then run the plan quality rules with the team's levels and
thresholds, one account at a time.

Each account is independent: a file that cannot be loaded yields its findings and the next
account goes on. Only a bad program file, which every account needs, stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Iterable, Iterator, Optional

from csplan import derive
from csplan.exceptions import CsplanError, SourceError
from csplan.findings import Finding
from csplan.system import internal_error
from csplan.inputs.loader import LoadedAccount, account_files, load_account
from csplan.inputs.model import Account
from csplan.inputs.program import Program, Programs


@dataclass
class Context:
    """What a rule may look at: the account and its positions, the program, today, and
    derived values computed once per account."""

    loaded: LoadedAccount
    program: Program
    today: date

    @property
    def account(self) -> Account:
        return self.loaded.account

    @cached_property
    def health(self) -> list[derive.WeekHealth]:
        return derive.health_series(self.account, self.program, self.today)

    @cached_property
    def verdict(self) -> derive.ExpansionVerdict:
        return derive.expansion_verdict(self.account, self.program, self.today)

    @cached_property
    def progress(self) -> dict[str, derive.MetricProgress]:
        start = self.account.contract.start
        return {m.id: derive.metric_progress(m, start, self.today) for m in self.account.metrics}


def run_rules(loaded: LoadedAccount, program: Program, today: date) -> list[Finding]:
    """Return every rule's findings for ``loaded``, at the level the program sets, sorted.

    A rule the program switches ``off`` is not run.
    """
    from csplan.rules import RULES

    ctx = Context(loaded, program, today)
    findings: list[Finding] = []
    for rule_id, rule in RULES.items():
        level = program.checks.levels.get(rule_id, rule.LEVEL)
        if level == "off":
            continue
        for path, message in rule.check(ctx):
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
        result.findings = sorted(loaded.warnings + run_rules(loaded, program, today))
        result.loaded = loaded
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
