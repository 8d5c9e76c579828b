"""The ``csplan`` command line: thin click commands over the pipeline's functions."""

from __future__ import annotations

import functools
import json
import sys
from datetime import date
from pathlib import Path

import click

from csplan import __version__

from csplan.build import layout
from csplan.exceptions import CsplanError
from csplan.findings import count, format_json
from csplan.inputs.model import DATE_RANGE
from csplan.inputs.program import Programs
from csplan.rules.engine import check_paths
from csplan.inputs.program import Program
from csplan.rules import RULES, summary
from csplan.inputs.slug import slugify
from csplan.system import exit_code, internal_error, usable_cpus
from csplan.text import echo


class _Date(click.DateTime):
    """A YYYY-MM-DD option inside the model's date range, so date arithmetic stays valid."""

    def __init__(self) -> None:
        super().__init__(formats=["%Y-%m-%d"])

    def convert(self, value, param, ctx):
        converted = super().convert(value, param, ctx)
        first, last = DATE_RANGE
        if not first <= converted.date() <= last:
            self.fail(f"'{value}' is outside the dates csplan accepts, {first} to {last}",
                      param, ctx)
        return converted


_DATE = _Date()


def _rules_help() -> str:
    lines = [f"  {rid} {rule.LEVEL:<7} {summary(rule)}" for rid, rule in RULES.items()]
    return "\b\nRules:\n" + "\n".join(lines)


def shared_options(func):
    """Add --program, --today, --format, --quiet and --verbose to a command."""

    @click.option("--program", "program_file", type=click.Path(dir_okay=False, path_type=Path),
                  envvar="CSPLAN_PROGRAM", show_envvar=True, help="The team's program file (default: program.yaml beside the accounts, "
                       "else built-in defaults).")
    @click.option("--today", type=_DATE, envvar="CSPLAN_TODAY", show_envvar=True, help="What 'today' is, YYYY-MM-DD (default: the real "
                                               "date).")
    @click.option("--format", "output_format", type=click.Choice(["text", "json"]),
                  default="text", show_default=True, help="Output for people or for tools.")
    @click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
    @click.option("--verbose", "-v", is_flag=True, help="Also list accounts with no findings.")
    @functools.wraps(func)
    def wrapper(*args, program_file, today, **kwargs):
        if program_file is not None and not program_file.is_file():
            raise CsplanError(f"program file {program_file} does not exist")
        kwargs["programs"] = Programs(program_file)
        kwargs["today"] = today.date() if today else date.today()
        return func(*args, **kwargs)

    return wrapper


