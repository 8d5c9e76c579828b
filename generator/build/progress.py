"""What a build shows while it runs: a progress bar on a terminal, plain lines otherwise,
and a summary table at the end (built, skipped, failed, each failure's first finding)."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from csplan.build.account import BuildResult
from csplan.build.draft import was_error
from csplan.text import echo, printable


class Reporter:
    """Prints findings as accounts finish, always on standard output (a terminal or not);
    status lines on standard error. When standard output is a terminal, a rich progress
    bar is drawn there and every line is printed above it."""

    def __init__(self, total: int, out: Path, quiet: bool, verbose: bool, silent: bool = False):
        self.total, self.out, self.quiet, self.verbose = total, out, quiet or silent, verbose
        self.silent = silent  # --format json: the report is the only output
        self.console = Console(stderr=True)
        self.bar = None
        if not quiet and sys.stdout.isatty():
            self.bar = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(), transient=True,
                                auto_refresh=False)  # no refresh thread: workers are forked
            self.task = self.bar.add_task("accounts", total=total)

    def __enter__(self) -> "Reporter":
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def result(self, result: BuildResult) -> None:
        if self.silent:
            return
        if self.quiet:
            for finding in result.findings:
                echo(finding.format())
            return
        kinds = ", ".join(Path(p).suffix.lstrip(".") for p in result.outputs)
        if result.status == "built" and not result.outputs:  # the notes say why
            status = f"checked {result.file}: nothing to write"
        elif result.status == "built":
            folders = ", ".join(f"{f}/" for f in dict.fromkeys(Path(p).parent
                                                                for p in result.outputs))
            status = f"built {result.file} -> {folders} ({kinds}) {result.seconds:.1f}s"
        elif result.status == "skipped":
            status = f"skipped {result.file} (unchanged since its last build)"
        else:
            status = f"failed {result.file}"
        for finding in result.findings:
            self._print(finding.format(), err=False)
        for note in result.notes:
            self._print(f"{result.file}: note: {note}", err=True)
        if result.status != "skipped" or self.verbose:
            self._print(status, err=True)
        if self.bar is not None:
            self.bar.advance(self.task)
            self.bar.refresh()

    def _print(self, line: str, err: bool) -> None:
        if self.bar is not None:
            self.bar.console.print(printable(line), markup=False, highlight=False,
                                   soft_wrap=True)
        else:
            echo(line, err=err)

    def summary(self, results: list[BuildResult], seconds: float, report: Path) -> None:
        if self.quiet:
            return
        counts = {s: sum(1 for r in results if r.status == s)
                  for s in ("built", "skipped", "failed")}
        failed = [r for r in results if r.status == "failed"]
        if failed and (self.bar is not None or self.verbose):
            table = Table(title="Failed accounts", show_lines=False)
            table.add_column("account")
            table.add_column("first finding")
            for r in failed:
                first = next((f for f in r.findings if f.level == "error"), None)
                table.add_row(printable(r.file), first.format() if first else "")
            self.console.print(table)
        drafts = [r for r in results if r.draft and r.status == "built"]
        held = [f for r in drafts for f in r.findings if was_error(f)]
        if drafts:
            echo(f"Built {len(drafts)} account{'s' * (len(drafts) != 1)} as drafts"
                 + (f"; {len(held)} error{'s' * (len(held) != 1)} to fix before the final "
                    "build:" if held else "."), err=True)
            for finding in held:
                echo(finding.format())
        echo(f"Built {counts['built']}, skipped {counts['skipped']}, failed "
                   f"{counts['failed']} of {len(results)} accounts in {seconds:.1f}s; "
                   f"report: {report}", err=True)
