"""Build a book of accounts: check all, then render in isolated worker processes.

The batch layer only schedules and collects (one linear ``render_account`` per account does
the work). Accounts are checked in this process first (fast, and the slugs of every account
must be known before any folder is written). The accounts to render are then handed, one
at a time, to at most ``jobs`` worker processes forked from this one after it has imported
and warmed the renderers (fonts, templates, WeasyPrint); a worker stays warm from one account
to the next and is replaced after ``ACCOUNTS_PER_WORKER``. An account that raises fails
alone; a worker that crashes, is killed or passes ``timeout`` seconds on an account fails
that account alone and is replaced by a fresh worker.

Incremental builds: an account whose fingerprint (the bytes of its YAML and logo, the brand
folder, the templates, the program, the csplan version, ``--today``, the formats and
``--strict``) matches its last successful build, and whose files are all still there, is
skipped. Fingerprints are content hashes kept in ``<out>/_internal/.csplan-cache.json``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import resource
import time
from dataclasses import dataclass, field
from datetime import date
from multiprocessing.connection import wait
from pathlib import Path
from typing import Callable, Iterable, Optional

from csplan import __version__, layout
from csplan.brand import Brand
from csplan.build import BuildResult, assign_slugs, clashes, render_account, render_templates
from csplan.exceptions import BrandError, CsplanError
from csplan.findings import Finding
from csplan.paths import TEMPLATES
from csplan.pipeline import AccountResult, Programs, check_file
from csplan.program import Program
from csplan.render.pdf import release_fonts, remove_fonts_of
from csplan.write import write_atomic

CACHE_FILE = ".csplan-cache.json"


@dataclass
class Job:
    checked: AccountResult
    program: Program
    slug: str
    fingerprint: str


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


@dataclass
class Book:
    results: list[BuildResult] = field(default_factory=list)
    seconds: float = 0.0
    # file -> what the index shows of that account (kept in the cache for skipped ones)
    rows: dict[str, dict] = field(default_factory=dict)


def _hash_files(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(str(path.name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _tree(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def fingerprint(checked: AccountResult, program: Program, shared: str) -> str:
    """Return the content hash that decides whether an account must be built again."""
    logo = checked.loaded.logo_path if checked.loaded else None
    return _fingerprint(Path(checked.file).read_bytes(), logo, program, shared)


def _fingerprint(account: bytes, logo: Optional[Path], program: Program, shared: str) -> str:
    digest = hashlib.sha256(shared.encode())
    digest.update(account)
    if logo is not None and logo.is_file():
        digest.update(logo.read_bytes())
    digest.update(program.model_dump_json().encode())
    return digest.hexdigest()


def build_book(files: list[Path], programs: Programs, options: BookOptions,
               on_result: Callable[[BuildResult], None] = lambda r: None) -> Book:
    """Return the results of building every account in ``files`` (see the module docstring).

    An account whose fingerprint matches its cache entry is skipped before it is even
    parsed: its findings, name and index row come from the cache.
    """
    from csplan.docinfo import source_date_epoch
    from csplan.report import index_row

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build before any work
    started = time.perf_counter()
    # SOURCE_DATE_EPOCH is the date inside every file, so a new one rebuilds.
    shared = "|".join([__version__, options.today.isoformat(), ",".join(options.formats),
                       os.environ.get("SOURCE_DATE_EPOCH", ""),
                       str(options.strict), _hash_files(_tree(options.brand.folder)),
                       _hash_files(_tree(TEMPLATES))])
    cache_path = layout.internal(options.out) / CACHE_FILE
    cache = {} if options.force else _read_cache(cache_path)
    fresh: dict[int, BuildResult] = {}
    todo: list[tuple[int, Path, Program]] = []
    for index, path in enumerate(files):
        program = programs.for_account(path)
        entry = cache.get(_key(path, options))
        if entry and _unchanged(path, entry, program, shared):
            fresh[index] = BuildResult(
                file=str(path), status="skipped", slug=entry["slug"], account=entry["account"],
                outputs=[Path(f) for f in entry["files"]], notes=list(entry["notes"]),
                findings=[Finding(**f) for f in entry["findings"]])
        else:
            todo.append((index, path, program))
    checked = {index: (check_file(path, program, options.today), program)
               for index, path, program in todo}
    names = {i: r.account for i, r in fresh.items()}
    names.update({i: c.loaded.account.account.name for i, (c, _) in checked.items()
                  if not c.failed(options.strict)})
    indexes = list(names)
    slugs = dict(zip(indexes, assign_slugs(list(names.values()))))
    clashing = {indexes[i]: [files[indexes[o]] for o in others]
                for i, others in clashes(list(slugs.values())).items()}
    for index in clashing:
        slugs[index] = ""  # no folder: neither a skipped nor a built account keeps one
    for index, result in list(fresh.items()):
        if slugs[index] != result.slug:  # a new account now shares its name's slug
            del fresh[index]
            path = files[index]
            program = programs.for_account(path)
            checked[index] = (check_file(path, program, options.today), program)
    results: dict[int, BuildResult] = dict(fresh)
    for result in fresh.values():
        on_result(result)
    jobs: list[tuple[int, Job]] = []
    for index, (result, program) in sorted(checked.items()):
        if index in clashing:
            results[index] = BuildResult(file=result.file, account=_name(result), findings=[
                *result.findings, Finding(result.file, 0, 0, "error", "BUILD", (
                    f"account '{_name(result)}' would write into the same output folder as "
                    f"{', '.join(map(str, clashing[index]))}; give each account its own "
                    "name"))])
            on_result(results[index])
        elif result.failed(options.strict):
            results[index] = BuildResult(file=result.file, findings=list(result.findings),
                                         account=_name(result))
            on_result(results[index])
        else:
            jobs.append((index, Job(result, program, slugs[index],
                                    fingerprint(result, program, shared))))
    if jobs:
        _try_brand_templates(jobs[0][1], options)
    if len(jobs) > 1:  # warming up pays off only when it is shared by several children
        _warm_up(options)
    job_at = dict(jobs)
    if jobs:
        for index, result in zip(job_at, _run(list(job_at.values()), options, on_result)):
            results[index] = result
    rows: dict[str, dict] = {}
    for index, result in results.items():
        key = _key(Path(result.file), options)
        if index in fresh:
            rows[result.file] = {**cache[key]["row"], "status": "skipped"}
            continue
        result_checked, program = checked[index]
        rows[result.file] = index_row(result, result_checked.loaded, program, options.today,
                                      options.out)
        if result.status == "built":
            job = job_at[index]
            logo = result_checked.loaded.logo_path if result_checked.loaded else None
            cache[key] = {"fingerprint": job.fingerprint, "files": [str(p) for p in result.outputs],
                          "notes": result.notes, "slug": result.slug, "account": result.account,
                          "logo": str(logo) if logo else None, "row": rows[result.file],
                          "findings": [f.as_dict() for f in result.findings]}
        else:
            cache.pop(key, None)
    _write_cache(cache_path, cache, options.out)
    ordered = [results[i] for i in sorted(results)]
    return Book(ordered, round(time.perf_counter() - started, 3), rows)


def _key(path: Path, options: BookOptions) -> str:
    """Return the cache key of an account for a set of formats (a brief-only run keeps its
    own entry, so it does not force the next full build to start over)."""
    return f"{path.resolve()}|{','.join(options.formats)}"


def _unchanged(path: Path, entry: dict, program: Program, shared: str) -> bool:
    """Return True when the account's inputs hash as they did at its last good build."""
    try:
        needed = ("fingerprint", "files", "notes", "slug", "account", "row", "findings")
        if not all(k in entry for k in needed):
            return False
        logo = Path(entry["logo"]) if entry.get("logo") else None
        return (_fingerprint(path.read_bytes(), logo, program, shared) == entry["fingerprint"]
                and all(Path(f).is_file() for f in entry["files"]))
    except (OSError, TypeError, ValueError):
        return False


def _name(result: AccountResult) -> str:
    return result.loaded.account.account.name if result.loaded else ""


def _try_brand_templates(job: Job, options: BookOptions) -> None:
    """Render one account's HTML here, before any worker starts, when the brand has its own
    templates: a template that breaks (sandbox, loop, recursion) is then one configuration
    error (exit 2) instead of the same failure on every account."""
    if not (options.brand.folder / "templates").is_dir():
        return
    try:
        render_templates(job.checked, job.program, options.brand, options.today,
                         options.formats)
    except BrandError as exc:
        raise CsplanError(str(exc)) from None
    except Exception:  # noqa: BLE001 - anything else is the account's, reported by its build
        pass


def _warm_up(options: BookOptions) -> None:
    """Load what every child needs once, here, so forked children start warm."""
    import csplan.render.docx  # noqa: F401
    import csplan.render.pptx  # noqa: F401
    from csplan.render.html import environment
    from csplan.docinfo import DocInfo
    from csplan.render.pdf import html_to_pdf

    environment(options.brand.folder / "templates").get_template("plan.html.j2")
    folder = options.brand.folder
    try:
        html_to_pdf('<html lang="en"><body><p>warm</p></body></html>', folder, [folder],
                    DocInfo.on(options.today, title="warm-up", author="csplan"))
    except Exception:  # noqa: BLE001 - warming up is an optimisation only
        pass


# A worker is replaced after this many accounts, so nothing a renderer leaks can build up.
ACCOUNTS_PER_WORKER = 40


def _worker(jobs: list[Job], options: BookOptions, conn) -> None:
    """Render the accounts the parent names by index, one at a time, until told to stop.

    The worker was forked after ``jobs`` was made, so only an index crosses the pipe.
    Rendering makes millions of short-lived objects: collecting less often (gen 0 at 20,000
    allocations instead of 700) saves about a tenth of the time for a few MB more.
    """
    gc.set_threshold(20_000, 20, 50)
    try:
        while True:
            index = conn.recv()
            if index is None:
                break
            job = jobs[index]
            result = render_account(job.checked, job.slug, job.program, options.brand,
                                    options.out, options.formats, options.today)
            result.peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
            conn.send((index, result))
    except (EOFError, OSError, KeyboardInterrupt):
        pass
    finally:
        release_fonts()
        os._exit(0)


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object
    index: Optional[int] = None  # the account it is building, if any
    started: float = 0.0
    built: int = 0


def _run(jobs: list[Job], options: BookOptions,
         on_result: Callable[[BuildResult], None]) -> list[BuildResult]:
    """Return the results of ``jobs`` in order, rendered by at most ``options.jobs`` workers.

    Workers are forked from this (warmed) process and stay warm from one account to the
    next. A worker that crashes, is killed or passes the timeout on an account fails that
    account alone and is replaced; the others carry on.
    """
    context = multiprocessing.get_context("fork")
    pending = list(range(len(jobs)))
    pending.reverse()  # pop() from the end hands accounts out in order
    workers: list[_Worker] = []
    done: dict[int, BuildResult] = {}

    def start() -> _Worker:
        mine, theirs = context.Pipe()
        process = context.Process(target=_worker, args=(jobs, options, theirs), daemon=True)
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

    def stop(worker: _Worker, kill: bool = False) -> None:
        if kill:
            worker.process.kill()
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

    def finish(worker: _Worker, result: BuildResult) -> None:
        index, worker.index = worker.index, None
        result.account = _name(jobs[index].checked)
        done[index] = result
        on_result(result)

    size = max(1, options.jobs)
    while len(done) < len(jobs):
        for worker in [w for w in workers if w.index is None]:
            if not pending or worker.built >= ACCOUNTS_PER_WORKER:
                stop(worker)
        while pending and len(workers) < size:
            start()
        for worker in list(workers):
            if worker.index is None and pending:
                worker.index, worker.started = pending.pop(), time.monotonic()
                try:
                    worker.conn.send(worker.index)
                except OSError:  # died while idle (killed from outside): no retry loops
                    finish(worker, _failed(jobs[worker.index],
                                           "the worker for this account had stopped"))
                    stop(worker, kill=True)
        busy = [w for w in workers if w.index is not None]
        ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=0.2)
        now = time.monotonic()
        for worker in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                result = None
                try:
                    if worker.conn.poll():
                        _, result = worker.conn.recv()
                except (EOFError, OSError):
                    result = None
                if result is not None:
                    worker.built += 1
                    finish(worker, result)
                    continue
                if worker.process.is_alive():
                    continue  # data not complete yet; the sentinel will follow
                worker.process.join(1)
                code = worker.process.exitcode
                why = f"signal {-code}" if code is not None and code < 0 else f"exit {code}"
                finish(worker, _failed(jobs[worker.index],
                                       f"the worker building this account crashed ({why})"))
                stop(worker)
            elif now - worker.started > options.timeout:
                finish(worker, _failed(jobs[worker.index],
                                       f"building took longer than {options.timeout:g} s "
                                       "(--timeout) and was stopped"))
                stop(worker, kill=True)
    for worker in list(workers):
        stop(worker)
    return [done[i] for i in range(len(jobs))]


def _failed(job: Job, message: str) -> BuildResult:
    return BuildResult(file=job.checked.file, slug=job.slug,
                       findings=list(job.checked.findings) + [
                           Finding(job.checked.file, 0, 0, "error", "BUILD", message)])


def _read_cache(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_cache(path: Path, cache: dict, out: Path) -> None:
    try:
        write_atomic(path, json.dumps(cache, indent=1, sort_keys=True).encode(), inside=out)
    except Exception:  # noqa: BLE001 - a missing cache only costs a rebuild
        pass
