"""The ``csplan`` command line: options in, one ``csplan.api`` call, printing and the exit code
out. Nothing here decides anything about an account."""

from __future__ import annotations

import functools
import json
import os
import sys
from datetime import date
from pathlib import Path

import click

from csplan import __version__, api
from csplan.findings import count, format_json
from csplan.inputs.model import DATE_RANGE
from csplan.render import customer_formats
from csplan.rules import RULES, summary
from csplan.system import exit_code, usable_cpus
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
        kwargs["program"] = program_file
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
        except BrokenPipeError:
            # The reader went away (`csplan brand check | head`): stop quietly, as Unix tools
            # do, and keep Python from complaining while it flushes at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)  # 128 + SIGPIPE
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
def check(paths, strict, program, today, output_format, quiet, verbose):
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
    results = api.check(list(paths), program=program, today=today)
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
    from csplan.render import FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}")
    return chosen


def _formats_help() -> str:
    from csplan.render import FORMATS

    return "Comma-separated: " + "; ".join(f"{f.name} ({f.help})" for f in FORMATS.values())


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
@click.option("--formats", default=",".join(customer_formats()), show_default=True,
              callback=_formats, envvar="CSPLAN_FORMATS", show_envvar=True,
              help=_formats_help())
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
@click.option("--draft", is_flag=True, help="Build drafts: check errors become warnings, "
              "every page and slide is marked DRAFT and file names end in -draft.")
@click.option("--watch", is_flag=True, help="Stay running and build again after every "
              "change to the accounts, their logos, the brand or the program (Ctrl-C stops).")
@shared_options
def build(paths, out, formats, brand_dir, jobs, timeout, force, strict, shard, draft, watch,
          program, today, output_format, quiet, verbose):
    """Check, then render each account's documents.

    PATHS are account files or folders; a folder means every *.yaml in it and in its
    subfolders (default: accounts/).

    An account with check errors is not rendered: its findings are printed and the other
    accounts are still built, in parallel (--jobs). An account whose inputs have not changed
    since its last successful build is skipped (--force rebuilds). Files are written
    atomically, so a failed build never replaces a good file. Writes
    OUT/_internal/build-report.json and OUT/_internal/index.html (with --shard K/N: the
    report part OUT/_internal/report-parts/shard-K-of-N.json, for `csplan report merge`).

    A draft (--draft, or `status: draft` in the account) is built even when error-level
    rules fail; those errors are listed again at the end.

    With --watch, csplan stays running after the build and builds again whenever a file it
    reads is saved (accounts unchanged since are skipped), in a warm process: a rebuild
    takes the documents' time alone.

    \b
    Example:
      csplan build accounts/ --today 2026-11-23
      built accounts/northwind-freight.yaml -> output/northwind-freight/ (docx, pdf, pptx) 2.1s
    """
    if watch:
        _watching(list(paths), output_format, shard, quiet, verbose, out=out, formats=formats,
                  brand=brand_dir, program=program, today=today, strict=strict, jobs=jobs,
                  timeout=timeout, force=force, draft=draft)
    with _Progress(out, quiet, verbose, output_format) as progress:
        outcome = api.build(list(paths), out=out, formats=formats, brand=brand_dir,
                            program=program, today=today, strict=strict, jobs=jobs,
                            timeout=timeout, force=force, shard=shard, draft=draft,
                            on_start=progress.start, on_result=progress.result)
    for warning in outcome.warnings:
        echo(warning, err=True)
    if output_format == "json":
        click.echo(outcome.report.read_text(encoding="utf-8"))
    else:
        progress.summary(outcome)
    sys.exit(exit_code(outcome.findings, outcome.failed))


def _watching(paths, output_format, shard, quiet, verbose, **options) -> None:
    """``csplan build --watch``: print each round as a build prints, until Ctrl-C (exit 0)."""
    if output_format == "json" or shard is not None:
        raise click.UsageError("--watch prints for people: leave out --format json and --shard")
    progress = [_Progress(options["out"], quiet, verbose, output_format)]

    def changed(files: list[str]) -> None:
        progress[0] = _Progress(options["out"], quiet, verbose, output_format)
        click.echo(err=True)
        echo(f"{', '.join(files[:3])}{' …' if len(files) > 3 else ''} changed: building "
             "again", err=True)

    where = ", ".join(map(str, paths or [api.DEFAULT_ACCOUNTS]))
    try:
        for done in api.watch(paths, on_change=changed, on_start=lambda n: progress[0].start(n),
                              on_result=lambda r: progress[0].result(r), **options):
            with progress[0]:  # the round's progress bar ends before its summary
                pass
            if done.error is not None:
                echo(f"Error: {done.error.format_message()}", err=True)
            else:
                for warning in done.outcome.warnings:
                    echo(warning, err=True)
                progress[0].summary(done.outcome)
            echo(f"Watching {where} for changes; Ctrl-C stops.", err=True)
    except KeyboardInterrupt:
        echo("Stopped watching.", err=True)
    sys.exit(0)


