"""Hostile CSV files for ``csplan import``: each is refused or read as documented, with file,
line and column, never a traceback, and no account file changes unless the CSV reads cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from click.testing import CliRunner

from csplan.cli import main
from csplan.inputs import csvin
from csplan.inputs.loader import load_account


def csplan(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

HEADER = "account,week,usage,engagement,outcomes,support,relationship\n"


def run(book: Path, data: bytes, kind: str = "health"):
    """Import ``data`` as a CSV into the book; return the result and whether Northwind
    changed."""
    account = book / "northwind-freight.yaml"
    before = account.read_bytes()
    csv = book.parent / "export.csv"
    csv.write_bytes(data)
    result = csplan("import", kind, csv, book)
    return result, account.read_bytes() != before


REFUSED = {
    "utf-16": ("\ufeff" + HEADER + "northwind-freight,2026-11-23,1,1,1,1,1\n").encode("utf-16-le"),
    "neither utf-8 nor cp1252": (HEADER + "northwind-freight,2026-11-23,1,1,1,1,\x81\n").encode(
        "latin-1"),
    "nul": HEADER.encode() + b"northwind-freight,2026-11-23,1,1,1,1,1\x00\n",
    "empty": b"\n \n",
    "zero bytes": b"",
    "utf-8 with cp1252 bytes": (HEADER + "northwind-freight,2026-11-23,1,1,1,1,1\n").encode()
    + "northwind-freight,2026-11-30,1,1,1,1,1 Größe caf".encode() + b"\xe9\n",
    "empty header": b"account,week,,usage\nnorthwind-freight,2026-11-23,1,1\n",
    "duplicate header": b"account,week,Usage,usage\nnorthwind-freight,2026-11-23,1,1\n",
    "formula": (HEADER + "northwind-freight,2026-11-23,=cmd|' /C calc'!A0,1,1,1,1\n").encode(),
    "at formula": (HEADER + "northwind-freight,2026-11-23,@SUM(A1),1,1,1,1\n").encode(),
    "minus formula": (HEADER + "northwind-freight,2026-11-23,-A1+B2,1,1,1,1\n").encode(),
    "formula account": (HEADER + "=HYPERLINK(\"x\"),2026-11-23,1,1,1,1,1\n").encode(),
    "thousands separator": b"account,metric,date,value\nnorthwind-freight,nps,2026-11-30,"
                           b"\"1,234.5\"\n",
    "ambiguous date": (HEADER + "northwind-freight,03/04/2026,1,1,1,1,1\n").encode(),
    "mixed slashed dates": (HEADER + "northwind-freight,13/04/2026,1,1,1,1,1\n"
                            "northwind-freight,04/13/2026,1,1,1,1,1\n").encode(),
    "two-digit year": (HEADER + "northwind-freight,23.11.26,1,1,1,1,1\n").encode(),
    "not a date": (HEADER + "northwind-freight,2026-02-30,1,1,1,1,1\n").encode(),
    "not a number": (HEADER + "northwind-freight,2026-11-23,lots,1,1,1,1\n").encode(),
    "score above 100": (HEADER + "northwind-freight,2026-11-23,120,1,1,1,1\n").encode(),
    "extra cells": (HEADER + "northwind-freight,2026-11-23,1,1,1,1,1,7\n").encode(),
    "unclosed quote": (HEADER + 'northwind-freight,2026-11-23,"1,1,1,1,1\n').encode()
    + b"x" * (csvin.MAX_CELL + 10),
    "too big": HEADER.encode() + b"northwind-freight,2026-11-23,1,1,1,1,1\n"
    * (csvin.MAX_BYTES // 30),
    "too many columns": b",".join(b"c%d" % i for i in range(csvin.MAX_COLUMNS + 2)) + b"\n",
    "no week column": b"account,usage\nnorthwind-freight,1\n",
}

WHERE = {  # the line and column each refusal points at
    "utf-16": ":1:1:", "empty": ":1:1:", "zero bytes": ":1:1:",
    "utf-8 with cp1252 bytes": ":3:49:",  # characters, not bytes: ö and ß are two bytes each
    "neither utf-8 nor cp1252": ":2:38:", "nul": ":2:39:", "empty header": ":1:3:",
    "duplicate header": ":1:4:", "formula": ":2:3:", "at formula": ":2:3:",
    "minus formula": ":2:3:", "formula account": ":2:1:", "thousands separator": ":2:4:",
    "ambiguous date": ":2:2:", "mixed slashed dates": ":2:2:", "two-digit year": ":2:2:",
    "not a date": ":2:2:", "not a number": ":2:3:", "score above 100": ":2:3:",
    "extra cells": ":2:8:",
}
SAYS = {
    "utf-16": "saved as UTF-16", "neither utf-8 nor cp1252": "neither UTF-8 nor Windows-1252",
    "nul": "NUL bytes", "empty": "the file is empty", "zero bytes": "the file is empty",
    "utf-8 with cp1252 bytes": "mixes UTF-8 and Windows-1252", "empty header": "column 3 has no header",
    "duplicate header": "column 4 'usage' repeats column 3 'Usage'",
    "formula": "starts like a spreadsheet formula", "at formula": "CSV injection",
    "minus formula": "does not import formulas", "formula account": "spreadsheet formula",
    "thousands separator": "thousands separator", "ambiguous date": "could be 3/4 or 4/3",
    "mixed slashed dates": "mixes DD/MM/YYYY and MM/DD/YYYY",
    "two-digit year": "write it as YYYY-MM-DD", "not a date": "is not a real date",
    "not a number": "is not a number", "score above 100": "not a sub-score from 0 to 100",
    "extra cells": "put that value in quotes", "unclosed quote": "longer than",
    "too big": "larger than 10 MB", "too many columns": "more than 500 columns",
    "no week column": "no week column",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_bad_csv_is_refused_with_its_place_and_changes_nothing(book, case):
    kind = "actuals" if case == "thousands separator" else "health"
    result, changed = run(book, REFUSED[case], kind)
    assert result.exit_code == 2, result.output
    assert not changed
    assert "Traceback" not in result.output
    assert SAYS[case] in result.output
    assert "export.csv" in result.output
    if case in WHERE:
        assert WHERE[case] in result.output, result.output


def test_excel_in_german_reads_cp1252_semicolons_and_decimal_commas(book):
    data = ("Konto;Woche;usage;engagement;outcomes;support;relationship;Notiz\n"
            "northwind-freight;23.11.2026;70,5;60;80;90;75;Größe\n").encode("cp1252")
    data = data.replace(b"Konto", b"account").replace(b"Woche", b"week")
    result, changed = run(book, data)
    assert result.exit_code == 0, result.output
    assert changed
    assert "export.csv:2:49: warning CSV the file is not UTF-8; read it as Windows-1252" \
        in result.output
    week = load_account(book / "northwind-freight.yaml").account.health.weekly[-1]
    assert str(week.week) == "2026-11-23" and week.scores["usage"] == 70.5


def test_a_day_above_twelve_settles_the_order_of_slashed_dates(book):
    data = (HEADER + "northwind-freight,11/23/2026,1,1,1,1,1\n"
            "northwind-freight,11/30/2026,1,1,1,1,1\n").encode()
    result, changed = run(book, data)
    assert result.exit_code == 0, result.output
    weeks = [str(w.week) for w in
             load_account(book / "northwind-freight.yaml").account.health.weekly[-2:]]
    assert weeks == ["2026-11-23", "2026-11-30"]


def test_negative_numbers_and_a_phone_column_are_not_formulas(book):
    data = (b"account,metric,date,value,phone\n"
            b"northwind-freight,nps,2026-11-30,-12,+1 415 555 0100\n")
    result, changed = run(book, data, "actuals")
    assert result.exit_code == 0, result.output
    assert load_account(book / "northwind-freight.yaml").account.metrics[-1].actuals[-1].value \
        == -12


def test_a_bom_and_crlf_csv_reads(book):
    data = b"\xef\xbb\xbf" + (HEADER + "northwind-freight,2026-11-23,1,1,1,1,1\n").replace(
        "\n", "\r\n").encode()
    result, changed = run(book, data)
    assert result.exit_code == 0 and changed, result.output
