"""Exceptions that double as exit codes: a user error is a message, never a traceback."""

from __future__ import annotations

import click

from csplan.findings import Finding


class CsplanError(click.ClickException):
    """A configuration or usage problem: print the message, exit 2."""

    exit_code = 2


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
