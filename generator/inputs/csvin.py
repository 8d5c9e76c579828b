"""Read a CSV export (analytics, support desk, survey tool, CRM) strictly, as ``csplan import``
needs it: every cell with its line and column, every problem a finding.

What is accepted, and why:

- **Encoding:** UTF-8, with or without a byte-order mark. A file that is not UTF-8 but reads
  as Windows-1252 (what Excel's plain "CSV" writes in Western Europe) is read as that, with a
  warning to check accented names; anything else (UTF-16, other bytes, UTF-8 with
  Windows-1252 bytes pasted in, which neither reading would get right) is refused, at the
  line and column (in characters) of the first byte that is not UTF-8.
- **Separator:** ``,``, ``;`` (Excel in German, French, Dutch... locales) or tab, whichever
  the header line uses most.
- **Headers:** matched without regard to case, spaces and punctuation (``Seats used %`` is
  ``seats_used_pct``); an empty or a duplicate header is refused.
- **Numbers:** a decimal point or a decimal comma (``12.5``, ``12,5``), an optional sign and
  ``%``; thousands separators (``1.234,5``, ``1,234.5``) are refused, since ``1,234`` cannot
  be told apart from a decimal comma.
- **Dates:** ``YYYY-MM-DD`` (a time after it is ignored), ``DD.MM.YYYY`` and ``YYYY/MM/DD``;
  ``MM/DD/YYYY`` and ``DD/MM/YYYY`` only when the column itself shows which (a day above 12
  somewhere in it); two-digit years never.
- **Formulas:** a cell csplan reads that starts with ``=``, ``@``, or ``+``/``-`` followed
  by something other than a number is refused. Spreadsheets run such a cell as a formula
  (CSV injection); csplan copies cell text into account files and documents that are opened
  and exported again, so an export must hold values, not formulas.
- **Bounds:** at most ``MAX_BYTES``, ``MAX_ROWS`` rows, ``MAX_COLUMNS`` columns and
  ``MAX_CELL`` characters a cell, like the YAML reader's bounds.

Problems with the file as a whole raise SourceError at once; problems with the cells csplan
reads are collected by ``Table`` and raised together by ``Table.check``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from csplan.exceptions import SourceError
from csplan.findings import Finding
from csplan.text import clean

MAX_BYTES = 10_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 500
MAX_CELL = 20_000
RULE = "CSV"

_NUMBER = re.compile(r"^([+-]?)(\d+)(?:[.,](\d+))?\s*%?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([.,' \u00a0\u202f]\d{3})+([.,]\d+)?\s*%?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TRUE = {"yes", "y", "true", "x", "ja", "oui", "si", "sí", "1"}
_FALSE = {"no", "n", "false", "nein", "non", "0"}
DATE_FORMATS = "YYYY-MM-DD, DD.MM.YYYY, YYYY/MM/DD, or MM/DD/YYYY and DD/MM/YYYY when a day " \
               "above 12 in the column shows which"


def header_key(header: str) -> str:
    """Return the key a header is matched by: lower case, ``%`` as ``pct``, every run of
    other characters one ``_`` (``"Seats used %"`` -> ``seats_used_pct``)."""
    text = header.strip().lower().replace("%", " pct ").replace("#", " number ")
    return re.sub(r"[^\w]+", "_", text, flags=re.UNICODE).strip("_")


@dataclass(frozen=True)
class Cell:
    """The text of one cell and where it is (1-based line; column = the field's number)."""

    text: str
    line: int
    column: int
    header: str


@dataclass
class Row:
    line: int
    cells: dict[str, Cell]

    def get(self, key: str) -> Optional[Cell]:
        """Return the non-empty cell of column ``key``, or None."""
        cell = self.cells.get(key)
        return cell if cell is not None and cell.text.strip() else None


@dataclass
class Table:
    """A CSV file's rows, keyed by ``header_key``; ``errors`` collects problems with cells."""

    name: str
    headers: dict[str, Cell]  # key -> the header cell as written
    rows: list[Row]
    delimiter: str
    warnings: list[Finding] = field(default_factory=list)
    errors: list[Finding] = field(default_factory=list)

    def error(self, cell: Cell, message: str) -> None:
        self.errors.append(Finding(self.name, cell.line, cell.column, "error", RULE, message))

    def check(self) -> None:
        """Raise SourceError with every cell problem found so far."""
        if self.errors:
            raise SourceError(sorted(set(self.errors)))

    def text(self, cell: Optional[Cell]) -> Optional[str]:
        """Return the cell's text, stripped; None (and an error) if it looks like a formula."""
        if cell is None:
            return None
        value = cell.text.strip()
        if _formula(cell.text):
            self.error(cell, f"'{_short(cell.text)}' in column '{cell.header}' starts like a "
                             "spreadsheet formula; csplan does not import formulas (a "
                             "spreadsheet would run it: CSV injection): export values, or "
                             "remove the leading character")
            return None
        return value

    def number(self, cell: Cell, booleans: bool = False) -> Optional[float]:
        """Return the cell as a number (``booleans``: yes/no as 1/0); None and an error if it
        is not one."""
        value = self.text(cell)
        if value is None:
            return None
        if booleans and value.lower() in _TRUE | _FALSE:
            return 1.0 if value.lower() in _TRUE else 0.0
        match = _NUMBER.match(value)
        if match:
            sign, whole, fraction = match.groups()
            return float(f"{sign}{whole}.{fraction or 0}")
        if _GROUPED.match(value):
            self.error(cell, f"'{_short(value)}' in column '{cell.header}' has a thousands "
                             "separator; write the number without one (1234.5 or 1234,5)")
        else:
            what = "a number or yes/no" if booleans else "a number"
            self.error(cell, f"'{_short(value)}' in column '{cell.header}' is not {what}; "
                             "write it like 42, 12.5 or 12,5")
        return None

    def dates(self, key: str) -> dict[int, date]:
        """Return the dates of column ``key`` by row line (see the module's accepted
        formats); each cell that is not one gets an error."""
        cells = [c for row in self.rows if (c := row.get(key)) is not None]
        texts = {c.line: self.text(c) for c in cells}
        slashed = [(c, _SLASHED.match(t)) for c in cells if (t := texts[c.line])
                   and _SLASHED.match(t)]
        day_first = any(int(m.group(1)) > 12 for _, m in slashed)
        month_first = any(int(m.group(2)) > 12 for _, m in slashed)
        if day_first and month_first and slashed:
            self.error(slashed[0][0], f"column '{slashed[0][0].header}' mixes DD/MM/YYYY and "
                                      "MM/DD/YYYY dates; write them all as YYYY-MM-DD")
            return {}
        out: dict[int, date] = {}
        for cell in cells:
            value = texts[cell.line]
            if value is None:
                continue
            parts: Optional[tuple[str, str, str]] = None
            if m := _ISO.match(value) or _YMD_SLASH.match(value):
                parts = (m.group(1), m.group(2), m.group(3))
            elif m := _DOTTED.match(value):
                parts = (m.group(3), m.group(2), m.group(1))
            elif m := _SLASHED.match(value):
                first, second = int(m.group(1)), int(m.group(2))
                if day_first or (first == second):
                    parts = (m.group(3), m.group(2), m.group(1))
                elif month_first:
                    parts = (m.group(3), m.group(1), m.group(2))
                else:
                    self.error(cell, f"'{value}' in column '{cell.header}' could be "
                                     f"{first}/{second} or {second}/{first} (day and month); "
                                     "write it as YYYY-MM-DD")
                    continue
            if parts is None:
                self.error(cell, f"'{_short(value)}' in column '{cell.header}' is not a date "
                                 f"csplan reads; write it as YYYY-MM-DD (also read: "
                                 f"{DATE_FORMATS})")
                continue
            try:
                out[cell.line] = date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                self.error(cell, f"'{value}' in column '{cell.header}' is not a real date")
        return out


def _formula(text: str) -> bool:
    value = text.lstrip(" \u00a0")
    if text[:1] in ("\t", "\r") or value[:1] in ("=", "@"):
        return True
    if value[:1] in ("+", "-") and len(value) > 1:
        return not re.match(r"^[+-]\s*\d", value)
    return False


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fail(name: str, message: str, line: int = 0, column: int = 0) -> SourceError:
    return SourceError([Finding(name, line, column, "error", RULE, message)])


# A well-formed UTF-8 sequence of two to four bytes: Windows-1252 text rarely holds one, so a
# file with both these and bytes that are not UTF-8 is UTF-8 text with a pasted-in part.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def _place(raw: bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of byte ``offset``, the column counted in the
    characters an editor shows before it (the line's bytes before it are UTF-8)."""
    start = raw.rfind(b"\n", 0, offset) + 1
    before = raw[start:offset].decode("utf-8", errors="replace")
    return raw.count(b"\n", 0, offset) + 1, len(before) + 1


def decode(raw: bytes, name: str) -> tuple[str, list[Finding]]:
    """Return the text of a CSV file's bytes and any warning about its encoding."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(name, "the file is saved as UTF-16 (Excel's 'Unicode Text'); save it as "
                          "'CSV UTF-8' (in Excel: Save As, then that file type)", 1, 1)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        line, column = _place(raw, raw.index(b"\x00"))
        raise _fail(name, "the file holds NUL bytes: it is not a CSV text file; export it "
                          "as 'CSV UTF-8'", line, column)
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line, column = _place(raw, exc.start)
        byte = raw[exc.start]
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _fail(name, f"byte 0x{raw[exc.start]:02X} is neither UTF-8 nor Windows-1252; "
                          "save the file as 'CSV UTF-8'", *_place(raw, exc.start)) from None
    if _UTF8_SEQUENCE.search(raw):
        raise _fail(name, f"the file mixes UTF-8 and Windows-1252 text: byte 0x{byte:02X} "
                          "here is not UTF-8 (text pasted from another file?); save the file "
                          "as 'CSV UTF-8' or retype this character", line, column)
    return text, [Finding(name, line, column, "warning", RULE,
                          "the file is not UTF-8; read it as Windows-1252 (Excel's 'CSV' "
                          "in Western Europe): check names with accents, or save it as "
                          "'CSV UTF-8' next time")]


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: 0 for d in (",", ";", "\t")}
    quoted = False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(path: Path, name: Optional[str] = None) -> Table:
    """Return the table in the CSV file at ``path``; raise SourceError when the file as a
    whole cannot be read (too big, wrong encoding, broken quoting, bad headers)."""
    name = name or str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _fail(name, f"cannot read the file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise _fail(name, f"the file is larger than {MAX_BYTES // 1_000_000} MB; split the "
                          "export (by date or by account) and import each part")
    text, warnings = decode(raw, name)
    if not text.strip():
        raise _fail(name, "the file is empty; export it again with a header line", 1, 1)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    previous = csv.field_size_limit(MAX_CELL)
    try:
        for record in reader:
            if len(record) > MAX_COLUMNS:
                raise _fail(name, f"line {start} has more than {MAX_COLUMNS} columns; is it "
                                  "a CSV export?", start, MAX_COLUMNS + 1)
            if any(cell.strip() for cell in record):
                if len(rows) > MAX_ROWS:
                    raise _fail(name, f"more than {MAX_ROWS} rows; split the export (by date "
                                      "or by account) and import each part", start, 1)
                rows.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        problem = str(exc)
        if "field larger" in problem:
            problem = (f"a cell is longer than {MAX_CELL} characters (a quote that is "
                       "never closed?)")
        raise _fail(name, f"the CSV cannot be read: {problem}; check the quotes on this "
                          "line", reader.line_num or start, 1) from None
    finally:
        csv.field_size_limit(previous)
    header_row, header_line = rows[0], lines[0]
    headers: dict[str, Cell] = {}
    problems = []
    for index, raw_header in enumerate(header_row, 1):
        header, removed = clean(raw_header.strip())
        key = header_key(header)
        cell = Cell(header, header_line, index, header)
        if not key:
            problems.append(Finding(name, header_line, index, "error", RULE,
                                    f"column {index} has no header; name it or delete the "
                                    "column"))
        elif key in headers:
            first = headers[key]
            problems.append(Finding(name, header_line, index, "error", RULE,
                                    f"column {index} '{header}' repeats column {first.column} "
                                    f"'{first.header}'; keep one of them or rename it"))
        else:
            headers[key] = cell
    if problems:
        raise SourceError(problems)
    table = Table(name, headers, [], delimiter, warnings)
    keys = list(headers)
    for record, line in zip(rows[1:], lines[1:]):
        cells = {}
        for index, (key, value) in enumerate(zip(keys, record), 1):
            value, removed = clean(value)
            if removed:
                table.warnings.append(Finding(name, line, index, "warning", "TEXT",
                                              f"removed invisible or control characters "
                                              f"{', '.join(removed[:8])}"))
            cells[key] = Cell(value, line, index, headers[key].header)
        if len(record) > len(keys) and any(v.strip() for v in record[len(keys):]):
            table.errors.append(Finding(name, line, len(keys) + 1, "error", RULE,
                                        f"this row has {len(record)} cells but the header "
                                        f"only {len(keys)}; a separator inside a value? "
                                        "put that value in quotes"))
        table.rows.append(Row(line, cells))
    return table
