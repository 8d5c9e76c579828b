"""Build one account's documents: check, view, render each format, write atomically.

One linear function per account (mkdocs' habit). Every failure becomes a finding on that
account; nothing here stops another account from building.
"""

from __future__ import annotations

import hashlib
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Optional

from csplan.build import layout
from csplan.inputs.brand import Brand
from csplan.exceptions import BrandError, BuildError
from csplan.findings import Finding
from csplan.inputs.images import CheckedImage, check_image
from csplan.rules.engine import AccountResult
from csplan.inputs.program import Program
from csplan.inputs.slug import slugify
from csplan.system import internal_error
from csplan.views.customer import PlanView, QbrView, plan_view, qbr_view
from csplan.build.write import verify_pdf, verify_zip, write_atomic

FORMATS = ("docx", "pdf", "pptx", "brief")
AVAILABLE = ("docx", "pdf", "pptx", "brief")
CUSTOMER_FORMATS = ("docx", "pdf", "pptx")  # the default; "brief" is internal, on request


@dataclass
class BuildResult:
    """What happened to one account: its findings, the files written, how long it took."""

    file: str
    status: str = "failed"  # built | skipped | failed
    findings: list[Finding] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    slug: Optional[str] = None
    notes: list[str] = field(default_factory=list)
    account: str = ""
    peak_mb: float = 0.0
    format_seconds: dict[str, float] = field(default_factory=dict)


def plan_filename(slug: str, fmt: str) -> str:
    return f"{slug}-success-plan.{fmt}"


def assign_slugs(names: list[str]) -> list[str]:
    """Return an output folder name for each account name: its safe slug, and where two
    different names share a slug ("Acme Corp", "ACME corp"), each of them gets a short hash of
    its name appended. Names are compared in NFC, so the NFC and NFD spellings are one name
    (and get one folder: ``clashes`` finds them).
    """
    names = [unicodedata.normalize("NFC", n) for n in names]
    slugs = [slugify(n) for n in names]
    owners: dict[str, set[str]] = {}
    for name, slug in zip(names, slugs):
        owners.setdefault(slug, set()).add(name)
    return [hashed_slug(name) if len(owners[slug]) > 1 else slug
            for name, slug in zip(names, slugs)]


def hashed_slug(name: str) -> str:
    """Return the folder name of ``name`` (in NFC) when another name shares its slug: the
    slug and a short hash of the name."""
    return f"{slugify(name)}-{hashlib.sha256(name.encode()).hexdigest()[:6]}"


def clashes(slugs: list[str]) -> dict[int, list[int]]:
    """Return, for each account whose folder another account would also write into, the
    indexes of those others, whatever the cause: the same name twice, or a name that happens
    to equal another's hashed slug. Folders are compared case-folded (macOS and Windows)."""
    by_folder: dict[str, list[int]] = {}
    for index, slug in enumerate(slugs):
        by_folder.setdefault(slug.casefold(), []).append(index)
    return {i: [o for o in group if o != i]
            for group in by_folder.values() if len(group) > 1 for i in group}


def render_account(checked: AccountResult, slug: str, program: Program, brand: Brand,
                   out: Path, formats: tuple, today: date) -> BuildResult:
    """Return the result of rendering every requested format of one checked account."""
    started = time.perf_counter()
    path = Path(checked.file)
    result = BuildResult(file=checked.file, findings=list(checked.findings), slug=slug)
    try:
        loaded = checked.loaded
        assert loaded is not None
        folder = layout.customer(out, slug)
        logo = None
        if loaded.logo_path is not None:
            logo = check_image(loaded.logo_path, [path.parent], "logo")
        view = plan_view(loaded, today, brand.spec.name, logo.path.as_uri() if logo else None)
        renderers: dict[str, Callable[[], tuple[bytes, Callable]]] = {
            "docx": lambda: (_docx(view, brand, logo), verify_zip),
            "pdf": lambda: (_pdf(view, brand, path.parent), verify_pdf),
        }
        for fmt in formats:
            format_started = time.perf_counter()
            if fmt == "brief":
                target = layout.brief_file(out, slug)
                result.outputs.append(write_atomic(
                    target, brief_pdf(loaded, program, today, brand), verify_pdf, out))
            elif fmt == "pptx":
                deck = qbr_view(loaded, program, today, brand.spec.name)
                if deck is None:
                    result.notes.append("no QBR in the account (qbrs is empty): no deck built")
                    continue
                data = _pptx(deck, brand, logo, program.checks.max_deck_slides)
                target = folder / deck_filename(slug, deck.quarter)
                result.outputs.append(write_atomic(target, data, verify_zip, out))
            else:
                data, verify = renderers[fmt]()
                target = folder / plan_filename(slug, fmt)
                result.outputs.append(write_atomic(target, data, verify, out))
            result.format_seconds[fmt] = round(time.perf_counter() - format_started, 3)
        result.status = "built"
    except BuildError as exc:
        rule = "BRAND" if isinstance(exc, BrandError) else "BUILD"
        result.findings.append(Finding(str(path), 0, 0, "error", rule, str(exc)))
    except Exception:  # noqa: BLE001 - one account's crash must not stop the others
        result.findings.append(internal_error(str(path), "building this account"))
    finally:
        result.seconds = round(time.perf_counter() - started, 3)
    return result