class _Progress:
    """The progress bar and per-account lines of a build, made once the count is known."""

    def __init__(self, out: Path, quiet: bool, verbose: bool, output_format: str):
        self.out, self.quiet, self.verbose = out, quiet, verbose
        self.silent = output_format == "json"
        self.reporter = None

    def start(self, total: int) -> None:
        from csplan.build.progress import Reporter

        self.reporter = Reporter(total, self.out, self.quiet, self.verbose, silent=self.silent)
        self.reporter.__enter__()

    def result(self, result) -> None:
        self.reporter.result(result)

    def summary(self, outcome) -> None:
        self.reporter.summary(outcome.results, outcome.seconds, outcome.report)

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.reporter is not None:
            self.reporter.__exit__(*exc)

    @staticmethod
    def internal_documents(make, paths, out, brand_dir, program, today, output_format, quiet,
                           verbose):
        """Build one internal document per account with ``make`` (api.brief, api.saveplan)."""
        with _Progress(out, quiet, verbose, output_format) as progress:
            outcome = make(list(paths), out=out, brand=brand_dir, program=program,
                           today=today, jobs=usable_cpus(), on_start=progress.start,
                           on_result=progress.result)
        _Progress.finish(outcome, out, output_format)

    @staticmethod
    def finish(outcome, out, output_format) -> None:
        """Print the warnings (and with json the accounts' report entries) of a build of
        one document per account, and exit with its code."""
        for warning in outcome.warnings:
            echo(warning, err=True)
        if output_format == "json":
            from csplan.build.report import report_entry

            click.echo(json.dumps([report_entry(r, out, outcome.rows.get(r.file))
                                   for r in outcome.results], indent=2, ensure_ascii=False))
        sys.exit(exit_code(outcome.findings, outcome.failed))


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
    merged = api.merge_report(out)
    if not quiet:
        echo(merged.summary(), err=True)
    sys.exit(merged.exit_code())


@main.group("import")
def import_group() -> None:
    """Rows of a CSV export into account files: health, actuals, contacts.

    The account files are edited, not rewritten: the rows are inserted, and every comment
    and line around them stays as it was. A row names its account by account.crm_id, else
    the file's name without .yaml, else the account's exact name. Exit 0 when every row was
    added or was already there, 1 when a row was not applied (no such account, a conflict),
    2 when the CSV cannot be read (no file is changed).
    """


def _import_options(func):
    @click.option("--dry-run", is_flag=True, help="Change nothing; print the diff of each "
                  "file.")
    @click.option("--program", "program_file", type=click.Path(dir_okay=False, path_type=Path),
                  envvar="CSPLAN_PROGRAM", show_envvar=True,
                  help="The team's program file (default: program.yaml beside the accounts).")
    @click.option("--quiet", "-q", is_flag=True, help="Print problems only, no summary.")
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _show_import(outcome, quiet: bool) -> None:
    for result in outcome.files:
        if outcome.dry_run and result.diff:
            click.echo(result.diff, nl=False)
    for finding in outcome.findings:
        echo(finding.format())
    if not quiet:
        for result in outcome.files:
            if result.added or result.skipped or result.conflicts or result.replaced:
                echo(result.summary() + (" (dry run: not written)" if outcome.dry_run
                                         and result.diff else ""), err=True)
    sys.exit(1 if outcome.failed else 0)


@import_group.command("health")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("accounts", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Take the CSV's values for a week already in "
              "the file with other values.")
@_import_options
def import_health(csv_file, accounts, replace, dry_run, program_file, quiet):
    """Weekly health rows from CSV_FILE into the account files ACCOUNTS (default: accounts/).

    One row per account and week: an account column (crm_id, account...), a week column
    (week or date) and either the health dimensions as 0-100 sub-scores (usage,
    engagement...) or raw signals (seats_used_pct, open_tickets, nps...), which the program's
    health.signals score 0-100 (`csplan program --init` lists them).

    \b
    Example:
      csplan import health analytics-week-48.csv --dry-run
    """
    _show_import(api.import_csv("health", csv_file, list(accounts), replace=replace,
                                dry_run=dry_run, program=program_file), quiet)


@import_group.command("actuals")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("accounts", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--replace", is_flag=True, help="Take the CSV's value for a date already in "
              "the file with another value.")
