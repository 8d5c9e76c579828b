"""Exceptions that double as exit codes: a user error is a message, never a traceback."""

from __future__ import annotations

from typing import Sequence

import click

from csplan.findings import Finding, format_text
from csplan.text import printable


class CsplanError(click.ClickException):
    """A configuration or usage problem: print the message, exit 2.

    The message is printed as one line (control characters in a file name it quotes are
    escaped); the findings that explain it, if any, follow one per line.
    """

    exit_code = 2

    def __init__(self, message: str, findings: Sequence[Finding] = ()):
        super().__init__(message)
        self.findings = list(findings)

    def format_message(self) -> str:
        if not self.findings:
            return printable(self.message)
        return printable(self.message) + "\n" + format_text(self.findings)


class SourceError(Exception):
    """A file could not be turned into a model; carries every finding that says why."""

    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(f.format() for f in findings))
        self.findings = findings


class BuildError(Exception):
    """One account's documents could not be built; the message says why and what to do."""


class BrandError(BuildError):
    """The brand (one of its templates) broke a document: a configuration problem (exit 2)
    the brand's owner fixes, not a problem of the account."""
