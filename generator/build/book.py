"""Build a book of accounts: check all, then render in isolated worker processes.

The batch layer only schedules and collects (one linear ``render_account`` per account does
the work). Accounts are checked in this process first (fast, and the slugs of every account
must be known before any folder is written); of each checked account this process keeps only
what the report and the index need, never the account itself. The accounts to render are
then sent, one at a time, over a pipe to at most ``jobs`` worker processes forked from this
one after it has imported and warmed the renderers (fonts, templates, WeasyPrint). A worker
loads and checks the account it is sent again itself, so it holds that account only and its
memory does not grow with the book; it stays warm from one account to the next and is
replaced after ``ACCOUNTS_PER_WORKER``. When there are fewer accounts than workers (one
account, as a CSM builds it), each format of an account is a job of its own, so the PDF is
laid out in one worker while another writes the DOCX and the PPTX; the parts are joined into
one result per account. An account that raises fails alone; a worker that
crashes, is killed or passes ``timeout`` seconds on an account fails that account alone and
is replaced by a fresh worker. A worker ends when this process dies (the kernel signals it
where it can, and it checks for its parent while it waits). Ctrl-C stops the workers, keeps
what was built and raises ``Interrupted`` (exit 130).

Incremental builds: an account whose fingerprint (the bytes of its YAML and logo, its
revision history as its last build left it (or that it had none), the brand folder, the
program, csplan's version and code (its Python files, templates and default brand), the
versions of the libraries that write the documents, ``--today``, the formats and
``--strict``) matches its last successful build, and whose documents are all still there with
the size and SHA-256 they were written with, is skipped. Fingerprints are content hashes kept
in one small file per account, ``<out>/_internal/cache/<sha256 of its key>.json``, written as
the account finishes, every path in it relative to ``<out>``: a book moved together with its
output folder is still up to date, and shards of a book built at the same time into one
output folder never write the same file. An entry that cannot be read or is damaged means
its account is rebuilt (one warning for all such entries), and the build writes a good one.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import hashlib
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import metadata
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Literal, Optional

import click
from pydantic import BaseModel, ConfigDict, ValidationError

import csplan
from csplan import __version__
from csplan.build import layout, revisions
from csplan.inputs.brand import Brand
from csplan.build.account import BuildResult, assign_slugs, clashes, preflight, render_account
from csplan.build.draft import as_draft, is_draft, remove_replaced
from csplan.exceptions import BrandError, BuildError, CsplanError
from csplan.findings import Finding
from csplan.paths import BRAND, TEMPLATES
from csplan.inputs.program import Programs
from csplan.render import FORMATS
from csplan.rules.engine import AccountResult, check_file
from csplan.inputs.program import Program
from csplan.render.pdf import release_fonts, remove_fonts_of
from csplan.build.write import write_atomic

CACHE_FORMAT = 3
OLD_CACHE_FILE = ".csplan-cache.json"  # the single cache file of csplan before 3: removed
# The libraries whose version changes how a document comes out.
RENDERING_LIBRARIES = ("python-docx", "python-pptx", "weasyprint", "pydyf", "pillow",
                       "fonttools", "uharfbuzz", "babel", "jinja2")
# What the index shows of an account that comes from the account itself, not from its build.
FACTS = ("segment", "renewal", "band", "score", "plan_status", "alert", "alert_since",
         "alert_due", "alert_overdue")


@dataclass
class Job:
    """One account for a worker, sent over its pipe: the worker loads and checks it itself."""

    file: str
    program: Program
    slug: str
    findings: list[Finding]  # those of the check here, for a failure the worker cannot report
    formats: tuple = ()  # the formats this job builds; empty: all of the book's


@dataclass
class BookOptions:
    out: Path
    formats: tuple
    brand: Brand
    today: date
    strict: bool = False
    jobs: int = 1
    timeout: float = 300.0
    force: bool = False
    draft: bool = False  # build every account as a draft (csplan.build.draft)
    qbr: Optional[str] = None  # the QBR a recap is for (default: the newest)
    keep_workers: bool = False  # leave the workers running for this process's next build


@dataclass
class Book:
    results: list[BuildResult] = field(default_factory=list)
    seconds: float = 0.0
    # file -> what the index shows of that account (its facts kept in the cache for skipped
    # ones)
    rows: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. the cache could not be used


class Interrupted(click.ClickException):
    """Ctrl-C during a build: workers stopped, what was built kept; exit 130 (128 + SIGINT)."""

    exit_code = 130

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


# --- the cache: one strictly checked JSON file per account, paths relative to the output ---

class StrictRecord(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class _Output(StrictRecord):
    path: str
    size: int
    sha256: str


class FindingRecord(StrictRecord):
    file: str
    line: int
    column: int
    level: Literal["error", "warning"]
    rule: str
    message: str


class _Entry(StrictRecord):
    fingerprint: str
    file: str  # the account file as it was named then (its findings name it so)
    slug: str
    account: str
    logo: Optional[str]
    outputs: list[_Output]
    notes: list[str]
    findings: list[FindingRecord]
    facts: dict[str, str]


class _CacheFile(StrictRecord):
    format: Literal[3]
    key: str  # the account and formats it is for (see ``_key``)
    entry: _Entry


class _Cache:
    """The build cache of an output folder: ``_internal/cache/<sha256 of key>.json`` per
    account and set of formats. Problems are collected, and said once (``warnings``)."""

    def __init__(self, out: Path):
        self.out = out
        self.folder = layout.internal(out) / "cache"
        self.unusable: dict[str, list[Path]] = {}  # why -> the entries that cannot be used
        self.unwritten: list[str] = []  # why each entry that could not be written was not

    def path(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def read(self, key: str) -> Optional[_Entry]:
        """Return the entry of ``key``, or None when there is none or it cannot be used."""
        path = self.path(key)
        if path.is_dir():
            self.unusable.setdefault("a folder", []).append(path)
            return None
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            why = f"it cannot be read: {exc.strerror or exc}"
        else:
            try:
                cached = _CacheFile.model_validate_json(data)
                if cached.key == key:
                    return cached.entry
                why = "it is damaged or was written by another csplan version"
            except ValidationError as exc:
                why = ("it is not valid JSON" if any(e["type"] == "json_invalid"
                                                     for e in exc.errors())
                       else "it is damaged or was written by another csplan version")
        self.unusable.setdefault(why, []).append(path)
        return None

    def write(self, key: str, entry: Optional[_Entry]) -> None:
        """Record ``entry`` for ``key``, or forget what was recorded when it is None."""
        path = self.path(key)
        if path.is_dir():
            return  # said when it was read
        try:
            if entry is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, _CacheFile(format=CACHE_FORMAT, key=key, entry=entry)
                             .model_dump_json(indent=1).encode(), inside=self.out)
        except (BuildError, OSError) as exc:
            self.unwritten.append(f"{path}: warning: {exc}")

    def warnings(self) -> list[str]:
        """Return one warning per kind of problem met, naming its first entry."""
        said = []
        for why, paths in self.unusable.items():
            more = f" (and {len(paths) - 1} more in {self.folder})" if len(paths) > 1 else ""
            if why == "a folder":
                said.append(f"{paths[0]}: warning: a build cache entry is a folder, not a "
                            f"file{more}, so its account is rebuilt each time; remove that "
                            "folder to make builds incremental again")
            else:
                said.append(f"{paths[0]}: warning: a build cache entry cannot be used "
                            f"({why}){more}; its account is rebuilt and a new entry written")
        if self.unwritten:
            more = f" (and {len(self.unwritten) - 1} more)" if len(self.unwritten) > 1 else ""
            said.append(f"{self.unwritten[0]}{more}; the next build rebuilds those accounts")
        return said


def _remove_old_cache(out: Path) -> None:
    """Remove the single cache file csplan wrote before the cache had one file per account."""
    old = layout.internal(out) / OLD_CACHE_FILE
    try:
        if old.is_file() and not old.is_symlink():
            old.unlink()
    except OSError:
        pass  # a stale file that does no harm


# --- fingerprints --------------------------------------------------------------------------

def _hash_tree(digest, folder: Path, suffix: Optional[str] = None) -> None:
    """Add every file under ``folder`` (or those ending in ``suffix``) to ``digest``."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and (
                suffix is None or path.suffix == suffix):
            digest.update(f"{path.relative_to(folder).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())


def hash_code(package: Path, templates: Path, brand: Path) -> str:
    """Return one hash of csplan's code: the Python files and message catalogs of
    ``package``, every template and every file of the default brand."""
    digest = hashlib.sha256()
    _hash_tree(digest, package, ".py")
    _hash_tree(digest, package / "locale", ".po")
    _hash_tree(digest, templates)
    _hash_tree(digest, brand)
    return digest.hexdigest()


@functools.cache
def code_hash() -> str:
    """Return the hash of this csplan's code, computed once per process."""
    return hash_code(Path(csplan.__file__).parent, TEMPLATES, BRAND)


@functools.cache
def library_versions() -> str:
    """Return the versions of the libraries that write the documents."""
    versions = []
    for name in RENDERING_LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} none")
    return ", ".join(versions)


