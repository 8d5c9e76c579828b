"""Load an account file: strict YAML -> validated ``Account``, with positions for findings.

Schema problems that pydantic cannot see from one field alone (unique ids, renewal after
start, health rows that match the weights, a logo inside the account's folder) are checked
here too, so that everything after ``load`` can trust the model's shape.
"""

from __future__ import annotations

import os

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from csplan.exceptions import SourceError
from csplan.findings import Finding
from csplan.inputs.model import Account
from csplan.inputs.source import Document, parse_yaml, read_text
from csplan.inputs.validate import validate

ACCOUNT_SUFFIXES = (".yaml", ".yml")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


@dataclass
class LoadedAccount:
    """A valid account, where it came from, and the positions of its values in the file."""

    path: Path
    doc: Document
    account: Account
    warnings: list[Finding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.doc.name

    def at(self, *path: object) -> tuple[int, int]:
        return self.doc.at(tuple(path))

    def finding(self, path: tuple, level: str, rule: str, message: str) -> Finding:
        """Return a finding located at ``path`` in this account's file."""
        return Finding(self.doc.name, *self.doc.at(path), level, rule, message)  # type: ignore[arg-type]

    @property
    def logo_path(self) -> Path | None:
        logo = self.account.account.logo
        return (self.path.parent / logo) if logo else None


def load_account(path: Path, name: str | None = None) -> LoadedAccount:
    """Return the account in ``path``; raise SourceError with every problem found."""
    return load_text(read_text(path, name or str(path)), path, name)


def load_text(text: str, path: Path, name: str | None = None) -> LoadedAccount:
    """Return the account in ``text``, read as if it were the file ``path`` (its logo is
    looked for beside it); raise SourceError with every problem found."""
    doc = parse_yaml(text, name or str(path))
    account = validate(doc, Account)
    loaded = LoadedAccount(path=path, doc=doc, account=account, warnings=list(doc.warnings))
    problems = _cross_check(loaded)
    if problems:
        raise SourceError(problems)
    return loaded


def _cross_check(loaded: LoadedAccount) -> list[Finding]:
    a = loaded.account
    out: list[Finding] = []

    def error(path: tuple, message: str) -> None:
        out.append(loaded.finding(path, "error", "SCHEMA", message))

    if a.contract.renewal <= a.contract.start:
        error(("contract", "renewal"), "contract.renewal must be after contract.start")

    people = [("vendor_team", i, p.id) for i, p in enumerate(a.vendor_team)]
    people += [("stakeholders", i, p.id) for i, p in enumerate(a.stakeholders)]
    for section, items in (("person", people),
                           ("metric", [("metrics", i, m.id) for i, m in enumerate(a.metrics)]),
                           ("milestone",
                            [("milestones", i, m.id) for i, m in enumerate(a.milestones)])):
        seen: dict[str, tuple] = {}
        for list_name, index, ident in items:
            if ident in seen:
                first = loaded.at(*seen[ident], "id")[0]
                error((list_name, index, "id"),
                      f"{section} id '{ident}' is used twice (first on line {first}); "
                      "ids must be unique")
            else:
                seen[ident] = (list_name, index)

    for index, count in Counter(q.quarter for q in a.qbrs).items():
        if count > 1:
            last = max(i for i, q in enumerate(a.qbrs) if q.quarter == index)
            error(("qbrs", last, "quarter"), f"two QBRs for {index}; keep one per quarter")

    if a.health is not None and a.health.weights:
        dims = set(a.health.weights)
        for i, row in enumerate(a.health.weekly):
            missing = sorted(dims - set(row.scores))
            extra = sorted(set(row.scores) - dims)
            if missing:
                error(("health", "weekly", i),
                      f"week {row.week} has no score for {', '.join(missing)}")
            for key in extra:
                error(("health", "weekly", i, key),
                      f"'{key}' is not a dimension of health.weights "
                      f"({', '.join(sorted(dims))})")

    if a.account.logo:
        problem = _logo_problem(a.account.logo, loaded.path.parent)
        if problem:
            error(("account", "logo"), problem)
    return out


def _logo_problem(logo: str, folder: Path) -> str | None:
    pure = PurePosixPath(logo.replace("\\", "/"))
    if pure.is_absolute() or ":" in logo or ".." in pure.parts:
        return f"logo '{logo}' must be a path inside the account's folder, like logos/acme.png"
    if pure.suffix.lower() not in LOGO_SUFFIXES:
        return f"logo '{logo}' must be a PNG or JPEG file"
    target = folder / pure
    try:
        resolved = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return f"logo '{logo}' does not exist next to the account file"
    if not resolved.is_relative_to(folder.resolve()):
        return f"logo '{logo}' points outside the account's folder (a link?); copy the file in"
    if not resolved.is_file():
        return f"logo '{logo}' is not a file"
    return None


def account_files(paths: list[Path]) -> list[Path]:
    """Return the account files named by ``paths``: files as given, and every ``*.yaml`` in
    a folder and its subfolders (``accounts/emea/…``), in a stable order.

    ``program.yaml`` is the team's program file, not an account, and is skipped; so are
    hidden files and folders (``.git``), and symbolic links to folders (no loops).
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
            found += [Path(folder) / n for n in sorted(names)
                      if Path(n).suffix in ACCOUNT_SUFFIXES and n != "program.yaml"
                      and not n.startswith(".") and (Path(folder) / n).is_file()]
    seen: set[Path] = set()
    unique = []
    for p in found:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique
