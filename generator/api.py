"""csplan as a library: the functions the command line calls, and the tests with it.

Each function takes paths and settings, does the work, and returns what happened; it prints
nothing and never exits. Problems in a user's files come back as findings; a configuration
problem (a bad program file or brand, no account files) raises ``CsplanError`` (exit 2 on
the command line). Heavy modules (the renderers, WeasyPrint) are imported only when a
function needs them, so ``csplan check`` starts fast.

    from csplan import api
    results = api.check([Path("accounts")], today=date(2026, 11, 23))
    outcome = api.build([Path("accounts")], out=Path("output"), today=date(2026, 11, 23))
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Optional

from csplan.exceptions import CsplanError
from csplan.findings import Finding
from csplan.inputs.loader import account_files
from csplan.inputs.program import Program, Programs
from csplan.rules.engine import AccountResult, check_paths

if TYPE_CHECKING:
    from csplan.build.account import BuildResult
    from csplan.build.importer import ImportOutcome
    from csplan.build.shards import Merged, Shard
    from csplan.inputs.brand import Brand
    from csplan.views.portfolio import Portfolio

DEFAULT_ACCOUNTS = Path("accounts")
DEFAULT_OUT = Path("output")


def _files(paths: list[Path]) -> list[Path]:
    files = account_files(list(paths) or [DEFAULT_ACCOUNTS])
    if not files:
        raise CsplanError("no account files (*.yaml) found in "
                          + ", ".join(str(p) for p in (paths or [DEFAULT_ACCOUNTS])))
    return files


# The brand last loaded, by its folder and the state of its files: a process that builds
# again (``watch``) checks the brand again only when one of its files changed.
_BRANDS: dict[tuple, "Brand"] = {}


def _brand(folder: Optional[Path], reuse: bool = False, quiet: bool = False) -> "Brand":
    """Load and check the brand in ``folder`` (its warnings are printed as it loads); with
    ``reuse``, return the one loaded last instead if none of its files changed since; with
    ``quiet``, its warnings are not printed (the caller lists them)."""
    from csplan.build.watch import state
    from csplan.inputs.brand import load_brand
    from csplan.paths import BRAND

    from csplan.render.html import check_brand_templates

    def load() -> "Brand":
        brand = load_brand(folder, quiet)
        check_brand_templates(brand.folder)  # a template error: once, before any account
        return brand

    folder = folder or BRAND
    if not reuse:
        return load()
    key = (str(folder.resolve()), tuple(sorted(state([folder]).items())))
    if key not in _BRANDS:
        _BRANDS.clear()
        _BRANDS[key] = load()
    return _BRANDS[key]


def programs(program_file: Optional[Path] = None) -> Programs:
    """Return the program of each account: ``program_file``, else the nearest program.yaml,
    else the built-in defaults. Raises CsplanError when the given file does not exist."""
    if program_file is not None and not program_file.is_file():
        raise CsplanError(f"program file {program_file} does not exist")
    return Programs(program_file)


def check(paths: list[Path], *, program: Optional[Path] = None,
          today: Optional[date] = None) -> list[AccountResult]:
    """Return the load and rule findings of every account file under ``paths``."""
    return list(check_paths(list(paths) or [DEFAULT_ACCOUNTS], programs(program),
                            today or date.today()))


@dataclass
class BuildOutcome:
    """What a build did: one result per account, the index rows, and the report written."""

    results: list["BuildResult"]
    seconds: float
    warnings: list[str] = field(default_factory=list)
    report: Optional[Path] = None
    rows: dict[str, dict] = field(default_factory=dict)  # account file -> its index row

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def failed(self) -> bool:
        return any(r.status == "failed" for r in self.results)


def build(paths: list[Path], *, out: Path = DEFAULT_OUT, formats: Optional[tuple] = None,
          brand: Optional[Path] = None, program: Optional[Path] = None,
          today: Optional[date] = None, strict: bool = False, jobs: int = 1,
          timeout: float = 300.0, force: bool = False, report: bool = True,
          shard: Optional["Shard"] = None, draft: bool = False, qbr: Optional[str] = None,
          warm: bool = False, on_start: Callable[[int], None] = lambda total: None,
          on_result: Callable[["BuildResult"], None] = lambda result: None) -> BuildOutcome:
    """Check, then render every account under ``paths`` into ``out`` (see ``csplan build``).

    ``on_start`` is told how many accounts there are, ``on_result`` each account's result as
    it finishes. With ``report``, build-report.json and index.html are written last. With a
    ``shard`` (K of N), only that stable part of the book is built, and its report part is
    written instead (``merge_report`` joins the parts). With ``draft``, every account is
    built as a draft (``csplan.build.draft``); ``qbr`` is the quarter a recap is for. With
    ``warm`` (this process builds again: ``watch``), the worker processes are kept for the
    next build, and the brand checked last is used again while its files are unchanged.
    """
    from csplan.build.book import BookOptions, build_book, start_early, stop_early
    from csplan.build.shards import select, write_results
    from csplan.render import customer_formats

    # warms up while the brand is loaded and the accounts are checked
    early = start_early(jobs, len(account_files(list(paths) or [DEFAULT_ACCOUNTS])))
    try:
        the_brand = _brand(brand, warm)  # a brand problem stops the build before any account
        team = programs(program)
        files = _files(paths)
        today = today or date.today()
        options = BookOptions(out=out, formats=formats or customer_formats(),
                              brand=the_brand, today=today, strict=strict, jobs=jobs,
                              timeout=timeout, force=force, draft=draft, qbr=qbr,
                              keep_workers=warm)
        mine = select(files, shard) if shard else files
        on_start(len(mine))
        book = build_book(mine, team, options, on_result, early)
    finally:
        stop_early(early)  # only if no build took it
    outcome = BuildOutcome(book.results, book.seconds, book.warnings, rows=book.rows)
    if report:
        outcome.report = write_results(book, files, options, shard)
    return outcome


@dataclass
class WatchRound:
    """One build of ``watch``: its outcome, or the configuration error that stopped it (a
    brand or program file being edited), and the files whose change started it."""

    outcome: Optional[BuildOutcome]
    error: Optional[CsplanError]
    changed: list[str]


def watch(paths: list[Path], *, interval: Optional[float] = None,
          rounds: Optional[int] = None,
          on_change: Callable[[list[str]], None] = lambda changed: None,
          **options) -> Iterator[WatchRound]:
    """Build ``paths`` (with ``build``'s keyword ``options``), then again after every change
    to a file under them, the brand folder or the program file; yield each round.

    The process stays warm between rounds, so a rebuild costs the changed accounts'
    documents alone (unchanged accounts are skipped by the build cache). A configuration
    error is yielded, not raised: the next save may fix it. ``on_change`` is told the files
    that changed before each rebuild starts. Runs until the caller stops iterating
    (Ctrl-C), or for ``rounds`` builds.
    """
    from csplan.build.book import stop_kept
    from csplan.build.watch import INTERVAL, roots, state

    # absolute now: the folder it was started in may be removed while it watches
    where = [p.absolute() for p in roots(list(paths) or [DEFAULT_ACCOUNTS],
                                         options.get("brand"), options.get("program"))]
    out = Path(options.get("out", DEFAULT_OUT)).absolute()
    here = Path.cwd()

    def look() -> dict:
        return state(where, skip=[out])

    def shown(path: str) -> str:  # as the user named it: relative to where csplan started
        return str(Path(path).relative_to(here)) if Path(path).is_relative_to(here) else path

    try:
        yield from _rounds(paths, look, shown, rounds, interval or INTERVAL, on_change,
                           options)
    finally:
        stop_kept()


def _rounds(paths: list[Path], look: Callable[[], dict], shown: Callable[[str], str],
            rounds: Optional[int], interval: float,
            on_change: Callable[[list[str]], None], options: dict) -> Iterator[WatchRound]:
    from csplan.build.book import warm_up
    from csplan.build.watch import wait_for_change

    changed: list[str] = []
    for done in itertools.count(1):
        before = look()  # a change made during the build starts the next one
        try:
            outcome, error = build(paths, warm=True, **options), None
        except CsplanError as exc:
            outcome, error = None, exc
        if done == 1 and error is None and rounds != 1:
            try:  # the rounds to come fork from a warm process
                warm_up(_brand(options.get("brand"), reuse=True))
            except CsplanError:  # the brand changed meanwhile: the next round says so
                pass
        yield WatchRound(outcome, error, changed)
        if rounds is not None and done >= rounds:
            return
        before, changed = wait_for_change(look, before, interval)
        changed = [shown(path) for path in changed]
        on_change(changed)


def merge_report(out: Path = DEFAULT_OUT) -> "Merged":
    """Join the report parts of a book built in shards into build-report.json and index.html;
    raise CsplanError when a part is missing, damaged or of another build."""
    from csplan.build.shards import merge

    return merge(out)


def brief(paths: list[Path], *, out: Path = DEFAULT_OUT, brand: Optional[Path] = None,
          program: Optional[Path] = None, today: Optional[date] = None, jobs: int = 1,
          on_start: Callable[[int], None] = lambda total: None,
          on_result: Callable[["BuildResult"], None] = lambda result: None) -> BuildOutcome:
    """Write each account's internal QBR prep brief into ``out``/_internal/briefs/."""
    return build(paths, out=out, formats=("brief",), brand=brand, program=program,
                 today=today, jobs=jobs, report=False, on_start=on_start, on_result=on_result)


def recap(paths: list[Path], *, out: Path = DEFAULT_OUT, qbr: Optional[str] = None,
          brand: Optional[Path] = None, program: Optional[Path] = None,
          today: Optional[date] = None, draft: bool = False,
          on_start: Callable[[int], None] = lambda total: None,
          on_result: Callable[["BuildResult"], None] = lambda result: None) -> BuildOutcome:
    """Write each account's QBR recap mail, ``out``/<slug>/<slug>-qbr-<quarter>-recap.eml,
    for ``qbr`` (default: the newest QBR), with the plan PDF attached."""
    return build(paths, out=out, formats=("recap",), brand=brand, program=program,
                 today=today, report=False, draft=draft, qbr=qbr, on_start=on_start,
                 on_result=on_result)


def saveplan(paths: list[Path], *, out: Path = DEFAULT_OUT, brand: Optional[Path] = None,
             program: Optional[Path] = None, today: Optional[date] = None, jobs: int = 1,
             on_start: Callable[[int], None] = lambda total: None,
             on_result: Callable[["BuildResult"], None] = lambda result: None) -> BuildOutcome:
    """Write the internal save plan of each account that has one or is Critical into
    ``out``/_internal/saveplans/ (the others get a note)."""
    return build(paths, out=out, formats=("saveplan",), brand=brand, program=program,
                 today=today, jobs=jobs, report=False, on_start=on_start, on_result=on_result)


@dataclass
class PortfolioOutcome:
    portfolio: "Portfolio"
    file: Path
    problems: list[Finding]


def portfolio(paths: list[Path], *, out: Path = DEFAULT_OUT, program: Optional[Path] = None,
              today: Optional[date] = None) -> PortfolioOutcome:
    """Write ``out``/_internal/portfolio.html: the book's risk, renewals and capacity.

    Accounts that cannot be loaded are left out and returned as problems.
    """
    from csplan.build import layout
    from csplan.build.write import write_atomic
    from csplan.exceptions import SourceError
    from csplan.inputs.loader import load_account
    from csplan.paths import template_environment
    from csplan.system import internal_error
    from csplan.views.portfolio import portfolio as make_portfolio

    team = programs(program)
    loaded, unreadable = [], []
    for path in _files(paths):
        try:
            loaded.append((load_account(path), team.for_account(path)))
        except SourceError as exc:
            unreadable.append(exc.findings[0])
        except Exception:  # noqa: BLE001 - one account's crash must not stop the others
            unreadable.append(internal_error(str(path), "loading this account"))
    book = make_portfolio(loaded, unreadable, today or date.today())
    from csplan.views.program import mixed_currencies, money_metric

    html = template_environment().get_template("portfolio.html.j2").render(
        p=book, money_metric=money_metric, mixed_currencies=mixed_currencies)
    target = write_atomic(layout.internal(out) / "portfolio.html", html.encode("utf-8"),
                          inside=out)
    problems = [Finding(**f) for f in book.unreadable]  # with those csplan failed on
    return PortfolioOutcome(book, target, problems)


def _folder_of(paths: list[Path]) -> Path:
    """The folder whose program.yaml a program command means."""
    if not paths:
        return DEFAULT_ACCOUNTS
    return paths[0] if paths[0].is_dir() else paths[0].parent


def init_program(paths: list[Path], *, program: Optional[Path] = None) -> Path:
    """Write the built-in program defaults as a commented program.yaml; return its path."""
    from csplan.inputs.scaffold import program_file

    folder = _folder_of(paths)
    target = program or (folder / "program.yaml" if folder.is_dir() else Path("program.yaml"))
    if target.exists():
        raise CsplanError(f"{target} already exists; edit it, or remove it to start over")
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:
        fh.write(program_file(Program.default()))
    return target


def program_documents(paths: list[Path], *, out: Path = DEFAULT_OUT,
                      formats: tuple = ("pdf", "docx"), brand: Optional[Path] = None,
                      program: Optional[Path] = None,
                      today: Optional[date] = None) -> tuple[list[Path], list[Finding]]:
    """Write the team's CS program document(s) into ``out``/_internal/; with account paths,
    with the capacity of that book. Returns the files written and the accounts that could
    not be read. Raises BuildError when a document cannot be rendered or written."""
    from csplan.build.account import program_documents as write_documents
    from csplan.exceptions import BrandError

    team = programs(program).for_account(_folder_of(paths) / "program-lookup.yaml")
    the_brand = _brand(brand)
    try:
        return write_documents(list(paths), team, the_brand, out, today or date.today(),
                               formats)
    except BrandError as exc:
        raise CsplanError(str(exc)) from None


def new(name: str, *, segment: str = "mid-market", folder: Path = DEFAULT_ACCOUNTS,
        program: Optional[Path] = None, today: Optional[date] = None) -> Path:
    """Write a new account file from the commented template; return its path.

    Raises ValueError when the name cannot be a name (empty, or holding a line break or an
    invisible character), CsplanError when the file exists.
    """
    from csplan.inputs.scaffold import name_problems, new_account
    from csplan.inputs.slug import slugify

    if not name.strip():
        raise ValueError("the account needs a name")
    if problems := name_problems(name):
        raise ValueError(
            f"it holds {', '.join(problems)} (a line break, control or invisible character); "
            "type the account's name on one line, as it should be printed")
    team = programs(program).for_account(folder / "x.yaml")
    target = folder / f"{slugify(name)}.yaml"
    if target.exists():
        raise CsplanError(f"{target} already exists; pick another name or edit that file")
    text = new_account(name, segment, team, today or date.today())
    folder.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:
        fh.write(text)
    return target


def brand_check(folder: Optional[Path] = None) -> list[str]:
    """Check the brand in ``folder`` (default: the bundled brand) as every build does first,
    and return what was found, line by line: the slide masters, their layouts and
    placeholders, the layout for each kind of slide, the theme fonts and colours, the Word
    styles csplan uses, and warnings. Raise CsplanError if the brand is not usable."""
    from csplan.inputs.brandcheck import describe

    return describe(_brand(folder, quiet=True))


def brand_init(source: Path, docx: Optional[Path] = None, out: Optional[Path] = None
               ) -> list[str]:
    """Write a brand folder (``out``, default ``brand-<name of source>``) from a company's
    PowerPoint template ``source`` and Word template ``docx``, check it as every build
    does, and return what was done and what ``brand check`` finds, line by line. Raise
    CsplanError if a template is unusable or ``out`` is not empty."""
    from csplan.inputs.brandcheck import describe
    from csplan.inputs.brandinit import init_brand
    from csplan.paths import BRAND

    out = out or Path(f"brand-{source.stem}")
    done = init_brand(source, docx, out, BRAND)
    return done + describe(_brand(out, quiet=True))


def schema(of_program: bool = False) -> dict:
    """Return the account format (or the program format) as JSON Schema."""
    from csplan.inputs.schema import account_schema, program_schema

    return program_schema() if of_program else account_schema()


def import_csv(kind: str, csv_file: Path, paths: list[Path], *, replace: bool = False,
               dry_run: bool = False, column_map: Optional[dict[str, str]] = None,
               program: Optional[Path] = None) -> "ImportOutcome":
    """Import the rows of ``csv_file`` (``kind``: health, actuals or contacts) into the account
    files under ``paths`` (default: accounts/), editing their text in place (see
    ``csplan import``). Raises CsplanError when the CSV cannot be read or lacks a column;
    nothing is changed then."""
    from csplan.build.importer import import_csv as run
    from csplan.exceptions import BuildError

    if not csv_file.is_file():
        raise CsplanError(f"{csv_file} is not a file")
    files = _files(paths)
    team = programs(program).for_account(files[0])
    try:
        return run(kind, csv_file, files, team, replace=replace, dry_run=dry_run,
                   column_map=column_map)
    except BuildError as exc:
        raise CsplanError(str(exc)) from None