def _shared(options: BookOptions) -> str:
    """Return what every account's fingerprint shares: csplan, the libraries, the options."""
    brand = hashlib.sha256()
    _hash_tree(brand, options.brand.folder)
    # SOURCE_DATE_EPOCH is the date inside every file, so a new one rebuilds.
    return "|".join([__version__, code_hash(), library_versions(), options.today.isoformat(),
                     os.environ.get("SOURCE_DATE_EPOCH", ""), ",".join(options.formats),
                     str(options.strict), brand.hexdigest(), str(options.draft),
                     options.qbr or ""])


def _fingerprint(account: bytes, logo: Optional[Path], program: Program, shared: str) -> str:
    digest = hashlib.sha256(shared.encode())
    digest.update(account)
    if logo is not None and logo.is_file():
        digest.update(logo.read_bytes())
    digest.update(program.model_dump_json().encode())
    return digest.hexdigest()


def _with_history(fingerprint: str, path: Path, slug: str) -> str:
    """Return ``fingerprint`` with the account's revision history in it: a deleted or
    restored history is a change, so the next build records it again. Taken after the
    account is built (a build records the revision), so recording it is no change."""
    try:
        history = revisions.history_file(path, slug).read_bytes()
    except FileNotFoundError:
        history = b"no revision history"
    return hashlib.sha256(f"{fingerprint}|".encode() + history).hexdigest()


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _key(path: Path, options: BookOptions) -> str:
    """Return the cache key of an account for a set of formats (a brief-only run keeps its
    own entry, so it does not force the next full build to start over)."""
    return (f"{layout.relative(path, options.out)}|{','.join(options.formats)}"
            + ("|draft" if options.draft else "") + (f"|{options.qbr}" if options.qbr else ""))


