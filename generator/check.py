"""Run the plan quality rules on a loaded account, with the team's levels and thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Iterable

from csplan import derive
from csplan.findings import Finding
from csplan.loader import LoadedAccount
from csplan.model import Account
from csplan.program import Program


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