def render_templates(checked: AccountResult, program: Program, brand: Brand, today: date,
                     formats: tuple) -> None:
    """Render (and discard) the HTML of one account's PDFs in ``formats``: run once before a
    book is built, so a broken brand template is found before any account is."""
    from csplan.render.html import brief_html, plan_html

    loaded = checked.loaded
    assert loaded is not None
    if "pdf" in formats:
        logo = loaded.logo_path
        plan_html(plan_view(loaded, today, brand.spec.name, logo.as_uri() if logo else None),
                  brand)
    if "brief" in formats:
        from csplan.views.brief import brief_view

        brief_html(brief_view(loaded, program, today, brand.spec.name), brand)


def brief_pdf(loaded, program: Program, today: date, brand: Brand) -> bytes:
    """Return the internal QBR prep brief of one account as PDF bytes."""
    from csplan.views.brief import brief_view
    from csplan.render.html import brief_html
    from csplan.render.pdf import html_to_pdf

    view = brief_view(loaded, program, today, brand.spec.name)
    return html_to_pdf(brief_html(view, brand), brand.folder, [brand.folder], view.info,
                       brand.fonts_key())


def deck_filename(slug: str, quarter: str) -> str:
    return f"{slug}-qbr-{quarter}.pptx"


def _pptx(view: QbrView, brand: Brand, logo: Optional[CheckedImage], max_slides: int) -> bytes:
    from csplan.render.pptx import deck_pptx

    return deck_pptx(view, brand, logo, max_slides)


def _docx(view: PlanView, brand: Brand, logo: Optional[CheckedImage]) -> bytes:
    from csplan.render.docx import plan_docx

    return plan_docx(view, brand, logo)


def _pdf(view: PlanView, brand: Brand, account_folder: Path) -> bytes:
    from csplan.render.html import plan_html
    from csplan.render.pdf import html_to_pdf

    html = plan_html(view, brand)
    return html_to_pdf(html, account_folder, [brand.folder, account_folder], view.info,
                       brand.fonts_key())


def program_documents(paths: list[Path], program: Program, brand: Brand, out: Path,
                      today: date, formats: tuple) -> tuple[list[Path], list[Finding]]:
    """Write the team's CS program document(s); with account paths, include their capacity.

    Accounts that do not load are reported and left out of the capacity count. Raises
    BuildError when a document cannot be rendered or written.
    """
    from csplan.derive.capacity import capacity
    from csplan.exceptions import SourceError
    from csplan.inputs.loader import account_files, load_account
    from csplan.views.program import program_view
    from csplan.render.docx import program_docx
    from csplan.render.html import program_html
    from csplan.render.pdf import html_to_pdf

    problems: list[Finding] = []
    book = None
    if paths:
        accounts = []
        for path in account_files(paths):
            try:
                accounts.append(load_account(path).account)
            except SourceError as exc:
                problems += exc.findings
        book = capacity(accounts, program)
    view = program_view(program, brand.spec.name, today, book)
    written = []
    if "pdf" in formats:
        data = html_to_pdf(program_html(view, brand), brand.folder, [brand.folder],
                           view.info, brand.fonts_key())
        written.append(write_atomic(layout.internal(out) / "cs-program.pdf", data, verify_pdf,
                                    out))
    if "docx" in formats:
        written.append(write_atomic(layout.internal(out) / "cs-program.docx",
                                    program_docx(view, brand), verify_zip, out))
    return written, problems