def _unchanged(path: Path, entry: _Entry, program: Program, shared: str, out: Path) -> bool:
    """Return True when the account's inputs hash as they did at its last good build and its
    documents are still the ones written then."""
    try:
        logo = out / entry.logo if entry.logo else None
        if _with_history(_fingerprint(path.read_bytes(), logo, program, shared), path,
                         entry.slug) != entry.fingerprint:
            return False
        root = out.resolve()
        for output in entry.outputs:
            document = out / output.path
            if (not document.resolve().is_relative_to(root)
                    or document.stat().st_size != output.size
                    or _sha256(document) != output.sha256):
                return False
        return True
    except (OSError, ValueError):
        return False


# --- the book ------------------------------------------------------------------------------

@dataclass
class _Checked:
    """What this process keeps of a checked account: what the index, the cache and a failure
    report need, not the account itself."""

    file: str
    program: Program
    name: str
    findings: list[Finding]
    failed: bool
    fingerprint: str
    logo: Optional[Path]
    facts: dict[str, str]


def _check(path: Path, program: Program, options: BookOptions, shared: str) -> _Checked:
    from csplan.build.report import index_row

    checked, draft = _checked(path, program, options)
    loaded = checked.loaded
    row = index_row(BuildResult(file=str(path)), checked.derived, options.out)
    logo = loaded.logo_path if loaded else None
    return _Checked(str(path), program, _name(checked), checked.findings,
                    checked.failed(options.strict and not draft),
                    _fingerprint(path.read_bytes(), logo, program, shared), logo,
                    {k: str(row[k]) for k in FACTS})