class _Main(click.Group):
    """The command group, with csplan's exit codes for what click does not handle: an
    interrupt exits 130, and csplan's own bug exits 3 with its traceback in a log."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("\nInterrupted. Every file written so far is complete and nothing "
                       "half-written was left; run the same command again to finish.", err=True)
            sys.exit(130)
        except Exception as exc:  # noqa: BLE001 - our bug: one line and a log, not a traceback
            from csplan.system import report_it

            echo(f"csplan: internal error ({type(exc).__name__}); this is a bug in csplan, "
                 f"not in your files. {report_it()}", err=True)
            sys.exit(3)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="csplan")
def main() -> None:
    """Joint success plans and QBR decks from one checked YAML file per account.

    \b
    csplan check accounts/            check every account in a folder
    csplan new "Acme Corp"            start a new account file
    csplan schema > account.schema.json
    """


@main.command(epilog=_rules_help())
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Warnings fail the account too.")
@shared_options
def check(paths, strict, programs, today, output_format, quiet, verbose):
    """Load, validate and run the quality rules on account files or folders of them.

    A folder means every *.yaml in it and in its subfolders (hidden ones and program.yaml
    excluded). Each account uses the nearest program.yaml in its folder or above it.

    No documents are written. Exit 0 when every account passes, 1 when any fails, 2 on a
    usage or configuration error, 3 when csplan itself fails (a bug; see the log it names).

    \b
    Example:
      csplan check accounts/ --today 2026-11-23
      accounts/acme.yaml:57:5: error SP002 metric 'on-time' has no baseline
    """
    results = list(check_paths(list(paths) or [Path("accounts")], programs, today))
    findings = [f for r in results for f in r.findings]
    if output_format == "json":
        click.echo(format_json(findings))
    else:
        for result in results:
            for finding in result.findings:
                echo(finding.format())
            if verbose and not result.findings:
                echo(f"{result.file}: ok", err=True)
    failed = [r for r in results if r.failed(strict)]
    if not quiet and output_format == "text":
        errors, warnings = count(findings, "error"), count(findings, "warning")
        echo(f"Checked {len(results)} account{'s' * (len(results) != 1)}: "
                   f"{errors} error{'s' * (errors != 1)}, "
                   f"{warnings} warning{'s' * (warnings != 1)}, "
                   f"{len(failed)} failed.", err=True)
        strict_only = [r for r in failed if not r.failed(False)]
        if strict and strict_only:
            echo(f"Aborted with {warnings} warnings in strict mode.", err=True)
    sys.exit(exit_code(findings, bool(failed)))


def _formats(ctx, param, value: str) -> tuple:
    from csplan.build.account import AVAILABLE, FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}")
    missing = [f for f in chosen if f not in AVAILABLE]
    if missing:
        raise click.BadParameter(f"{', '.join(missing)} is not built by this version yet")
    return chosen


def _shard(ctx, param, value):
    from csplan.build.shards import Shard

    try:
        return None if value is None else Shard.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True, help="Where the documents go, one folder per account.")
@click.option("--formats", default="docx,pdf,pptx", show_default=True, callback=_formats,
              envvar="CSPLAN_FORMATS", show_envvar=True,
              help="Comma-separated: docx, pdf, pptx, and brief (the internal QBR prep "
                   "brief, never built unless asked for).")
@click.option("--brand", "brand_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CSPLAN_BRAND", show_envvar=True, help="Brand folder (default: the bundled brand/).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=usable_cpus,
              show_default="the CPUs this process may use", envvar="CSPLAN_JOBS",
              show_envvar=True, help="Accounts built at once.")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=300, show_default=True,
              help="Seconds one account may take before it is stopped and failed.")
@click.option("--force", is_flag=True, help="Rebuild every account, changed or not.")
@click.option("--strict", is_flag=True, help="Warnings fail the account too.")
@click.option("--shard", callback=_shard, metavar="K/N", envvar="CSPLAN_SHARD",
              show_envvar=True, help="Build shard K of N of the book (a stable part of the "
              "accounts) and write its report part; `csplan report merge` joins the parts.")
@shared_options
def build(paths, out, formats, brand_dir, jobs, timeout, force, strict, shard, programs, today,
          output_format, quiet, verbose):
    """Check, then render each account's documents.

    PATHS are account files or folders; a folder means every *.yaml in it and in its
    subfolders (default: accounts/).

    An account with check errors is not rendered: its findings are printed and the other
    accounts are still built, in parallel (--jobs). An account whose inputs have not changed
    since its last successful build is skipped (--force rebuilds). Files are written
    atomically, so a failed build never replaces a good file. Writes
    OUT/_internal/build-report.json and OUT/_internal/index.html (with --shard K/N: the
    report part OUT/_internal/report-parts/shard-K-of-N.json, for `csplan report merge`).

    \b
    Example:
      csplan build accounts/ --today 2026-11-23
      built accounts/northwind-freight.yaml -> output/northwind-freight/ (docx, pdf, pptx) 2.1s
    """
    from csplan.build.book import BookOptions, build_book
    from csplan.inputs.brand import load_brand
    from csplan.inputs.loader import account_files
    from csplan.paths import BRAND
    from csplan.build.progress import Reporter
    from csplan.build.shards import select, write_results

    brand = load_brand(brand_dir or BRAND)
    files = account_files(list(paths) or [Path("accounts")])
    if not files:
        raise CsplanError("no account files (*.yaml) found")
    options = BookOptions(out=out, formats=formats, brand=brand, today=today, strict=strict,
                          jobs=jobs, timeout=timeout, force=force)
    mine = select(files, shard) if shard else files
    reporter = Reporter(len(mine), out, quiet, verbose, silent=output_format == "json")
    with reporter:
        book = build_book(mine, programs, options, reporter.result)
    for warning in book.warnings:
        echo(warning, err=True)
    report = write_results(book, files, options, shard)
    if output_format == "json":
        click.echo(report.read_text(encoding="utf-8"))
    else:
        reporter.summary(book.results, book.seconds, report)
    sys.exit(exit_code((f for r in book.results for f in r.findings),
                       any(r.status == "failed" for r in book.results)))


@main.group("report")
def report_group() -> None:
    """The report of a book built in shards (`csplan build --shard K/N`)."""


@report_group.command("merge")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True,
              help="The output folder the shards were built into.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def merge_report(out, quiet):
    """Join the report parts of every shard into OUT/_internal/build-report.json and
    index.html, as a full build writes them.

    Refuses (exit 2) when a part is missing, damaged, of another shard count or another
    build, or two parts claim one account. Exits like the build of the whole book: 1 when
    an account failed, 0 when none did.

    \b
    Example:
      csplan build accounts/ --shard 1/2 && csplan build accounts/ --shard 2/2
      csplan report merge
    """
    from csplan.build.shards import merge

    merged = merge(out)
    if not quiet:
        echo(merged.summary(), err=True)
    sys.exit(merged.exit_code())


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True, help="Output folder; briefs go in its _internal/briefs/ folder.")
@click.option("--brand", "brand_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CSPLAN_BRAND", show_envvar=True, help="Brand folder (default: the bundled brand/).")
@shared_options
def brief(paths, out, brand_dir, programs, today, output_format, quiet, verbose):
    """Write each account's internal QBR prep brief: OUT/_internal/briefs/<slug>-qbr-prep-internal.pdf.

    One or two pages marked "Internal - do not share" on every page: health score, band,
    weekly trend and each dimension; alerts; the playbook the health calls for, with dated
    steps; the expansion verdict and each condition; churn indicators; open action items;
    the internal notes; and the checklist for the coming QBR.

    \b
    Example:
      csplan brief accounts/brightwater-clinics.yaml --today 2026-11-23
    """
    from csplan.build.book import BookOptions, build_book
    from csplan.inputs.brand import load_brand
    from csplan.inputs.loader import account_files
    from csplan.paths import BRAND
    from csplan.build.progress import Reporter

    brand = load_brand(brand_dir or BRAND)
    files = account_files(list(paths))
    if not files:
        raise CsplanError("no account files (*.yaml) found")
    options = BookOptions(out=out, formats=("brief",), brand=brand, today=today,
                          jobs=usable_cpus())
    reporter = Reporter(len(files), out, quiet, verbose, silent=output_format == "json")
    with reporter:
        book = build_book(files, programs, options, reporter.result)
    for warning in book.warnings:
        echo(warning, err=True)
    if output_format == "json":
        from csplan.build.report import report_entry

        click.echo(json.dumps([report_entry(r, out) for r in book.results], indent=2,
                              ensure_ascii=False))
    sys.exit(exit_code((f for r in book.results for f in r.findings),
                       any(r.status == "failed" for r in book.results)))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True, help="Output folder; portfolio.html goes in its _internal/ folder.")
@shared_options
def portfolio(paths, out, programs, today, output_format, quiet, verbose):
    """Write OUT/_internal/portfolio.html: the book's risk, renewals and capacity (internal).

    Health band distribution, accounts by band with trend arrows, renewals in the next
    30/60/90 days, stale plans, stalled milestones, expansion-qualified accounts, capacity
    per CSM against the program's ratios, and accounts filed in a different segment than
    their ARR says. --format json prints the same data.

    \b
    Example:
      csplan portfolio accounts/ --today 2026-11-23
    """
    from csplan.exceptions import SourceError
    from csplan.findings import Finding
    from csplan.inputs.loader import account_files, load_account
    from csplan.paths import template_environment
    from csplan.views.portfolio import portfolio as make_portfolio
    from csplan.build.write import write_atomic

    files = account_files(list(paths) or [Path("accounts")])
    if not files:
        raise CsplanError("no account files (*.yaml) found")
    loaded, unreadable = [], []
    for path in files:
        try:
            loaded.append((load_account(path), programs.for_account(path)))
        except SourceError as exc:
            unreadable.append(exc.findings[0])
        except Exception:  # noqa: BLE001 - one account's crash must not stop the others
            unreadable.append(internal_error(str(path), "loading this account"))
    book = make_portfolio(loaded, unreadable, today)
    html = template_environment().get_template("portfolio.html.j2").render(p=book)
    target = write_atomic(layout.internal(out) / "portfolio.html", html.encode("utf-8"),
                          inside=out)
    if output_format == "json":
        click.echo(json.dumps(book.as_dict(), indent=2, ensure_ascii=False))
    elif not quiet:
        echo(f"wrote {target}: {len(book.accounts)} accounts, "
                   f"{book.bands['red']} red, {len(book.renewals['90'])} renewing in 90 days",
                   err=True)
    problems = [Finding(**f) for f in book.unreadable]  # with those csplan failed on
    sys.exit(exit_code(problems, bool(problems)))


@main.command()
@click.option("--program", "program_schema", is_flag=True,
              help="Print the program file's schema instead of the account file's.")
def schema(program_schema):
    """Print the account format (or the program format) as JSON Schema.

    \b
    Example:
      csplan schema > schema/account.schema.json
    Then start an account file with:
      # yaml-language-server: $schema=../schema/account.schema.json
    """
    from csplan.inputs.schema import account_schema, program_schema as program_json

    click.echo(json.dumps(program_json() if program_schema else account_schema(), indent=2))


@main.command()
@click.argument("name")
@click.option("--segment", type=click.Choice(["enterprise", "mid-market", "smb", "self-serve"]),
              default="mid-market", show_default=True,
              help="The account's segment; its onboarding template gives the milestones.")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("accounts"), show_default=True, help="Where to write the file.")
@click.option("--program", "program_file", type=click.Path(dir_okay=False, path_type=Path),
              help="The team's program file (default: program.yaml in --dir).")
@click.option("--today", type=_DATE, help="Contract start, YYYY-MM-DD (default: today).")
def new(name, segment, folder, program_file, today):
    """Write a new account file from a commented template, ready to fill in.

    The file loads as it is; `csplan check` then points at what to fill in.

    \b
    Example:
      csplan new "Acme Corp" --segment enterprise
      wrote accounts/acme-corp.yaml
    """
    from csplan.inputs.scaffold import name_problems, new_account

    if not name.strip():
        raise click.BadParameter("the account needs a name", param_hint="NAME")
    if problems := name_problems(name):
        raise click.BadParameter(
            f"it holds {', '.join(problems)} (a line break, control or invisible character); "
            "type the account's name on one line, as it should be printed", param_hint="NAME")
    start = today.date() if today else date.today()
    programs = Programs(program_file)
    program: Program = programs.for_account(folder / "x.yaml")
    target = folder / f"{slugify(name)}.yaml"
    if target.exists():
        raise CsplanError(f"{target} already exists; pick another name or edit that file")
    text = new_account(name, segment, program, start)
    folder.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8") as fh:
        fh.write(text)
    echo(f"wrote {target}")
    echo(f"next: fill it in, then run `csplan check {target}`", err=True)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--init", "init", is_flag=True,
              help="Write the built-in defaults as a commented program.yaml instead.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True,
              help="Output folder; cs-program.pdf and .docx go in its _internal/ folder.")
@click.option("--formats", default="pdf,docx", show_default=True,
              type=click.Choice(["pdf,docx", "docx,pdf", "pdf", "docx"]),
              help="Which documents to write.")
@click.option("--brand", "brand_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CSPLAN_BRAND", show_envvar=True,
              help="Brand folder (default: the bundled brand/).")
@click.option("--program", "program_file", type=click.Path(dir_okay=False, path_type=Path),
              envvar="CSPLAN_PROGRAM", show_envvar=True, help="The program file (default: program.yaml beside the accounts, else the "
                   "built-in defaults).")
@click.option("--today", type=_DATE, envvar="CSPLAN_TODAY", show_envvar=True,
              help="The date on the document (default: today).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def program(paths, init, out, formats, brand_dir, program_file, today, quiet):
    """Render the team's CS program as an internal PDF and DOCX, or write program.yaml.

    The document holds the onboarding milestone map, the health signal matrix, the three
    playbooks, the expansion gate, the coverage model per segment and the check settings.
    Given account files or folders, it adds the capacity of that book: accounts and ARR per
    CSM per segment against the ratios, who is over capacity, and how many more CSMs the
    book needs.

    \b
    Examples:
      csplan program --init               write accounts/program.yaml with the defaults
      csplan program accounts/            write output/_internal/cs-program.pdf and .docx
    """
    from csplan.inputs.scaffold import program_file as program_yaml

    start = today.date() if today else date.today()
    folder = paths[0] if paths and paths[0].is_dir() else (
        paths[0].parent if paths else Path("accounts"))
    if init:
        target = program_file or (folder / "program.yaml" if folder.is_dir()
                                  else Path("program.yaml"))
        if target.exists():
            raise CsplanError(f"{target} already exists; edit it, or remove it to start over")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as fh:
            fh.write(program_yaml(Program.default()))
        echo(f"wrote {target}")
        return
    from csplan.inputs.brand import load_brand
    from csplan.build.account import program_documents
    from csplan.paths import BRAND

    programs = Programs(program_file)
    team = programs.for_account(folder / "program-lookup.yaml")
    brand = load_brand(brand_dir or BRAND)
    from csplan.exceptions import BrandError, BuildError

    try:
        written, problems = program_documents(list(paths), team, brand, out, start,
                                              tuple(formats.split(",")))
    except BrandError as exc:
        raise CsplanError(str(exc)) from None
    except BuildError as exc:
        echo(f"error BUILD {exc}", err=True)
        sys.exit(1)
    for finding in problems:
        echo(finding.format())
    if not quiet:
        for path in written:
            echo(f"wrote {path}", err=True)


__all__ = ["main"]
