"""Shared fixtures: the reference account, a way to load a changed copy of it, a fixed today."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = ROOT / "accounts"
NORTHWIND = ACCOUNTS / "northwind-freight.yaml"
SPEC_NORTHWIND = ROOT.parent / "shared" / "spec" / "northwind-freight.yaml"
TODAY = date(2026, 11, 23)


@pytest.fixture
def northwind_text() -> str:
    return NORTHWIND.read_text(encoding="utf-8")


@pytest.fixture
def write_account(tmp_path):
    """Return a function that writes YAML text as an account file (with the Northwind logo)
    in a fresh folder and returns its path."""
    logos = tmp_path / "logos"
    logos.mkdir()
    (logos / "northwind.png").write_bytes((ACCOUNTS / "logos" / "northwind.png").read_bytes())

    def write(text: str, name: str = "account.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def replace_once(text: str, old: str, new: str) -> str:
    """Return ``text`` with ``old`` replaced by ``new``; fail if ``old`` is not there exactly
    once, so a test never silently checks an unchanged file."""
    assert text.count(old) == 1, f"expected exactly one {old!r} in the account"
    return text.replace(old, new)