def _checked(path: Path, program: Program, options: BookOptions) -> tuple[AccountResult, bool]:
    """Return the check of one account and whether it is built as a draft (its errors then
    made warnings, see ``csplan.build.draft``)."""
    checked = check_file(path, program, options.today)
    draft = is_draft(checked, options.draft)
    return (as_draft(checked) if draft else checked), draft


def build_book(files: list[Path], programs: Programs, options: BookOptions,
               on_result: Callable[[BuildResult], None] = lambda r: None,
               early: Optional["_Worker"] = None) -> Book:
    """Return the results of building every account in ``files`` (see the module docstring).

    An account whose fingerprint matches its cache entry is skipped before it is even
    parsed: its findings, name and index row come from the cache. Raises ``Interrupted``
    on Ctrl-C, after the cache has recorded every account built until then.
    """
    from csplan.views.docinfo import source_date_epoch
    from csplan.build.report import index_row

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build before any work
    started = time.perf_counter()
    out = options.out
    book = Book()
    shared = _shared(options)
    cache = _Cache(out)
    _remove_old_cache(out)
    results: dict[int, BuildResult] = {}

    def record(index: int, result: BuildResult, facts: dict[str, str],
               entry: Optional[_Entry] = None) -> None:
        results[index] = result
        row = index_row(result, None, out)
        book.rows[result.file] = {**row, **facts}
        if not result.draft and (entry is not None or result.status != "skipped"):
            cache.write(_key(files[index], options), entry)
        on_result(result)

    try:
        fresh: dict[int, _Entry] = {}
        for index, path in enumerate(files):
            entry = None if options.force else cache.read(_key(path, options))
            if entry and _unchanged(path, entry, programs.for_account(path), shared, out):
                fresh[index] = entry
        checked = {index: _check(path, programs.for_account(path), options, shared)
                   for index, path in enumerate(files) if index not in fresh}
        names = {i: e.account for i, e in fresh.items()}
        names.update({i: c.name for i, c in checked.items() if not c.failed})
        indexes = list(names)
        slugs = dict(zip(indexes, assign_slugs(list(names.values()))))
        clashing = {indexes[i]: [files[indexes[o]] for o in others]
                    for i, others in clashes(list(slugs.values())).items()}
        for index in clashing:
            slugs[index] = ""  # no folder: neither a skipped nor a built account keeps one
        for index, entry in list(fresh.items()):
            if slugs[index] != entry.slug:  # a new account now shares its name's slug
                del fresh[index]
                path = files[index]
                checked[index] = _check(path, programs.for_account(path), options, shared)
        for index, entry in fresh.items():
            record(index, _skipped(files[index], entry, out), entry.facts)
        for index, account in sorted(checked.items()):
            if index in clashing:
                record(index, BuildResult(file=account.file, account=account.name, findings=[
                    *account.findings, Finding(account.file, 0, 0, "error", "BUILD", (
                        f"account '{account.name}' would write into the same output folder "
                        f"as {', '.join(map(str, clashing[index]))}; give each account its "
                        "own name"))]), account.facts)
            elif account.failed:
                record(index, BuildResult(file=account.file, findings=list(account.findings),
                                          account=account.name), account.facts)
        order = sorted(i for i, c in checked.items() if not c.failed and i not in clashing)
        if order:
            _try_brand_templates(checked[order[0]], options)
        if len(order) > 1:  # warming up pays off only when it is shared by several children
            warm_up(options.brand)

        def done(position: int, result: BuildResult, outputs: list[dict]) -> None:
            index = order[position]
            account = checked.pop(index)  # nothing of it is needed any more
            result.account = account.name
            entry = None
            if result.status == "built":
                try:
                    fingerprint = _with_history(account.fingerprint, Path(account.file),
                                                result.slug or "")
                except OSError:
                    fingerprint = ""  # the history cannot be read: build it next time
                entry = _Entry(
                    fingerprint=fingerprint, file=account.file, slug=result.slug or "",
                    account=result.account,
                    logo=layout.relative(account.logo, out) if account.logo else None,
                    outputs=[_Output(**o) for o in outputs], notes=list(result.notes),
                    findings=[FindingRecord(**f.as_dict()) for f in result.findings],
                    facts=account.facts)
            remove_replaced(result, out)  # after the cache entry: said once, not on skips
            record(index, result, account.facts, entry)

        jobs = [Job(checked[i].file, checked[i].program, slugs[i], checked[i].findings)
                for i in order]
        parts = _split(jobs, options)
        _run(parts, options, _joined(jobs, parts, options.formats, done), early)
    except KeyboardInterrupt:
        built = sum(1 for r in results.values() if r.status == "built")
        raise Interrupted(
            f"Interrupted: {built} of {len(files)} accounts built; their documents and the "
            "build cache are written, nothing half-written was left, build-report.json and "
            "index.html were not updated; run the same command again to finish") from None
    book.warnings += cache.warnings()
    book.results = [results[i] for i in sorted(results)]
    book.seconds = round(time.perf_counter() - started, 3)
    return book


