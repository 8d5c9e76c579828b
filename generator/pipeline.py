"""The small API the CLI calls: check accounts (and, later, build them), one account at a time.

Each account is independent: a file that cannot be loaded yields its findings and the next
account goes on. Only a bad program file, which every account needs, stops the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

from csplan.check import failed, run_rules
from csplan.exceptions import CsplanError, SourceError
from csplan.findings import Finding
from csplan.system import internal_error
from csplan.loader import LoadedAccount, account_files, load_account
from csplan.program import Program, find_program, load_program


@dataclass
class AccountResult:
    """What happened to one account file."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    loaded: Optional[LoadedAccount] = None

    def failed(self, strict: bool = False) -> bool:
        return self.loaded is None or failed(self.findings, strict)


class Programs:
    """The program for each account: ``--program FILE``, else ``program.yaml`` beside the
    account, else the built-in defaults. Each file is loaded once; a bad one is a
    configuration error (exit 2)."""

    def __init__(self, explicit: Optional[Path] = None):
        self._cache: dict[Optional[Path], Program] = {}
        self._explicit = explicit
        if explicit is not None:
            self._explicit_program = self._load(explicit)

    def for_account(self, account_file: Path) -> Program:
        if self._explicit is not None:
            return self._explicit_program
        return self._load(find_program(account_file.parent))

    def _load(self, path: Optional[Path]) -> Program:
        key = path.resolve() if path else None
        if key not in self._cache:
            try:
                self._cache[key] = load_program(path)
            except SourceError as exc:
                raise CsplanError("the program file is not valid:", exc.findings) from None
        return self._cache[key]


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
