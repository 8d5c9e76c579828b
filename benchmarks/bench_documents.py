"""Benchmark one account's documents against a LibreOffice DOCX->PDF conversion.

Prints, from one run on this machine, seconds for the Northwind plan PDF, plan DOCX, QBR
deck (and the deck of a heavy account: 30 milestones, 12 metrics), and the ratio to
LibreOffice converting the same DOCX to PDF (the baseline, timed in the same run) of: the
csplan plan PDF, the whole bundle (PDF+DOCX+PPTX) in a warm process, and the whole process:
`csplan build` of that one account in the three formats, from process start to exit, as a
user runs it. Run from the repository root:

    python benchmarks/bench_documents.py [--runs 5]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csplan import derive  # noqa: E402
from csplan.inputs.brand import load_brand  # noqa: E402
from csplan.inputs.images import check_image  # noqa: E402
from csplan.inputs.loader import load_account  # noqa: E402
from csplan.paths import BRAND  # noqa: E402
from csplan.render.docx import plan_docx  # noqa: E402
from csplan.render.html import plan_html  # noqa: E402
from csplan.render.pdf import html_to_pdf  # noqa: E402
from csplan.inputs.program import Program  # noqa: E402
from csplan.render.pptx import deck_pptx  # noqa: E402
from csplan.views.customer import plan_view, qbr_view  # noqa: E402
from tests.heavy import heavy_text  # noqa: E402

ACCOUNT = ROOT / "accounts" / "northwind-freight.yaml"
TODAY = date(2026, 11, 23)


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    brand = load_brand(BRAND)
    folder = ACCOUNT.parent
    checked_logo = check_image(folder / "logos" / "northwind.png", [folder], "logo")
    logo = checked_logo.path.as_uri()

    program = Program.default()

    def view():
        return plan_view(derive.of(load_account(ACCOUNT).account, program, TODAY),
                         brand.spec.name, logo)

    # one warm-up: fonts and templates are loaded once per process
    html_to_pdf(plan_html(view(), brand), folder, [BRAND, folder], view().info)
    t_view, v = timed(view, args.runs)
    t_pdf, _ = timed(lambda: html_to_pdf(plan_html(v, brand), folder, [BRAND, folder], v.info),
                     args.runs)
    t_docx, docx_bytes = timed(lambda: plan_docx(v, brand, checked_logo), args.runs)
    deck = qbr_view(derive.of(load_account(ACCOUNT).account, program, TODAY), brand.spec.name)
    t_deck, _ = timed(lambda: deck_pptx(deck, brand, None), args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        heavy = Path(tmp) / "heavy.yaml"
        heavy.write_text(re.sub(r"\n  logo: [^\n]*", "", heavy_text()), encoding="utf-8")
        heavy_deck = qbr_view(derive.of(load_account(heavy).account, program, TODAY),
                              brand.spec.name)
    t_heavy, _ = timed(lambda: deck_pptx(heavy_deck, brand, None), args.runs)
    print(f"load+check view : {t_view:.3f} s")
    print(f"plan PDF        : {t_pdf:.3f} s")
    print(f"plan DOCX       : {t_docx:.3f} s")
    print(f"QBR deck PPTX   : {t_deck:.3f} s (heavy account: {t_heavy:.3f} s)")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("LibreOffice not installed: ratio to a DOCX->PDF conversion skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "plan.docx"
        src.write_bytes(docx_bytes)
        profile = Path(tmp) / "profile"

        def convert():
            subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                            "--convert-to", "pdf", "--outdir", tmp, str(src)],
                           check=True, capture_output=True)
        convert()  # first start creates the profile
        t_lo, _ = timed(convert, max(1, args.runs // 2))
    print(f"LibreOffice DOCX->PDF (baseline): {t_lo:.3f} s")
    print(f"ratio plan PDF / LibreOffice    : {t_pdf / t_lo:.2f}")
    print(f"ratio bundle (PDF+DOCX+PPTX) / LibreOffice: {(t_pdf + t_docx + t_deck) / t_lo:.2f}")
    t_process = whole_process(args.runs)
    print(f"whole process: csplan build, 1 account, 3 formats: {t_process:.3f} s")
    print(f"ratio whole process / LibreOffice: {t_process / t_lo:.2f}")


def whole_process(runs: int) -> float:
    """Median seconds of ``python -m csplan build`` of Northwind in docx, pdf and pptx, from
    start to exit (--force: no cache), as a CSM runs it for one account."""
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ACCOUNT.parent / "logos", book / "logos")
        shutil.copy(ACCOUNT, book)
        command = [sys.executable, "-m", "csplan", "build", str(book), "--out",
                   str(Path(tmp) / "out"), "--formats", "docx,pdf,pptx", "--force", "-q",
                   "--today", TODAY.isoformat()]

        def run():
            subprocess.run(command, check=True, capture_output=True, cwd=tmp)
        run()  # the first run compiles bytecode; a user's second run does not
        return timed(run, runs)[0]


if __name__ == "__main__":
    main()