def _skipped(path: Path, entry: _Entry, out: Path) -> BuildResult:
    """Return the result of an unchanged account from its cache entry, naming the account
    file as it is named now."""
    def finding(f: FindingRecord) -> Finding:
        return Finding(**{**f.model_dump(), "file": str(path) if f.file == entry.file
                          else f.file})

    return BuildResult(file=str(path), status="skipped", slug=entry.slug,
                       account=entry.account, outputs=[out / o.path for o in entry.outputs],
                       notes=list(entry.notes), findings=[finding(f) for f in entry.findings])


def _name(result: AccountResult) -> str:
    return result.loaded.account.account.name if result.loaded else ""


def _try_brand_templates(account: _Checked, options: BookOptions) -> None:
    """Render one account's HTML here, before any worker starts, when the brand has its own
    templates: a template that breaks (sandbox, loop, recursion) is then one configuration
    error (exit 2) instead of the same failure on every account."""
    if not (options.brand.folder / "templates").is_dir():
        return
    try:
        checked = check_file(Path(account.file), account.program, options.today)
        preflight(checked, options.brand, options.formats)
    except BrandError as exc:
        raise CsplanError(str(exc)) from None
    except Exception:  # noqa: BLE001 - anything else is the account's, reported by its build
        pass


def warm_up(brand: Brand) -> None:
    """Load what every child needs once, here, so forked children start warm."""
    import csplan.render.docx  # noqa: F401
    import csplan.render.pptx  # noqa: F401
    from csplan.render.html import environment

    environment(brand.folder / "templates").get_template("plan.html.j2")
    _tiny_pdf(brand.folder)


def _tiny_pdf(folder: Path, fonts_key: Optional[tuple] = None) -> None:
    """Lay out one tiny page with WeasyPrint (importing it, fontconfig, its C types, the
    default stylesheets): what the first PDF of a process otherwise waits for."""
    from csplan.render.pdf import html_to_pdf
    from csplan.views.docinfo import DocInfo

    try:
        html_to_pdf('<html lang="en"><body><p>warm</p></body></html>', folder, [folder],
                    DocInfo.on(date(2026, 1, 1), title="warm-up", author="csplan"), fonts_key)
    except Exception:  # noqa: BLE001 - warming up is an optimisation only
        pass


# --- workers -------------------------------------------------------------------------------

# A worker is replaced after this many accounts, so nothing a renderer leaks can build up.
ACCOUNTS_PER_WORKER = 40
# How often (seconds) a waiting worker checks that its parent is still there.
PARENT_CHECK = 1.0


