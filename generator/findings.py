"""The Finding value every stage reports problems with, and its two printed forms."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Iterable, Literal

from csplan.text import printable

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Finding:
    """One problem in one file: where it is, how bad it is, which rule saw it, what to do.

    Ordering is (file, line, column, ...) so a sorted list reads top to bottom like the file.
    ``line`` and ``column`` are 1-based; 0 means "the file as a whole".
    """

    file: str
    line: int
    column: int
    level: Level
    rule: str
    message: str

    def format(self) -> str:
        """Return the linter line ``file:line:col: level ID message``: always one line, with
        control characters in a file name or message escaped (``text.printable``)."""
        return printable(f"{self.file}:{self.line}:{self.column}: {self.level} {self.rule} "
                         f"{self.message}")

    def as_dict(self) -> dict:
        return asdict(self)


def format_text(findings: Iterable[Finding]) -> str:
    """Return findings as linter lines, sorted, one per line."""
    return "\n".join(f.format() for f in sorted(findings))


def format_json(findings: Iterable[Finding]) -> str:
    """Return findings as a JSON list of objects, sorted like the text form."""
    return json.dumps([f.as_dict() for f in sorted(findings)], indent=2, ensure_ascii=False)


def count(findings: Iterable[Finding], level: Level) -> int:
    return sum(1 for f in findings if f.level == level)