@_import_options
def import_actuals(csv_file, accounts, replace, dry_run, program_file, quiet):
    """Metric readings from CSV_FILE: columns account, metric (the metric's id), date, value.

    \b
    Example:
      csplan import actuals kpis-november.csv accounts/northwind-freight.yaml
    """
    _show_import(api.import_csv("actuals", csv_file, list(accounts), replace=replace,
                                dry_run=dry_run, program=program_file), quiet)


@import_group.command("contacts")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--account", "account_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The account file the contacts are stakeholders of.")
@click.option("--map", "column_map", multiple=True, metavar="COLUMN=FIELD", help="Read COLUMN as FIELD (name, first_name, "
              "last_name, title, email, role); repeatable.")
@_import_options
def import_contacts(csv_file, account_file, column_map, dry_run, program_file, quiet):
    """CRM contacts from CSV_FILE as stakeholders of one account, with generated ids.

    Salesforce and HubSpot contact exports work as they are (First Name, Last Name, Title or
    Job Title, Email, Contact Role or Buying Role); --map reads other headers. A role that is
    not a stakeholder role becomes `other`, with a warning. A contact already in the file (same
    email, else same name) is skipped; one with another title or role is reported.

    \b
    Example:
      csplan import contacts salesforce-contacts.csv --account accounts/acme.yaml
    """
    pairs = [pair.rpartition("=") for pair in column_map]
    for pair, (column, sep, _) in zip(column_map, pairs):
        if not sep or not column.strip():
            raise click.BadParameter(f"'{pair}': write COLUMN=FIELD, e.g. 'Funktion=title'",
                                     param_hint="--map")
    _show_import(api.import_csv("contacts", csv_file, [account_file], dry_run=dry_run,
                                column_map={c.strip(): f.strip() for c, _, f in pairs},
                                program=program_file), quiet)


@main.group("brand")
def brand_group() -> None:
    """The brand folder: the look of every document (`--brand DIR`)."""


@brand_group.command("check")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path),
                envvar="CSPLAN_BRAND")
def brand_check(folder):
    """Check the brand in FOLDER (default: $CSPLAN_BRAND, else the bundled brand) as every
    build does before any account, and print what was found: the slide masters, their
    layouts and placeholders, the layout for each kind of slide, the theme fonts and
    colours, the Word styles csplan uses (present or missing), and warnings.

    Exits 2 when the brand cannot be used, 0 otherwise.

    \b
    Example:
      csplan brand check my-brand/
    """
    for line in api.brand_check(folder):
        echo(line)


@brand_group.command("init")
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The company's PowerPoint template (.potx or .pptx).")
@click.option("--docx", type=click.Path(dir_okay=False, path_type=Path),
              help="The company's Word template (.dotx or .docx).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The brand folder to write (default: brand-<template name>).")
def brand_init(source, docx, out):
    """Write a brand folder from a company's PowerPoint template (and Word template): the
    templates, brand.yaml with the theme's colours and the layout for each kind of slide,
    the logo if the master shows one. Then check it as `brand check` does.

    Exits 2 when a template cannot be used or the folder is not empty.

    \b
    Example:
      csplan brand init --from company.potx --docx company.dotx --out my-brand
    """
    for line in api.brand_init(source, docx, out):
        echo(line)


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--qbr", metavar="YYYY-QN",
              help="The QBR to recap (default: the newest in the account).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True,
              help="Output folder; each recap goes in its account's folder.")
@click.option("--brand", "brand_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CSPLAN_BRAND", show_envvar=True,
              help="Brand folder (default: the bundled brand/).")
@click.option("--draft", is_flag=True, help="Attach the plan as a draft (see build --draft).")
@shared_options
def recap(paths, qbr, out, brand_dir, draft, program, today, output_format, quiet, verbose):
    """Write the QBR recap mail of each account: OUT/<slug>/<slug>-qbr-<quarter>-recap.eml.

    A draft mail (it opens in a mail program ready to edit and send) in the account's
    language: To the customer's attendees that have an email, Cc the vendor team; thanks,
    outcomes, action items with owners and due dates, next quarter's goals, the next QBR,
    and the joint success plan attached as PDF. Customer-safe, like every customer file.

    \b
    Example:
      csplan recap accounts/northwind-freight.yaml --qbr 2026-Q4 --today 2026-12-08
    """
    with _Progress(out, quiet, verbose, output_format) as progress:
        outcome = api.recap(list(paths), out=out, qbr=qbr, brand=brand_dir, program=program,
                            today=today, draft=draft, on_start=progress.start,
                            on_result=progress.result)
    _Progress.finish(outcome, out, output_format)


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True, help="Output folder; briefs go in its _internal/briefs/ folder.")
@click.option("--brand", "brand_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CSPLAN_BRAND", show_envvar=True, help="Brand folder (default: the bundled brand/).")
@shared_options
def brief(paths, out, brand_dir, program, today, output_format, quiet, verbose):
    """Write each account's internal QBR prep brief: OUT/_internal/briefs/<slug>-qbr-prep-internal.pdf.

    Marked "Internal - do not share" on every page: the early-warning level (Watch, Warning,
    Critical), since when and the response due; health score, band, weekly trend and each
    dimension; alerts; the playbook the health calls for, with dated steps; the expansion
    verdict and each condition, and the expansion conversation when it qualifies; churn
    indicators; the save plan when Critical; open action items; the internal notes; and
    the checklist for the coming QBR.

    \b
    Example:
      csplan brief accounts/brightwater-clinics.yaml --today 2026-11-23
    """
    _Progress.internal_documents(api.brief, paths, out, brand_dir, program, today,
                                 output_format, quiet, verbose)


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True,
              help="Output folder; save plans go in its _internal/saveplans/ folder.")
