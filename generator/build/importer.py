"""``csplan import``: rows of a CSV export into account files, as text edits.

Three kinds: ``health`` (one row per account and week: dimension sub-scores, or raw signals
that the program's health model scores), ``actuals`` (metric id, date, value) and
``contacts`` (CRM contacts as stakeholders). Each row names its account by the account's
``crm_id``, else its file's slug, else its exact name; a row that matches none or two is
reported and not applied. A row already in the file is skipped; one that contradicts it
(the same week, other values) is a conflict, applied only with ``replace``.

Nothing is written unless the whole CSV reads cleanly, and no file is written that does not
load and validate afterwards (``yamledit`` makes the edits, ``loader.load_text`` checks).
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Optional

import yaml
from pydantic import ValidationError

from csplan.build.write import write_atomic
from csplan.exceptions import CsplanError, SourceError
from csplan.findings import Finding
from csplan.inputs import yamledit
from csplan.inputs.csvin import Row, Table, header_key, read_csv
from csplan.inputs.loader import LoadedAccount, load_text
from csplan.inputs.model import Actual, Stakeholder, WeeklyHealth
from csplan.inputs.program import Program
from csplan.inputs.slug import slugify
from csplan.inputs.source import read_text

RULE = "IMPORT"
KINDS = ("health", "actuals", "contacts")
ACCOUNT_COLUMNS = ("crm_id", "account_id", "account", "account_name", "customer",
                   "company", "company_name")
WEEK_COLUMNS = ("week", "week_of", "week_start", "date")
METRIC_COLUMNS = ("metric", "metric_id", "kpi")
DATE_COLUMNS = ("date", "as_of", "measured_on", "day")
VALUE_COLUMNS = ("value", "actual", "reading")
CONTACT_FIELDS = ("name", "first_name", "last_name", "title", "email", "role")
# CRM headers (Salesforce and HubSpot contact exports) -> contact field.
CONTACT_COLUMNS = {
    "name": "name", "full_name": "name", "contact_name": "name", "contact": "name",
    "first_name": "first_name", "firstname": "first_name", "given_name": "first_name",
    "last_name": "last_name", "lastname": "last_name", "surname": "last_name",
    "family_name": "last_name",
    "title": "title", "job_title": "title", "jobtitle": "title", "position": "title",
    "email": "email", "email_address": "email", "e_mail": "email",
    "role": "role", "contact_role": "role", "buying_role": "role", "stakeholder_role": "role",
}
# CRM role names (Salesforce contact roles, HubSpot buying roles) -> stakeholder role.
ROLES = {
    "champion": "champion",
    "executive_sponsor": "executive-sponsor", "sponsor": "executive-sponsor",
    "executive": "executive-sponsor",
    "economic_buyer": "economic-buyer", "economic_decision_maker": "economic-buyer",
    "decision_maker": "economic-buyer", "budget_holder": "economic-buyer",
    "it_contact": "it-contact", "technical_buyer": "it-contact", "technical_contact": "it-contact",
    "it": "it-contact", "admin": "it-contact", "administrator": "it-contact",
    "end_user": "end-user", "user": "end-user", "business_user": "end-user",
    "other": "other",
}


@dataclass
class FileResult:
    """What an import did (or, with dry_run, would do) to one account file."""

    path: Path
    name: str
    added: int = 0
    skipped: int = 0
    conflicts: int = 0
    replaced: int = 0
    diff: str = ""
    written: bool = False

    def summary(self) -> str:
        parts = [f"{self.added} added"]
        if self.replaced:
            parts.append(f"{self.replaced} replaced")
        parts += [f"{self.skipped} already there", f"{self.conflicts} in conflict"]
        return f"{self.name}: " + ", ".join(parts)


@dataclass
class ImportOutcome:
    kind: str
    csv: str
    files: list[FileResult]
    findings: list[Finding] = field(default_factory=list)
    dry_run: bool = False

    @property
    def failed(self) -> bool:
        """True when a row was not applied: no account, a conflict, a bad value."""
        return any(f.level == "error" for f in self.findings)


@dataclass
class _Plan:
    """The edits planned for one account file."""

    loaded: LoadedAccount
    result: FileResult
    raw: bytes = b""  # the file's bytes when it was read
    text: str = ""  # its text (read_text: no byte-order mark)
    edits: list[yamledit.Edit] = field(default_factory=list)


class _Run:
    """One import: the CSV, the accounts, and what each row does."""

    def __init__(self, table: Table, accounts: list[LoadedAccount], replace: bool):
        self.table = table
        self.accounts = accounts
        self.replace = replace
        self.findings: list[Finding] = []
        self.plans: dict[Path, _Plan] = {
            a.path: _Plan(a, FileResult(a.path, a.name)) for a in accounts}
        self.index: list[tuple[str, dict[str, list[LoadedAccount]]]] = []
        for way, key in (("crm_id", lambda a: a.account.account.crm_id),
                         ("file name", lambda a: a.path.stem),
                         ("name", lambda a: a.account.account.name)):
            by: dict[str, list[LoadedAccount]] = {}
            for a in accounts:
                if key(a):
                    by.setdefault(key(a), []).append(a)
            self.index.append((way, by))

    def report(self, row: Row, level: str, message: str, column: int = 1) -> None:
        self.findings.append(Finding(self.table.name, row.line, column, level, RULE, message))

    def account_of(self, row: Row, column: Optional[str]) -> Optional[_Plan]:
        """Return the plan of the account ``row`` names (see the module), or report why not."""
        if column is None:
            return next(iter(self.plans.values()))
        cell = row.get(column)
        value = self.table.text(cell)
        if cell is None or value is None:
            if cell is None:
                self.report(row, "error", f"no account in column "
                                          f"'{self.table.headers[column].header}'; row not "
                                          "applied", self.table.headers[column].column)
            return None
        for way, by in self.index:
            hits = by.get(value, [])
            if len(hits) == 1:
                return self.plans[hits[0].path]
            if len(hits) > 1:
                self.report(row, "error", f"'{value}' is the {way} of {len(hits)} accounts ("
                            + ", ".join(a.name for a in hits) + "); give each a unique "
                            "account.crm_id; row not applied", cell.column)
                return None
        self.report(row, "error", f"no account has the crm_id, file name or name '{value}'; "
                                  "add `crm_id: " + value + "` to its account section, or "
                                  "name it among the accounts to import into; row not applied",
                    cell.column)
        return None


def _column(table: Table, names: tuple[str, ...]) -> Optional[str]:
    return next((n for n in names if n in table.headers), None)


def _account_column(table: Table, accounts: list[LoadedAccount]) -> Optional[str]:
    column = _column(table, ACCOUNT_COLUMNS)
    if column is None and len(accounts) != 1:
        raise CsplanError(f"{table.name}: no account column; add one named crm_id, account "
                          "or account_name, or import into one account file")
    return column


def _need(table: Table, names: tuple[str, ...], what: str) -> str:
    column = _column(table, names)
    if column is None:
        raise CsplanError(f"{table.name}: no {what} column; name one of its columns "
                          + " or ".join(names[:3]))
    return column


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


def _round(value: float) -> int:
    return int(math.floor(value + 0.5))


def _valid(run: _Run, row: Row, model: Any, item: dict) -> bool:
    """Return True if ``item`` is a valid ``model``; else report each problem on ``row``."""
    try:
        model.model_validate(item)
        return True
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            where = ".".join(str(p) for p in error["loc"] if p != "scores")
            run.table.errors.append(Finding(run.table.name, row.line, 1, "error", RULE,
                                            f"{where}: {error['msg']}"))
        return False


def _place(existing: list[date], when: date) -> Optional[int]:
    """Return the index of the first item dated after ``when`` (None: at the end)."""
    later = [i for i, d in enumerate(existing) if d > when]
    return later[0] if later else None


def _health(run: _Run, program: Program) -> None:
    table = run.table
    account_col = _account_column(table, run.accounts)
    week_col = _need(table, WEEK_COLUMNS, "week")
    weeks = table.dates(week_col)
    signals = program.health.signals
    dimensions = set(program.health.dimensions)
    for a in run.accounts:
        if a.account.health is not None:
            dimensions |= set(a.account.health.weights)
    used = {*ACCOUNT_COLUMNS, *WEEK_COLUMNS}
    for key, cell in table.headers.items():
        if key not in used and key not in dimensions and key not in signals:
            run.findings.append(Finding(
                table.name, cell.line, cell.column, "warning", RULE,
                f"column '{cell.header}' is neither a health dimension ("
                + ", ".join(sorted(dimensions)) + ") nor a signal of the health model "
                "(program.yaml health.signals); ignored"))
    added: dict[tuple[Path, date], tuple[int, dict]] = {}
    for row in table.rows:
        plan = run.account_of(row, account_col)
        week = weeks.get(row.line)
        scores: dict[str, float] = {}
        from_signals: dict[str, list[float]] = {}
        for key, cell in row.cells.items():
            if not cell.text.strip():
                continue
            if key in dimensions:
                value = table.number(cell)
                if value is not None and not 0 <= value <= 100:
                    table.error(cell, f"'{cell.text}' in column '{cell.header}' is not a "
                                      "sub-score from 0 to 100")
                elif value is not None:
                    scores[key] = value
            elif key in signals:
                value = table.number(cell, booleans=True)
                if value is not None:
                    from_signals.setdefault(signals[key].dimension, []).append(
                        signals[key].score(value))
        for dim, values in from_signals.items():
            if dim in scores:
                table.errors.append(Finding(
                    table.name, row.line, 1, "error", RULE,
                    f"the row gives '{dim}' both as a column and from signals; keep one"))
            scores[dim] = _round(sum(values) / len(values))
        if plan is not None and week is None and row.get(week_col) is None:
            run.report(row, "error", "no week in this row; row not applied",
                       table.headers[week_col].column)
        if plan is None or week is None:
            continue
        a = plan.loaded.account
        weights = (a.health.weights if a.health and a.health.weights else program.weights)
        missing = sorted(set(weights) - set(scores))
        if missing:
            run.report(row, "error", f"no value for {', '.join(missing)} (health dimensions of "
                                     f"{plan.result.name}): add a column of that name or of a "
                                     "signal scoring it; row not applied")
            continue
        item = {"week": week, **{d: scores[d] for d in weights}}
        if not _valid(run, row, WeeklyHealth, item):
            continue
        rows = a.health.weekly if a.health else []
        _merge(run, plan, row, ("health", "weekly"), item, "week", week,
               [(r.week, {"week": r.week, **r.scores}) for r in rows], added)


def _merge(run: _Run, plan: _Plan, row: Row, path: tuple, item: dict, what: str, when: date,
           existing: list[tuple[date, dict]], added: dict, label: str = "") -> None:
    """Add ``item`` (dated ``when``) to the list at ``path`` unless it is there: skipped if
    equal, a conflict (replaced with ``run.replace``) if not."""
    def equal(old: dict) -> bool:
        return set(old) == set(item) and all(
            _same(float(old[k]), float(v)) if isinstance(v, (int, float)) else old[k] == v
            for k, v in item.items())

    label = label or f"{what} {when}"
    key = (plan.loaded.path, path, when)
    if key in added:
        first_line, first = added[key]
        if equal(first):
            plan.result.skipped += 1
        else:
            plan.result.conflicts += 1
            run.report(row, "error", f"{label} is on line {first_line} too, with other "
                                     "values; keep one row; row not applied")
        return
    for index, (old_when, old) in enumerate(existing):
        if old_when != when:
            continue
        if equal(old):
            plan.result.skipped += 1
            added[key] = (row.line, item)
            return
        line = plan.loaded.at(*path, index)[0]
        if run.replace:
            plan.edits.append(yamledit.Replace(path + (index,), item))
            plan.result.replaced += 1
            added[key] = (row.line, item)
            return
        plan.result.conflicts += 1
        run.report(row, "error", f"{label} is in {plan.result.name} line {line} with other "
                                 f"values ({_values(old)}; the CSV: {_values(item)}); "
                                 "not applied: run with --replace to take the CSV's")
        return
    added[key] = (row.line, item)
    plan.edits.append(yamledit.Add(path, [item], _place([w for w, _ in existing], when)))
    plan.result.added += 1


def _values(item: dict) -> str:
    return ", ".join(f"{k} {yamledit.scalar(v)}" for k, v in item.items()
                     if not isinstance(v, date))


def _actuals(run: _Run) -> None:
    table = run.table
    account_col = _account_column(table, run.accounts)
    metric_col = _need(table, METRIC_COLUMNS, "metric")
    date_col = _need(table, DATE_COLUMNS, "date")
    value_col = _need(table, VALUE_COLUMNS, "value")
    dates = table.dates(date_col)
    added: dict = {}
    for row in table.rows:
        plan = run.account_of(row, account_col)
        metric_id = table.text(row.get(metric_col))
        value_cell = row.get(value_col)
        value = table.number(value_cell) if value_cell else None
        when = dates.get(row.line)
        empty = [table.headers[c] for c in (metric_col, date_col, value_col)
                 if row.get(c) is None]
        if plan is not None and empty:
            run.report(row, "error", "no " + " and no ".join(f"'{h.header}'" for h in empty)
                       + " in this row; row not applied", empty[0].column)
        if plan is None or metric_id is None or value is None or when is None:
            continue
        metrics = plan.loaded.account.metrics
        index = next((i for i, m in enumerate(metrics) if m.id == metric_id), None)
        if index is None:
            run.report(row, "error", f"{plan.result.name} has no metric '{metric_id}' (its "
                                     f"metrics: {', '.join(m.id for m in metrics) or 'none'}); "
                                     "row not applied", table.headers[metric_col].column)
            continue
        item = {"date": when, "value": value}
        if not _valid(run, row, Actual, item):
            continue
        _merge(run, plan, row, ("metrics", index, "actuals"), item, "date", when,
               [(x.date, {"date": x.date, "value": x.value}) for x in metrics[index].actuals],
               added, label=f"metric '{metric_id}' on {when}")


def contact_columns(table: Table, column_map: dict[str, str]) -> dict[str, str]:
    """Return contact field -> CSV column key, from the CRM headers and ``column_map``
    (header -> field); raise CsplanError for a map that names no column or no field."""
    fields: dict[str, str] = {}
    for key in table.headers:
        if key in CONTACT_COLUMNS:
            fields.setdefault(CONTACT_COLUMNS[key], key)
    for header, target in column_map.items():
        key = header_key(header)
        if key not in table.headers:
            raise CsplanError(f"--map {header}={target}: {table.name} has no column "
                              f"'{header}' (its columns: "
                              + ", ".join(c.header for c in table.headers.values()) + ")")
        if target not in CONTACT_FIELDS:
            raise CsplanError(f"--map {header}={target}: '{target}' is not a contact field; "
                              "choose from " + ", ".join(CONTACT_FIELDS))
        fields[target] = key
    if "name" not in fields and not ("first_name" in fields or "last_name" in fields):
        raise CsplanError(f"{table.name}: no name column (Name, or First Name and Last "
                          "Name); map one with --map COLUMN=name")
    return fields


def _contacts(run: _Run, column_map: dict[str, str]) -> None:
    table = run.table
    fields = contact_columns(table, column_map)
    plan = next(iter(run.plans.values()))
    account = plan.loaded.account
    used_ids = set(account.person_ids)
    people = list(account.stakeholders)
    seen: dict[str, int] = {}
    for row in table.rows:
        value = {f: table.text(row.get(k)) for f, k in fields.items()}
        name = value.get("name") or " ".join(
            v for v in (value.get("first_name"), value.get("last_name")) if v)
        if not name:
            run.report(row, "error", "no name in this row; row not applied")
            continue
        role_text = value.get("role")
        role = ROLES.get(header_key(role_text or ""))
        email = value.get("email")
        match_key = (email or name).casefold()
        if match_key in seen:
            plan.result.skipped += 1
            continue
        seen[match_key] = row.line
        existing = next((p for p in people if (email and p.email and p.email.casefold() ==
                                               email.casefold()) or p.name.casefold() ==
                         name.casefold()), None)
        if existing is not None:
            differs = [f for f, v in (("title", value.get("title")), ("email", email),
                                      ("role", role if role_text else None))
                       if v is not None and getattr(existing, f) not in (None, v)]
            if differs:
                plan.result.conflicts += 1
                run.report(row, "error", f"{name} is stakeholder '{existing.id}' with another "
                                         f"{', '.join(differs)}; not applied: edit the file "
                                         "if the CRM is right")
            else:
                plan.result.skipped += 1
            continue
        if role is None:
            role = "other"
            run.report(row, "warning", f"role '{role_text}' of {name} is not a stakeholder "
                                       "role; written as 'other': change it in the file"
                       if role_text else f"{name} has no role; written as 'other': change "
                       "it in the file")
        ident = base = slugify(name, fallback="contact")[:60].strip("-")
        number = 2
        while ident in used_ids:
            ident, number = f"{base}-{number}", number + 1
        item = {"id": ident, "name": name, "title": value.get("title"), "role": role,
                "email": email}
        item = {k: v for k, v in item.items() if v}
        if not _valid(run, row, Stakeholder, item):
            continue
        used_ids.add(ident)
        plan.edits.append(yamledit.Add(("stakeholders",), [item], flow=False))
        plan.result.added += 1


def import_csv(kind: str, csv_path: Path, accounts: list[Path], program: Program, *,
               replace: bool = False, dry_run: bool = False,
               column_map: Optional[dict[str, str]] = None) -> ImportOutcome:
    """Import the rows of ``csv_path`` into the account files ``accounts`` (see the module).

    Raises CsplanError when the CSV cannot be read or lacks a needed column (no file is
    changed); returns what was done to each file, and a finding for each row not applied.
    """
    try:
        table = read_csv(csv_path)
    except SourceError as exc:
        raise CsplanError(f"cannot import {csv_path}; no file was changed:",
                          exc.findings) from None
    if kind not in KINDS:
        raise CsplanError(f"cannot import '{kind}'; choose from {', '.join(KINDS)}")
    loaded, problems, raws = [], [], {}
    for path in accounts:
        try:
            text = read_text(path, str(path))
            raws[path] = (path.read_bytes(), text)
            loaded.append(load_text(text, path))
        except OSError as exc:
            problems.append(Finding(str(path), 0, 0, "error", RULE,
                                    f"cannot read the file: {exc.strerror or exc}"))
        except SourceError as exc:
            problems += exc.findings
    if kind == "contacts" and problems:
        raise CsplanError(f"cannot import into {accounts[0]}; fix it first:", problems)
    if not loaded:
        raise CsplanError("no account file could be read; fix them first:", problems)
    run = _Run(table, loaded, replace)
    for plan in run.plans.values():
        plan.raw, plan.text = raws[plan.loaded.path]
    run.findings += table.warnings
    run.findings += [Finding(f.file, f.line, f.column, "warning", f.rule,
                             f.message + " (not imported into)") for f in problems
                     if f.level == "error"]
    if kind == "health":
        _health(run, program)
    elif kind == "actuals":
        _actuals(run)
    else:
        _contacts(run, column_map or {})
    try:
        table.check()
    except SourceError as exc:
        raise CsplanError(f"cannot import {csv_path}; no file was changed:",
                          exc.findings) from None
    files = [p.result for p in run.plans.values()]
    for plan in run.plans.values():
        if plan.edits:
            _write(plan, run, dry_run)
    return ImportOutcome(kind, table.name, files, sorted(set(run.findings)), dry_run)


def _write(plan: _Plan, run: _Run, dry_run: bool) -> None:
    path, result = plan.loaded.path, plan.result
    bom = b"\xef\xbb\xbf" if plan.raw.startswith(b"\xef\xbb\xbf") else b""
    old = plan.text
    try:
        new = yamledit.apply(old, plan.edits)
        load_text(new, path, result.name)
    except (SourceError, ValueError, yaml.YAMLError) as exc:
        problem = exc.findings[0].format() if isinstance(exc, SourceError) else str(exc)
        run.findings.append(Finding(result.name, 0, 0, "error", RULE,
                                    "csplan could not insert the rows so that the file still "
                                    f"loads ({problem}), so it was not changed; add them by "
                                    "hand, and please report it"))
        result.added = result.replaced = 0
        return
    result.diff = "".join(difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True),
        fromfile=f"a/{result.name}", tofile=f"b/{result.name}"))
    if dry_run:
        return
    try:
        changed = path.read_bytes() != plan.raw or plan.raw != bom + old.encode("utf-8")
    except OSError:
        changed = True
    if changed:
        run.findings.append(Finding(result.name, 0, 0, "error", RULE,
                                    "the file changed while csplan was importing into it, so "
                                    "it was not written; run the import again"))
        result.added = result.replaced = 0
        return
    # A linked account file stays a link: its target is what is edited.
    write_atomic(path.resolve(), bom + new.encode("utf-8"))
    result.written = True
