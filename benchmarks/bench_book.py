"""Benchmark book builds: N synthetic accounts x 3 formats, checked and built by the CLI.

Prints, from one run: csplan check of the book; seconds per account per format; a sample's
book time with 1 worker and with all workers (the speed-up); the whole book cold with all
workers; a no-change rebuild; a one-account-changed rebuild; peak memory per worker; and
one account's three-format bundle against one LibreOffice DOCX->PDF conversion of the same
plan (skipped, with a note, where LibreOffice is not installed). Run from the repository root:

    python benchmarks/bench_book.py [--n 300] [--sample 24] [--formats docx,pdf,pptx]

``--scale 300,3000`` instead builds books of each size cold, in one run, and prints the
seconds per account and the peak memory per worker of each, to show both stay flat as the
book grows (``--formats docx`` keeps the large size's run short).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synth import write_book  # noqa: E402

TODAY = ["--today", "2026-11-23"]


FORMATS: list[str] = []  # --formats, passed to every build


def csplan(*args: str) -> float:
    start = time.perf_counter()
    extra = FORMATS if args[0] == "build" else []
    subprocess.run([sys.executable, "-m", "csplan", *args, *extra, *TODAY, "--quiet"],
                   check=False, capture_output=True)
    return time.perf_counter() - start


def report(out: Path) -> dict:
    return json.loads((out / "_internal" / "build-report.json").read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--sample", type=int, default=24,
                        help="accounts built with 1 and with all workers for the speed-up")
    parser.add_argument("--formats", default="docx,pdf,pptx", help="formats built")
    parser.add_argument("--scale", help="comma-separated book sizes, e.g. 300,3000: build "
                                        "each cold and print time and memory per account")
    args = parser.parse_args()
    FORMATS[:] = ["--formats", args.formats]
    if args.scale:
        scale([int(n) for n in args.scale.split(",")], args.formats)
        return
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = write_book(tmp / "book", args.n)
        sample = write_book(tmp / "sample", args.sample, seed=11)
        print(f"{args.n} synthetic accounts, {cores} cores")
        t_check = csplan("check", str(book))
        print(f"check of the book              : {t_check:6.2f} s")

        t_one = csplan("build", str(sample), "--out", str(tmp / "s1"), "--jobs", "1")
        t_all = csplan("build", str(sample), "--out", str(tmp / "s2"), "--jobs", str(cores))
        print(f"sample of {args.sample}, 1 worker        : {t_one:6.2f} s")
        print(f"sample of {args.sample}, {cores} workers       : {t_all:6.2f} s "
              f"(speed-up {t_one / t_all:.2f}x)")

        out = tmp / "out"
        t_cold = csplan("build", str(book), "--out", str(out))
        data = report(out)
        built = [a for a in data["accounts"] if a["status"] == "built"]
        print(f"book cold, {cores} workers           : {t_cold:6.2f} s "
              f"({len(built)} built, {data['summary']['failed']} failed by their checks)")
        for fmt in args.formats.split(","):
            times = [a["format_seconds"][fmt] for a in built if fmt in a["format_seconds"]]
            print(f"  {fmt:4} per account (in a worker): {statistics.mean(times):6.3f} s mean, "
                  f"{max(times):.3f} s max")
        print(f"  peak memory per worker       : {max(a['peak_mb'] for a in built):6.1f} MB")

        t_same = csplan("build", str(book), "--out", str(out))
        print(f"no-change rebuild              : {t_same:6.2f} s")
        first = sorted(book.glob("*.yaml"))[0]
        first.write_text(first.read_text().replace("status: active", "status: under-review"))
        t_one_changed = csplan("build", str(book), "--out", str(out))
        print(f"one account changed rebuild    : {t_one_changed:6.2f} s")

        bundle = statistics.mean(sum(a["format_seconds"].values()) for a in
                                 report(tmp / "s1")["accounts"] if a["status"] == "built")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if not soffice:
            print("LibreOffice not installed: bundle ratio skipped")
            return
        docx = next(iter((tmp / "s1").rglob("*.docx")))
        profile = (tmp / "lo-profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
               "pdf", "--outdir", str(tmp / "lo"), str(docx)]
        subprocess.run(cmd, check=True, capture_output=True)  # first start makes the profile
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        t_lo = time.perf_counter() - start
        print(f"one bundle (1 worker) {bundle:.3f} s vs LibreOffice DOCX->PDF {t_lo:.3f} s: "
              f"ratio {bundle / t_lo:.2f}")


def scale(sizes: list[int], formats: str) -> None:
    """Build a book of each size cold and print seconds per account and memory per worker."""
    cores = os.cpu_count() or 1
    print(f"books built cold with {cores} workers, formats {formats}")
    print("accounts  built  failed  book s  s/account  no-change s  peak MB per worker (max, mean)")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            book = write_book(Path(tmp) / "book", n)
            out = Path(tmp) / "out"
            seconds = csplan("build", str(book), "--out", str(out))
            data = report(out)
            built = [a for a in data["accounts"] if a["status"] == "built"]
            peaks = [a["peak_mb"] for a in built]
            same = csplan("build", str(book), "--out", str(out))
            skipped = report(out)["summary"]["skipped"]
            print(f"{n:8}  {len(built):5}  {data['summary']['failed']:6}  {seconds:6.1f}  "
                  f"{seconds / n:9.3f}  {same:6.2f} ({skipped} skipped)  {max(peaks):6.1f}, "
                  f"{statistics.mean(peaks):6.1f}", flush=True)


if __name__ == "__main__":
    main()