@click.option("--brand", "brand_dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CSPLAN_BRAND", show_envvar=True,
              help="Brand folder (default: the bundled brand/).")
@shared_options
def saveplan(paths, out, brand_dir, program, today, output_format, quiet, verbose):
    """Write the internal save plan of each account that is Critical or has a save_plan:
    OUT/_internal/saveplans/<slug>-save-plan-internal.pdf.

    Marked "Internal - do not share" on every page: the alert level and its response due;
    1 root cause (each health dimension's fall since the decline began, the events since,
    the CSM's notes); 2 executive alignment; 3 remediation actions with owners and dates;
    4 success criteria at 30, 60 and 90 days; 5 the go/no-go checkpoint and the offboarding
    note. A Critical account without a save_plan gets a draft; other accounts a note.

    \b
    Example:
      csplan saveplan accounts/brightwater-clinics.yaml --today 2026-11-23
    """
    _Progress.internal_documents(api.saveplan, paths, out, brand_dir, program, today,
                                 output_format, quiet, verbose)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, envvar="CSPLAN_OUT", show_envvar=True, help="Output folder; portfolio.html goes in its _internal/ folder.")
@shared_options
def portfolio(paths, out, program, today, output_format, quiet, verbose):
    """Write OUT/_internal/portfolio.html: the book's risk, renewals and capacity (internal).

    Health band distribution, accounts by band with trend arrows, renewals in the next
    30/60/90 days, stale plans, stalled milestones, expansion-qualified accounts, capacity
    per CSM against the program's ratios, and accounts filed in a different segment than
    their ARR says. --format json prints the same data.

    \b
    Example:
      csplan portfolio accounts/ --today 2026-11-23
    """
    outcome = api.portfolio(list(paths), out=out, program=program, today=today)
    book, target = outcome.portfolio, outcome.file
    if output_format == "json":
        click.echo(json.dumps(book.as_dict(), indent=2, ensure_ascii=False))
    elif not quiet:
        echo(f"wrote {target}: {len(book.accounts)} accounts, "
                   f"{book.bands['red']} red, {len(book.renewals['90'])} renewing in 90 days",
                   err=True)
    sys.exit(exit_code(outcome.problems, bool(outcome.problems)))


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
    click.echo(json.dumps(api.schema(of_program=program_schema), indent=2))


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
    try:
        target = api.new(name, segment=segment, folder=folder, program=program_file,
                         today=today.date() if today else None)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="NAME") from None
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
    if init:
        echo(f"wrote {api.init_program(list(paths), program=program_file)}")
        return
    from csplan.exceptions import BuildError

    try:
        written, problems = api.program_documents(
            list(paths), out=out, formats=tuple(formats.split(",")), brand=brand_dir,
            program=program_file, today=today.date() if today else None)
    except BuildError as exc:
        echo(f"error BUILD {exc}", err=True)
        sys.exit(1)
    for finding in problems:
        echo(finding.format())
    if not quiet:
        for path in written:
            echo(f"wrote {path}", err=True)


def run() -> None:
    """The ``csplan`` command: ``main``, then an exit that skips tearing the interpreter down.

    A build leaves a process full of modules and objects (pydantic models, fonts, lxml
    trees) that Python would free one by one at exit, a quarter of a second after the last
    document is written. Nothing is lost by skipping that: the exit handlers still run
    (logging, temporary folders), and output is flushed, before ``os._exit``.
    """
    import atexit

    try:
        main()
        code = 0
    except SystemExit as exc:  # click ends every command with sys.exit
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader went away (`csplan ... | head`): as Unix tools do
        code = code or 141
    os._exit(code)


__all__ = ["main", "run"]
