"""A book larger than one machine: ``csplan build --shard K/N`` on N machines (or as N jobs),
then ``csplan report merge`` joins their report parts.

Which accounts a shard builds. An account's folder is the slug of its name, and where two
different names share a slug each gets a hash suffix, while the same name twice fails both
accounts (``account.assign_slugs``, ``clashes``): a folder depends on the other accounts. So
a shard takes whole groups of accounts that could want one folder, and the full build's rule
decides within the group, giving every account the folder a full build gives it. Every
shard reads every account's name with ``read_scalar``, which stops at the name (0.5-0.9 s
for 3,000 synthetic accounts on the 2-core machine, against 13 s for reading them whole),
and keys it by its slug; a name that is another name's hashed slug (an account named
"Acme Corp 1a2b3c" beside "Acme Corp" and "ACME corp") is keyed by that other name's slug.
A group goes to shard ``sha256(key) mod N``: the same on every machine, and adding
accounts to the book moves no other account (short of the hashed-slug case above). A file whose name cannot be read is
placed by its path: it fails its check, and a failed account takes no folder. Shards of one
book never write the same file: their folders differ, and the build cache has one file per
account (``book._Cache``).

Report parts. A shard writes ``OUT/_internal/report-parts/shard-K-of-N.json`` (atomically):
what build-report.json and index.html need of its accounts and their place in the book.
It does not write build-report.json or index.html, which shards running at once would
overwrite with each other's part of the book. It removes the parts of other shard counts
(stale); a full build removes them all. ``merge`` refuses parts that are missing, of
different N, from a different build (another list of account files, ``--today``,
``--formats``, ``--strict`` or csplan) or that claim one account twice, and writes the
report and index a full build would (its ``seconds``: the longest shard's).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Optional

from pydantic import ValidationError

from csplan import __version__
from csplan.build import layout
from csplan.build.account import hashed_slug
from csplan.build.book import FindingRecord, StrictRecord
from csplan.build.report import report_entry, write_entries, write_index, write_report
from csplan.build.write import write_atomic
from csplan.exceptions import CsplanError
from csplan.findings import Finding
from csplan.inputs.slug import slugify
from csplan.inputs.source import read_scalar
from csplan.system import exit_code

if TYPE_CHECKING:  # the book's renderers are not needed to merge
    from csplan.build.book import Book, BookOptions

PARTS = "report-parts"
PART_FORMAT = 1
_PART_NAME = re.compile(r"shard-(\d{1,6})-of-(\d{1,6})\.json")


@dataclass(frozen=True)
class Shard:
    """Shard ``k`` of ``n`` (1 <= k <= n)."""

    k: int
    n: int

    @classmethod
    def parse(cls, text: str) -> "Shard":
        """Return the shard written ``K/N``; raise ValueError saying what is wrong."""
        match = re.fullmatch(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*", text)
        if not match:
            raise ValueError(f"'{text}' is not K/N; write which shard of how many, e.g. 2/4 "
                             "for the second of four")
        k, n = int(match[1]), int(match[2])
        if not 1 <= k <= n:
            raise ValueError(f"'{text}' is not a shard: K/N needs 1 <= K <= N (e.g. 1/4 to 4/4 "
                             "for four shards)")
        return cls(k, n)

    def __str__(self) -> str:
        return f"{self.k}/{self.n}"

    def part(self, out: Path) -> Path:
        return parts_folder(out) / f"shard-{self.k}-of-{self.n}.json"


def parts_folder(out: Path) -> Path:
    return layout.internal(out) / PARTS


# --- which accounts a shard builds -----------------------------------------------------------

def shard_keys(names: list[Optional[str]]) -> list[Optional[str]]:
    """Return the group key of each account name (None for a name that cannot be read):
    names whose folders could be one folder get one key."""
    names = [unicodedata.normalize("NFC", n.strip()) if n and n.strip() else None
             for n in names]
    extends: dict[str, str] = {}  # a name's hashed slug -> its plain slug
    for name in names:
        if name is not None:
            extends.setdefault(hashed_slug(name), slugify(name))
    keys: list[Optional[str]] = []
    for name in names:
        key = None if name is None else slugify(name)
        while key in extends:  # each step is shorter: it ends
            key = extends[key]
        keys.append(key)
    return keys


def select(files: list[Path], shard: Shard) -> list[Path]:
    """Return the account files of ``files`` (the whole book) that ``shard`` builds."""
    keys = shard_keys([read_scalar(path, ("account", "name")) for path in files])
    chosen = []
    for path, key in zip(files, keys):
        ident = f"slug:{key}" if key is not None else f"path:{path.as_posix()}"
        number = int.from_bytes(hashlib.sha256(ident.encode()).digest()[:8], "big")
        if number % shard.n + 1 == shard.k:
            chosen.append(path)
    return chosen


# --- report parts ----------------------------------------------------------------------------

class _Alert(StrictRecord):  # report.report_entry's alert
    level: Literal["watch", "warning", "critical"]
    since: str
    due: str
    overdue: bool


class _Entry(StrictRecord):  # report.report_entry
    file: str
    account: str
    slug: Optional[str]
    status: Literal["built", "skipped", "failed"]
    files: list[str]
    findings: list[FindingRecord]
    notes: list[str]
    seconds: float
    format_seconds: dict[str, float]
    peak_mb: float
    alert: Optional[_Alert]


class _Row(StrictRecord):  # report.index_row, with the facts of the account
    name: str
    file: str
    status: str
    segment: str
    renewal: str
    band: str
    score: str
    plan_status: str
    alert: str
    alert_since: str
    alert_due: str
    alert_overdue: str
    errors: int
    warnings: int
    first: str
    documents: list[tuple[str, str]]


class _Account(StrictRecord):
    position: int  # in the book's list of account files
    report: _Entry
    index: _Row


class _Build(StrictRecord):
    """What every shard of one build shares."""

    csplan: str
    accounts: int  # how many account files the book has
    files_sha256: str  # of their names, in order
    today: str
    formats: list[str]
    strict: bool


class _Part(StrictRecord):
    format: Literal[1]
    shard: int
    of: int
    build: _Build
    seconds: float
    accounts: list[_Account]


def _build(files: list[Path], options: BookOptions) -> dict:
    names = "\n".join(path.as_posix() for path in files)
    return {"csplan": __version__, "accounts": len(files),
            "files_sha256": hashlib.sha256(names.encode()).hexdigest(),
            "today": options.today.isoformat(), "formats": list(options.formats),
            "strict": options.strict}


def write_results(book: Book, files: list[Path], options: BookOptions,
                  shard: Optional[Shard]) -> Path:
    """Write what a build reports and return its path: build-report.json and index.html for
    the whole book, or a shard's report part. ``files`` is the whole book."""
    out = options.out
    try:
        _remove_parts(out, keep=shard.n if shard else None)
        if shard is None:
            report = write_report(book.results, book.rows, out, options.today, book.seconds)
            write_index([book.rows[r.file] for r in book.results], out, options.today)
            return report
        position = {str(path): i for i, path in enumerate(files)}
        data = {"format": PART_FORMAT, "shard": shard.k, "of": shard.n,
                "build": _build(files, options), "seconds": book.seconds,
                "accounts": [{"position": position[r.file],
                              "report": report_entry(r, out, book.rows[r.file]),
                              "index": book.rows[r.file]} for r in book.results]}
        return write_atomic(shard.part(out), json.dumps(
            data, indent=1, ensure_ascii=False).encode("utf-8"), inside=out)
    except Exception as exc:  # noqa: BLE001 - the reports are written last; say why not
        raise CsplanError(f"cannot write the build report in {out}: {exc}") from None