def _stop(signum, frame) -> None:
    raise SystemExit(0)  # unwinds: a temporary file being written is removed


def _end_with_parent(parent: int) -> None:
    """Have the kernel send SIGTERM when the parent dies (Linux); elsewhere the worker's
    wait loop notices the parent is gone."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no libc prctl
            pass
    if os.getppid() != parent:  # it died before the line above
        raise SystemExit(0)


def _worker(options: Optional[BookOptions], conn, inherited: list, parent: int) -> None:
    """Build the accounts the parent sends, one at a time, until told to stop or the parent
    is gone.

    ``inherited`` are the parent's ends of every pipe, copied by the fork: closed here, so
    that when the parent dies nothing keeps a pipe open and the worker's wait ends.
    Rendering makes millions of short-lived objects: collecting less often (gen 0 at 20,000
    allocations instead of 700) saves about a tenth of the time for a few MB more.
    Without ``options`` (an early worker, see ``start_early``) it warms WeasyPrint up in a
    thread while it waits for them, and the parent sends them before the first job.
    """
    signal.signal(signal.SIGTERM, _stop)
    gc.set_threshold(20_000, 20, 50)
    warming = None
    try:
        for other in inherited:
            other.close()
        _end_with_parent(parent)
        if options is None:
            warming = threading.Thread(target=_warm_pdf, daemon=True)
            warming.start()
        while True:
            while not conn.poll(PARENT_CHECK):
                if os.getppid() != parent:
                    return
            job = conn.recv()
            if job is None:
                break
            if isinstance(job, BookOptions):
                options = job
                continue
            if warming is not None:
                warming.join()
                warming = None
            checked, draft = _checked(Path(job.file), job.program, options)
            if checked.failed(options.strict and not draft):  # changed since it was checked
                result = BuildResult(file=job.file, slug=job.slug, findings=checked.findings)
            else:
                result = render_account(checked, job.slug, options.brand, options.out,
                                        job.formats or options.formats, draft, options.qbr)
            del checked
            outputs = [{"path": p.relative_to(options.out).as_posix(),
                        "size": p.stat().st_size, "sha256": _sha256(p)}
                       for p in result.outputs] if result.status == "built" else []
            result.peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
            conn.send((result, outputs))
    except (EOFError, OSError, KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        release_fonts()
        os._exit(0)


def _warm_pdf() -> None:
    """Warm an early worker up: the plan's template compiled (the one a build with the
    default brand uses) and a tiny PDF with csplan's own brand folder and a font
    configuration of its own, kept (like a brand's) until the worker ends."""
    from csplan.render.html import environment

    try:
        environment(BRAND / "templates").get_template("plan.html.j2")
    except Exception:  # noqa: BLE001 - warming up is an optimisation only
        pass
    _tiny_pdf(BRAND, ("csplan warm-up",))


def start_early(jobs: int, accounts: int) -> Optional["_Worker"]:
    """Fork one worker now, when there are fewer ``accounts`` than ``jobs`` (so that their
    formats are built at once, see ``_split``), to warm WeasyPrint up while this process
    loads the brand and checks the accounts: for one account that warm-up is otherwise the
    longest wait before its PDF is laid out (the workers of a larger book are forked warm
    from this process instead). ``build_book`` takes it into its workers and sends it the
    options; ``stop_early`` ends it when no build follows."""
    if jobs < 2 or accounts >= jobs or _KEPT:  # kept workers are warm already
        return None
    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe()
    process = context.Process(target=_worker, args=(None, theirs, [mine], os.getpid()),
                              daemon=True)
    process.start()
    theirs.close()
    return _Worker(process, mine)


def stop_early(worker: Optional["_Worker"]) -> None:
    """End an early worker that no build took (a brand or usage error came first)."""
    if worker is None or worker.conn.closed:
        return
    worker.process.terminate()
    worker.process.join(5)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(1)
    if worker.process.exitcode != 0:
        remove_fonts_of(worker.process.pid)
    worker.conn.close()


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    index: Optional[int] = None  # the account it is building, if any
    started: float = 0.0
    built: int = 0


# The workers a build with ``keep_workers`` left running for the next build of this process
# (``csplan build --watch``): warm, their fonts set up; each is sent the next build's options
# before its first job.
_KEPT: list[_Worker] = []


def stop_kept() -> None:
    """End the workers kept for a next build (the watch is over)."""
    while _KEPT:
        worker = _KEPT.pop()
        try:
            worker.conn.send(None)
        except OSError:
            pass
        stop_early(worker)


def _take_kept(options: BookOptions) -> list[_Worker]:
    """Return the kept workers, each sent ``options``; end those that died meanwhile."""
    taken = []
    while _KEPT:
        worker = _KEPT.pop(0)
        try:
            if not worker.process.is_alive():
                raise OSError("ended")
            worker.conn.send(options)
            taken.append(worker)
        except OSError:
            stop_early(worker)
    return taken


def _run(jobs: list[Job], options: BookOptions,
         on_done: Callable[[int, BuildResult, list[dict]], None],
         early: Optional[_Worker] = None) -> None:
    """Build ``jobs`` with at most ``options.jobs`` workers; call ``on_done`` with each one's
    position, result and documents (path, size, sha256) as it finishes.

    Workers are forked from this (warmed) process and stay warm from one account to the
    next (with ``options.keep_workers``, to this process's next build too). A worker that
    crashes, is killed or passes the timeout on an account fails that account alone and is
    replaced; the others carry on. On any exception here (Ctrl-C) every worker is stopped
    before it propagates.
    """
    context = multiprocessing.get_context("fork")
    pending = list(range(len(jobs)))
    pending.reverse()  # pop() from the end hands accounts out in order
    workers: list[_Worker] = _take_kept(options)
    finished = 0
    if early is not None and not early.conn.closed:
        try:
            early.conn.send(options)
            workers.append(early)  # the first job goes to it: the costliest part comes first
        except OSError:  # it died while warming up: the build goes on without it
            stop_early(early)

    def start() -> _Worker:
        mine, theirs = context.Pipe()
        inherited = [mine] + [w.conn for w in workers]
        process = context.Process(target=_worker, args=(options, theirs, inherited,
                                                        os.getpid()), daemon=True)
        # Garbage is collected here, not in the worker: the worker never finalizes objects
        # it inherits (a Pango font map of this process among them). Frozen objects are
        # also left alone by the worker's collector, which keeps their pages shared.
        gc.collect()
        gc.freeze()
        try:
            process.start()
        finally:
            gc.unfreeze()
        theirs.close()
        worker = _Worker(process, mine)
        workers.append(worker)
        return worker

    def stop(worker: _Worker, how: str = "ask") -> None:
        """End a worker: ask it (it finishes cleanly), terminate it (it removes what it was
        writing) or kill it."""
        if how == "kill":
            worker.process.kill()
        elif how == "terminate":
            worker.process.terminate()
        else:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        worker.process.join(5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(1)
        if worker.process.exitcode != 0:  # it could not clean up after itself
            remove_fonts_of(worker.process.pid)
        worker.conn.close()
        workers.remove(worker)

    def finish(worker: _Worker, result: BuildResult, outputs: list[dict]) -> None:
        nonlocal finished
        position, worker.index = worker.index, None
        finished += 1
        on_done(position, result, outputs)

    size = max(1, min(options.jobs, len(jobs)))  # no worker without an account to build
    try:
        while finished < len(jobs):
            for worker in [w for w in workers if w.index is None]:
                if worker.built >= ACCOUNTS_PER_WORKER or not (pending or options.keep_workers):
                    stop(worker)
            while pending and len(workers) < size:
                start()
            for worker in list(workers):
                if worker.index is None and pending:
                    worker.index, worker.started = pending.pop(), time.monotonic()
                    try:
                        worker.conn.send(jobs[worker.index])
                    except OSError:  # died while idle (killed from outside): no retry loops
                        finish(worker, _failed(jobs[worker.index],
                                               "the worker for this account had stopped"), [])
                        stop(worker, "kill")
            busy = [w for w in workers if w.index is not None]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy],
                         timeout=0.2)
            now = time.monotonic()
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    message = None
                    try:
                        if worker.conn.poll():
                            message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None
                    if message is not None:
                        worker.built += 1
                        finish(worker, *message)
                        continue
                    if worker.process.is_alive():
                        continue  # data not complete yet; the sentinel will follow
                    worker.process.join(1)
                    code = worker.process.exitcode
                    why = f"signal {-code}" if code is not None and code < 0 else f"exit {code}"
                    finish(worker, _failed(jobs[worker.index],
                                           f"the worker building this account crashed ({why})"),
                           [])
                    stop(worker)
                elif now - worker.started > options.timeout:
                    finish(worker, _failed(jobs[worker.index],
                                           f"building took longer than {options.timeout:g} s "
                                           "(--timeout) and was stopped"), [])
                    stop(worker, "kill")
        for worker in list(workers):
            if options.keep_workers:
                workers.remove(worker)
                _KEPT.append(worker)
            else:
                stop(worker)
    finally:
        for worker in list(workers):  # only left on an exception: stop them now
            stop(worker, "terminate")


