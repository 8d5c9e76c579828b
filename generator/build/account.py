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
from typing import Optional

from csplan.build import layout, revisions
from csplan.inputs.brand import Brand
from csplan.exceptions import BrandError, BuildError
from csplan.findings import Finding
from csplan.inputs.images import check_image
from csplan.rules.engine import AccountResult
from csplan.inputs.program import Program
from csplan.inputs.slug import slugify
from csplan.system import internal_error
from csplan.build.write import write_atomic
from csplan.render import FORMATS, Format, RenderContext, verify_pdf, verify_zip
from csplan.render import preflight as render_preflight
from csplan.views import VIEWS, Source, Views
from csplan.words import SOURCE_LANGUAGE, speaking



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
    draft: bool = False  # built as a draft: never cached


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


def render_account(checked: AccountResult, slug: str, brand: Brand, out: Path,
                   formats: tuple, draft: bool = False,
                   qbr: Optional[str] = None) -> BuildResult:
    """Return the result of rendering every requested format of one checked account, from
    the derived values its check computed (for its program and today).

    Each format comes from the registry (``csplan.render.FORMATS``); a view is made once and
    shared by the formats that take it. A ``draft`` is marked and named so, and records no
    revision; ``qbr`` is the quarter a recap is for (default: the newest QBR).
    """
    started = time.perf_counter()
    path = Path(checked.file)
    result = BuildResult(file=checked.file, findings=list(checked.findings), slug=slug,
                         draft=draft)
    try:
        loaded, derived = checked.loaded, checked.derived
        assert loaded is not None and derived is not None
        logo = None
        if loaded.logo_path is not None:
            logo = check_image(loaded.logo_path, [path.parent], "logo")
        kept = None
        if any(VIEWS[FORMATS[name].view].revised for name in formats):
            kept, problem = revisions.revision(path, slug, derived.account, derived.today,
                                               record=not draft)
            if problem:
                result.findings.append(Finding(str(path), 0, 0, "warning", "BUILD", problem))
        views = Views(Source(derived, brand.spec.name, logo.path.as_uri() if logo else None,
                             draft=draft, revision=kept, qbr=qbr, slug=slug))
        ctx = RenderContext(brand, logo, path.parent)
        for name in formats:
            format_started = time.perf_counter()
            fmt = FORMATS[name]
            with speaking(language_of(fmt, loaded), wording=brand.wording):
                view = views.get(fmt.view)
                if view is None:
                    result.notes.append(VIEWS[fmt.view].missing)
                    continue
                data = fmt.renderer()(view, ctx)
            target = file_of(fmt, out, slug, view)
            result.outputs.append(write_atomic(target, data, fmt.verify, out))
            result.format_seconds[name] = round(time.perf_counter() - format_started, 3)
        result.status = "built"
    except BuildError as exc:
        rule = "BRAND" if isinstance(exc, BrandError) else "BUILD"
        result.findings.append(Finding(str(path), 0, 0, "error", rule, str(exc)))
    except Exception:  # noqa: BLE001 - one account's crash must not stop the others
        result.findings.append(internal_error(str(path), "building this account"))
    finally:
        result.seconds = round(time.perf_counter() - started, 3)
    return result


def language_of(fmt: Format, loaded) -> str:
    """The language a format's document speaks: the account's for the customer's files,
    the team's (English for now) for internal ones."""
    return SOURCE_LANGUAGE if fmt.internal else loaded.account.account.locale


def file_of(fmt: Format, out: Path, slug: str, view) -> Path:
    """Return where a format's file of one account goes: the customer's folder, or, for an
    internal format, its folder under ``_internal/``."""
    folder = layout.internal(out) / fmt.folder if fmt.internal else layout.customer(out, slug)
    return folder / fmt.file_name(slug, view)


def preflight(checked: AccountResult, brand: Brand, formats: tuple) -> None:
    """Run each format's preflight on one account (for the PDFs: render and discard its
    HTML), once before a book is built, so a broken brand template is found before any
    account is."""
    loaded, derived = checked.loaded, checked.derived
    assert loaded is not None and derived is not None
    logo = loaded.logo_path
    views = Views(Source(derived, brand.spec.name, logo.as_uri() if logo else None))
    ctx = RenderContext(brand, None, Path(checked.file).parent)
    for name in formats:
        fmt = FORMATS[name]
        if fmt.preflight is not None:
            with speaking(language_of(fmt, loaded), wording=brand.wording):
                view = views.get(fmt.view)
                if view is not None:
                    render_preflight(fmt, view, ctx)


def program_documents(paths: list[Path], program: Program, brand: Brand, out: Path,
                      today: date, formats: tuple) -> tuple[list[Path], list[Finding]]:
    """Write the team's CS program document(s); with account paths, include their capacity.

    Accounts that do not load are reported and left out of the capacity count. Raises
    BuildError when a document cannot be rendered or written.
    """
    from csplan import derive
    from csplan.derive.capacity import capacity
    from csplan.derive.outcomes import book_outcomes
    from csplan.exceptions import SourceError
    from csplan.inputs.loader import account_files, load_account
    from csplan.views.program import program_view
    from csplan.render.docx import program_docx
    from csplan.render.html import program_html
    from csplan.render.pdf import html_to_pdf

    problems: list[Finding] = []
    book = outcomes = None
    if paths:
        accounts = []
        for path in account_files(paths):
            try:
                accounts.append(load_account(path).account)
            except SourceError as exc:
                problems += exc.findings
        book = capacity(accounts, program)
        derived = [derive.of(a, program, today) for a in accounts]
        outcomes = book_outcomes([(d.account, program, d.band, d.verdict.qualifies)
                                  for d in derived], today)
    view = program_view(program, brand.spec.name, today, book, outcomes)
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