def _parts(out: Path) -> dict[Shard, Path]:
    found = {}
    folder = parts_folder(out)
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            match = _PART_NAME.fullmatch(path.name)
            if match and int(match[2]) >= int(match[1]) >= 1:
                found[Shard(int(match[1]), int(match[2]))] = path
    return found


def _remove_parts(out: Path, keep: Optional[int]) -> None:
    """Remove the report parts of shard counts other than ``keep`` (all when None)."""
    for shard, path in _parts(out).items():
        if shard.n != keep:
            path.unlink(missing_ok=True)


# --- merge -----------------------------------------------------------------------------------

@dataclass
class Merged:
    """A merged book: its report's entries and where the report was written."""

    parts: int
    entries: list[dict]
    report: Path

    def summary(self) -> str:
        counts = {s: sum(1 for e in self.entries if e["status"] == s)
                  for s in ("built", "skipped", "failed")}
        return (f"Merged {self.parts} report parts: built {counts['built']}, skipped "
                f"{counts['skipped']}, failed {counts['failed']} of {len(self.entries)} "
                f"accounts; report: {self.report}")

    def exit_code(self) -> int:
        findings = [Finding(**f) for e in self.entries for f in e["findings"]]
        return exit_code(findings, any(e["status"] == "failed" for e in self.entries))


