"""What a document build touches: no network, and no file outside the account's folder,
the brand folder, csplan's own templates, the output folder and Python's own libraries."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import sysconfig
from datetime import date
from pathlib import Path

from csplan.inputs.brand import load_brand
from csplan.build.account import render_account
from csplan.paths import BRAND, TEMPLATES
from csplan.rules.engine import check_file
from csplan.inputs.program import Program

OPENED: list[str] = []
CONNECTS: list[object] = []
_active = False


def _hook(event: str, args: tuple) -> None:
    if not _active:
        return
    if event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        mode = args[1] if len(args) > 1 else "r"
        creates = (isinstance(mode, str) and any(c in mode for c in "wxa")) or (
            isinstance(mode, int) and mode & (os.O_CREAT | os.O_WRONLY | os.O_RDWR))
        OPENED.append((os.fsdecode(args[0]), bool(creates)))
    elif event == "tempfile.mkstemp" and args:
        OPENED.append((os.fsdecode(args[0]), True))  # WeasyPrint hands fonts to Pango this way
    elif event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        CONNECTS.append((event, args))


sys.addaudithook(_hook)


def test_a_build_reads_only_allowed_files_and_opens_no_connection(book, tmp_path):
    global _active
    account = book / "northwind-freight.yaml"
    program = Program.default()
    brand = load_brand(BRAND)
    checked = check_file(account, program, date(2026, 11, 23))
    # Libraries read their own system tables once when imported (WeasyPrint builds a
    # mimetypes table from /etc/mime.types); a book build imports them before any account.
    import weasyprint.pdf.anchors  # noqa: F401
    out = tmp_path / "out"
    OPENED.clear()
    CONNECTS.clear()
    _active = True
    try:
        result = render_account(checked, "northwind-freight", brand, out,
                                ("docx", "pdf", "pptx"))
    finally:
        _active = False
    assert result.status == "built", result.findings
    import csplan

    allowed = [book.resolve(), BRAND.resolve(), TEMPLATES.resolve(), out.resolve(),
               Path(csplan.__file__).resolve().parent,
               Path(sysconfig.get_paths()["stdlib"]).resolve(),
               Path(sysconfig.get_paths()["purelib"]).resolve(),
               Path(sysconfig.get_paths()["platlib"]).resolve(), Path(sys.prefix).resolve()]
    scratch = Path(tempfile.gettempdir()).resolve()
    created = {Path(n).resolve() for n, creates in OPENED if creates}
    outside = []
    for name, _ in OPENED:
        path = Path(name).resolve()
        if any(path.is_relative_to(root) for root in allowed) or name.startswith(
                ("/dev/", "/proc/")):
            continue
        # python-pptx's chart workbooks are written through XlsxWriter's own scratch files
        if path == scratch or (path.is_relative_to(scratch) and path in created):
            continue
        outside.append(name)
    assert outside == []
    assert CONNECTS == []
    assert any(Path(n).resolve().is_relative_to(book.resolve()) for n, _ in OPENED)


def test_no_socket_can_be_opened_during_a_book_build(book, tmp_path, monkeypatch):
    """Belt and braces: with sockets made to explode, a whole build still succeeds."""
    from click.testing import CliRunner

    from csplan.cli import main

    def refuse(*args, **kwargs):
        raise AssertionError("a build tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = CliRunner().invoke(main, ["build", str(book), "--out", str(tmp_path / "out"),
                                       "--today", "2026-11-23"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