def _split(jobs: list[Job], options: BookOptions) -> list[Job]:
    """Return the jobs to hand to workers: one per account, or, when there are fewer accounts
    than workers, one per format of each account, costliest first (``Format.cost``), so that
    the formats of a single account are built at the same time (the PDF in one worker while
    another writes the DOCX and the PPTX). Each part loads and checks its account itself."""
    if not jobs or len(jobs) >= options.jobs or len(options.formats) < 2:
        return jobs
    names = sorted(options.formats, key=lambda name: -FORMATS[name].cost)
    return [replace(job, formats=(name,)) for job in jobs for name in names]


def _joined(jobs: list[Job], parts: list[Job], formats: tuple,
            on_done: Callable[[int, BuildResult, list[dict]], None]
            ) -> Callable[[int, BuildResult, list[dict]], None]:
    """Return the ``on_done`` of the parts: it calls ``on_done`` once per account, with one
    result joined from its parts, in the order of ``formats``, once all of them are in."""
    if parts is jobs:
        return on_done
    per_job = len(parts) // len(jobs)
    done: dict[int, dict[int, tuple[BuildResult, list[dict]]]] = {}

    def part_done(position: int, result: BuildResult, outputs: list[dict]) -> None:
        index = position // per_job
        done.setdefault(index, {})[formats.index(parts[position].formats[0])] = (
            result, outputs)
        if len(done[index]) == per_job:
            finished = done.pop(index)
            joined = [finished[p] for p in sorted(finished)]
            on_done(index, *_join(jobs[index], [r for r, _ in joined],
                                  [o for _, outs in joined for o in outs]))

    return part_done


def _join(job: Job, results: list[BuildResult], outputs: list[dict]
          ) -> tuple[BuildResult, list[dict]]:
    """Return one account's result from the results of its parts: built when every part
    was; the check's findings once, then each part's own."""
    findings = list(results[0].findings)
    for result in results[1:]:
        findings += [f for f in result.findings if f not in results[0].findings]
    built = all(r.status == "built" for r in results)
    joined = BuildResult(
        file=job.file, status="built" if built else "failed", findings=findings,
        account=results[0].account, draft=any(r.draft for r in results),
        outputs=[p for r in results for p in r.outputs], slug=job.slug,
        seconds=max(r.seconds for r in results),
        notes=[n for r in results for n in r.notes],
        peak_mb=max(r.peak_mb for r in results),
        format_seconds={k: v for r in results for k, v in r.format_seconds.items()})
    return joined, outputs if built else []


def _failed(job: Job, message: str) -> BuildResult:
    return BuildResult(file=job.file, slug=job.slug, findings=list(job.findings) + [
        Finding(job.file, 0, 0, "error", "BUILD", message)])