def _again(shard: Shard) -> str:
    return f"`csplan build ... --shard {shard}`"


def merge(out: Path) -> Merged:
    """Join the report parts in ``out`` into build-report.json and index.html, as a full
    build of the book writes them. Raises CsplanError (exit 2) when a part is missing,
    damaged, of another N or another build, or two parts claim one account."""
    folder = parts_folder(out)
    found = _parts(out)
    if not found:
        raise CsplanError(f"no report parts in {folder}; build every shard of the book first "
                          "(`csplan build ... --shard K/N` for each K from 1 to N), then merge")
    counts = sorted({shard.n for shard in found})
    if len(counts) > 1:
        first, other = (next(p.name for s, p in found.items() if s.n == n) for n in counts[:2])
        raise CsplanError(f"report parts of different shard counts in {folder}: {first} and "
                          f"{other}; remove the stale ones (or build every shard again with "
                          "one N), then merge")
    n = counts[0]
    missing = [Shard(k, n) for k in range(1, n + 1) if Shard(k, n) not in found]
    if missing:
        listed = ", ".join(str(s) for s in missing[:10]) + (", ..." if len(missing) > 10 else "")
        raise CsplanError(f"missing the report parts of shards {listed} (of {n}) in {folder}; "
                          f"build them ({_again(missing[0])} and so on), then merge again")
    parts: dict[Shard, _Part] = {}
    raw: dict[Shard, dict] = {}
    for shard, path in sorted(found.items(), key=lambda item: item[0].k):
        try:
            data = path.read_bytes()
            parts[shard] = part = _Part.model_validate_json(data)
            raw[shard] = json.loads(data)
            if (part.shard, part.of) != (shard.k, shard.n):
                raise ValueError("it names another shard")
            date.fromisoformat(part.build.today)
        except (OSError, ValueError) as exc:  # ValidationError is a ValueError
            why = ("it is damaged or was written by another csplan version"
                   if isinstance(exc, ValidationError) else
                   f"{getattr(exc, 'strerror', None) or exc}")
            raise CsplanError(f"{path}: the report part cannot be used ({why}); build shard "
                              f"{shard} again ({_again(shard)}), then merge") from None
    first = Shard(1, n)
    for shard, part in parts.items():
        if part.build != parts[first].build:
            differs = [what for what, field in (
                ("another list of account files", "files_sha256"), ("another --today", "today"),
                ("other --formats", "formats"), ("another --strict", "strict"),
                ("another csplan version", "csplan"))
                if getattr(part.build, field) != getattr(parts[first].build, field)]
            raise CsplanError(f"{found[shard]} comes from a different build than "
                              f"{found[first].name} ({', '.join(differs)}); build every shard "
                              "with the same command and account files, then merge")
    owner: dict[int, Shard] = {}
    accounts: dict[int, dict] = {}
    for shard in parts:
        for account in raw[shard]["accounts"]:
            position = account["position"]
            if position in owner:
                raise CsplanError(
                    f"account {account['report']['file']} is in both {found[owner[position]].name}"
                    f" and {found[shard].name}; build every shard with the same command, then "
                    "merge")
            owner[position] = shard
            accounts[position] = account
    total = parts[first].build.accounts
    if sorted(accounts) != list(range(total)):
        raise CsplanError(f"the report parts in {folder} hold {len(accounts)} of the book's "
                          f"{total} accounts; build every shard again, then merge")
    entries = [accounts[i]["report"] for i in range(total)]
    today = date.fromisoformat(parts[first].build.today)
    try:
        report = write_entries(entries, out, today, max(p.seconds for p in parts.values()))
        write_index([accounts[i]["index"] for i in range(total)], out, today)
    except Exception as exc:  # noqa: BLE001 - say why, as a build does
        raise CsplanError(f"cannot write the build report in {out}: {exc}") from None
    return Merged(len(parts), entries, report)
