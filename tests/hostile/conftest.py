"""Helpers for the hostile-input suite: run csplan as a user would and check what it left."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from csplan.cli import main
from tests.conftest import ACCOUNTS, ROOT

TODAY = ["--today", "2026-11-23"]


@pytest.fixture
def book(tmp_path) -> Path:
    """A folder with Northwind and its logo, to add hostile files to."""
    folder = tmp_path / "book"
    (folder / "logos").mkdir(parents=True)
    shutil.copy(ACCOUNTS / "logos" / "northwind.png", folder / "logos" / "northwind.png")
    shutil.copy(ACCOUNTS / "northwind-freight.yaml", folder / "northwind-freight.yaml")
    return folder


def csplan(*args):
    return CliRunner().invoke(main, [str(a) for a in args] + TODAY, catch_exceptions=False)


def snapshot(root: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Return every file under root (but not under skip) with its size and mtime."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")
            if p.is_file() and skip not in p.parents}


@pytest.fixture
def brand(tmp_path) -> Path:
    folder = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", folder)
    return folder


def rewrite(package: Path, change) -> None:
    """Rewrite a zip package, passing each (name, bytes) through ``change``."""
    with zipfile.ZipFile(package) as z:
        parts = [(n, z.read(n)) for n in z.namelist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            for new_name, new_data in change(name, data):
                z.writestr(new_name, new_data)
    package.write_bytes(buffer.getvalue())
