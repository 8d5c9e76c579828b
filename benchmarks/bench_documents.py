"""Benchmark one account's documents against a LibreOffice DOCX->PDF conversion.

Prints, from one run on this machine, seconds for the Northwind plan PDF, plan DOCX, QBR
deck (and the deck of a heavy account: 30 milestones, 12 metrics), and the ratio to
LibreOffice converting the same DOCX to PDF (the baseline, timed in the same run) of: the
csplan plan PDF, the whole bundle (PDF+DOCX+PPTX) in a warm process, and the whole process:
`csplan build` of that one account in the three formats, from process start to exit, as a
user runs it (and with --jobs 1: one worker, the formats one after another), timed in turns
with the LibreOffice conversion; and the rebuild of that account by a running `csplan build
--watch`, from saving the account file to the three documents written. Run from the repository root:

    python benchmarks/bench_documents.py [--runs 5] [--python OTHER-VENV/bin/python]
"""

from __future__ import annotations

import argparse
import os
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
    parser.add_argument("--python", default=sys.executable,
                        help="the Python whose csplan the whole-process figure times "
                             "(default: this one), e.g. another csplan's venv to compare")
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
        print(f"ratio bundle (PDF+DOCX+PPTX) / LibreOffice: "
              f"{(t_pdf + t_docx + t_deck) / t_lo:.2f}")
        t_base, t_process, t_one = whole_process(args.runs, convert, args.python)
        t_base_w, t_save = rebuild_after_save(args.runs, convert, args.python)
    print(f"whole process: csplan build, 1 account, 3 formats: {t_process:.3f} s "
          f"(--jobs 1: {t_one:.3f} s); LibreOffice in the same rounds: {t_base:.3f} s")
    print(f"ratio whole process / LibreOffice: {t_process / t_base:.2f} "
          f"(--jobs 1: {t_one / t_base:.2f})")
    print(f"csplan build --watch, save to 3 documents written: {t_save:.3f} s; LibreOffice in "
          f"the same rounds: {t_base_w:.3f} s")
    print(f"ratio rebuild after a save (warm process) / LibreOffice: {t_save / t_base_w:.2f}")


def whole_process(runs: int, baseline, python: str) -> tuple[float, float, float]:
    """Median seconds of ``baseline`` (the LibreOffice conversion), of ``python -m csplan
    build`` of Northwind in docx, pdf and pptx from start to exit (--force: no cache), as a
    CSM runs it for one account, and of the same with ``--jobs 1``, timed in turns, round
    after round, so that a machine busy with other work slows all three alike.

    The first run compiles csplan's bytecode, as installing it does (pip compiles a wheel's
    modules): the runs get a bytecode folder of their own even where PYTHONDONTWRITEBYTECODE
    is set, so they do not compile csplan from source each time as no installed csplan does.
    """
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ACCOUNT.parent / "logos", book / "logos")
        shutil.copy(ACCOUNT, book)
        command = [python, "-m", "csplan", "build", str(book), "--out",
                   str(Path(tmp) / "out"), "--formats", "docx,pdf,pptx", "--force", "-q",
                   "--today", TODAY.isoformat()]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")

        def run(*more: str):
            subprocess.run([*command, *more], check=True, capture_output=True, cwd=tmp,
                           env=env)
        run()  # the first run compiles bytecode; a user's second run does not
        times: tuple[list[float], list[float], list[float]] = ([], [], [])
        for _ in range(runs):
            for spent, job in zip(times, (baseline, run, lambda: run("--jobs", "1"))):
                spent.append(timed(job, 1)[0])
        base, process, one = (statistics.median(t) for t in times)
        return base, process, one


def rebuild_after_save(runs: int, baseline, python: str) -> tuple[float, float]:
    """Median seconds of ``baseline`` and of a rebuild by ``csplan build --watch`` of
    Northwind in docx, pdf and pptx: from the moment the account file is saved (its primary
    goal changed, so the build cache cannot skip it) to the line the watcher prints when the
    documents are written, found changes and all, timed in turns with the baseline."""
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ACCOUNT.parent / "logos", book / "logos")
        account = book / ACCOUNT.name
        shutil.copy(ACCOUNT, account)
        text = account.read_text(encoding="utf-8")
        watcher = subprocess.Popen(
            [python, "-m", "csplan", "build", str(book), "--out", str(Path(tmp) / "out"),
             "--formats", "docx,pdf,pptx", "--today", TODAY.isoformat(), "--watch"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=tmp)

        def watching() -> None:  # read the watcher's lines until it waits again
            for line in watcher.stderr:
                if line.startswith("Watching"):
                    return
            raise RuntimeError("csplan build --watch ended")

        rounds = iter(range(10**6))

        def save() -> None:
            changed = f"primary_goal: ({next(rounds)}) Raise"
            account.write_text(text.replace("primary_goal: Raise", changed, 1), encoding="utf-8")
            watching()
        try:
            watching()  # the first build
            base, saved = [], []
            for _ in range(runs):
                base.append(timed(baseline, 1)[0])
                saved.append(timed(save, 1)[0])
        finally:
            watcher.terminate()
            watcher.wait(10)
        return statistics.median(base), statistics.median(saved)


if __name__ == "__main__":
    main()
