"""The CSM's week around the documents: drafts, revisions and what changed, the sign-off
block, and the QBR recap mail."""

from __future__ import annotations

import json
import shutil
from email import policy
from email.parser import BytesParser
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from pptx import Presentation
from pypdf import PdfReader

from csplan.cli import main
from tests.conftest import ACCOUNTS, replace_once
from tests.docs import docx_text, pdf_text, squash

SLUG = "northwind-freight"
PLAN = f"{SLUG}-success-plan"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def northwind(tmp_path):
    """Return a function that writes a (changed) copy of Northwind, with its logo, into a
    folder of its own, and returns its path."""
    folder = tmp_path / "accounts"
    shutil.copytree(ACCOUNTS / "logos", folder / "logos")
    path = folder / f"{SLUG}.yaml"

    def write(change=None) -> Path:
        text = (ACCOUNTS / f"{SLUG}.yaml").read_text(encoding="utf-8")
        path.write_text(change(text) if change else text, encoding="utf-8")
        return path

    return write


def no_baseline(text: str) -> str:
    return replace_once(text, "    direction: up                # up | down: which way is better\n"
                              "    baseline: 82\n",
                        "    direction: up                # up | down: which way is better\n")


# ---------------------------------------------------------------------------- drafts

def test_a_draft_of_an_account_failing_sp002_is_marked_on_every_page_and_slide(
        northwind, tmp_path):
    path = northwind(no_baseline)
    out = tmp_path / "out"
    final = run("build", path, "--out", out, "--today", "2026-11-23")
    assert final.exit_code == 1
    assert "error SP002 metric 'on-time' has no baseline" in final.stdout
    assert not out.exists() or not any(out.rglob("*.pdf"))

    draft = run("build", path, "--out", out, "--today", "2026-11-23", "--draft")
    assert draft.exit_code == 0, draft.output
    assert ("warning SP002 metric 'on-time' has no baseline (an error in a final build; "
            "built as a draft)") in draft.stdout
    assert "Built 1 account as drafts; 1 error to fix before the final build:" in draft.stderr
    folder = out / SLUG
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{SLUG}-qbr-2026-Q4-draft.pptx", f"{PLAN}-draft.docx", f"{PLAN}-draft.pdf"]
    pages = PdfReader(str(folder / f"{PLAN}-draft.pdf")).pages
    assert len(pages) > 1
    assert all("DRAFT" in page.extract_text() for page in pages)
    document = docx.Document(str(folder / f"{PLAN}-draft.docx"))
    assert all("DRAFT" in "".join(p.text for p in s.header.paragraphs)
               for s in document.sections)
    slides = Presentation(str(folder / f"{SLUG}-qbr-2026-Q4-draft.pptx")).slides
    assert len(slides) > 5
    for slide in slides:
        assert any(shape.has_text_frame and shape.text_frame.text == "DRAFT"
                   for shape in slide.shapes)
    report = json.loads((out / "_internal" / "build-report.json").read_text())
    assert sorted(report["accounts"][0]["files"]) == sorted(
        f"{SLUG}/{p.name}" for p in folder.iterdir())


def test_a_draft_is_never_cached_as_a_final_build(northwind, tmp_path):
    path = northwind(lambda t: replace_once(t, "status: active ", "status: draft  "))
    out = tmp_path / "out"
    for _ in range(2):  # status: draft in the account: a draft each time, never skipped
        result = run("build", path, "--out", out, "--today", "2026-11-23", "--formats", "docx")
        assert result.exit_code == 0, result.output
        assert f"built {path}" in result.stderr
    assert (out / SLUG / f"{PLAN}-draft.docx").is_file()
    assert "Draft" in docx_text(out / SLUG / f"{PLAN}-draft.docx")
    northwind()  # final again
    result = run("build", path, "--out", out, "--today", "2026-11-23", "--formats", "docx")
    assert result.exit_code == 0 and f"built {path}" in result.stderr
    final = out / SLUG / f"{PLAN}.docx"
    assert "DRAFT" not in docx_text(final)
    draft = run("build", path, "--out", out, "--today", "2026-11-23", "--formats", "docx",
                "--draft")
    assert f"built {path}" in draft.stderr  # the final build's cache entry is not a draft's
    again = run("build", path, "--out", out, "--today", "2026-11-23", "--formats", "docx", "-v")
    assert f"skipped {path}" in again.stderr  # and the draft did not replace the final's


def test_a_final_build_removes_the_drafts_it_replaces_and_nothing_else(northwind, tmp_path):
    path = northwind()
    out = tmp_path / "out"
    folder = out / SLUG
    today = ("--today", "2026-11-23")
    draft = run("build", path, "--out", out, *today, "--formats", "docx,pptx", "--draft")
    assert draft.exit_code == 0, draft.output
    final = run("build", path, "--out", out, *today, "--formats", "docx")
    assert final.exit_code == 0, final.output
    assert not (folder / f"{PLAN}-draft.docx").exists()
    assert f"note: removed the draft this final build replaces: {SLUG}/{PLAN}-draft.docx" \
        in final.stderr
    report = json.loads((out / "_internal" / "build-report.json").read_text())
    assert report["accounts"][0]["notes"] == [
        f"removed the draft this final build replaces: {SLUG}/{PLAN}-draft.docx"]
    # the deck's draft is not replaced by this build, and a draft build removes no final
    assert (folder / f"{SLUG}-qbr-2026-Q4-draft.pptx").is_file()
    again = run("build", path, "--out", out, *today, "--formats", "docx", "--draft")
    assert again.exit_code == 0, again.output
    assert (folder / f"{PLAN}.docx").is_file() and (folder / f"{PLAN}-draft.docx").is_file()

    # only the files csplan names for this account: a link, or a file of the user's, stays
    elsewhere = tmp_path / "elsewhere.docx"
    elsewhere.write_bytes(b"mine")
    (folder / f"{PLAN}-draft.docx").unlink()
    (folder / f"{PLAN}-draft.docx").symlink_to(elsewhere)
    (folder / "my-notes-draft.docx").write_bytes(b"mine too")
    final = run("build", path, "--out", out, *today, "--formats", "docx", "--force")
    assert final.exit_code == 0, final.output
    assert "removed the draft" not in final.stderr
    assert (folder / f"{PLAN}-draft.docx").is_symlink() and elsewhere.read_bytes() == b"mine"
    assert (folder / "my-notes-draft.docx").read_bytes() == b"mine too"


# ---------------------------------------------------------------------------- revisions

def plan_texts(out: Path) -> list[str]:
    return [docx_text(out / SLUG / f"{PLAN}.docx"), pdf_text(out / SLUG / f"{PLAN}.pdf")]


def test_a_missing_or_changed_revision_history_rebuilds_the_account(northwind, tmp_path):
    path = northwind()
    out = tmp_path / "out"
    history = path.parent / ".csplan" / SLUG / "revisions.json"
    build = ("build", path, "--out", out, "--today", "2026-11-23", "--formats", "docx", "-v")
    assert f"built {path}" in run(*build).stderr
    assert f"skipped {path}" in run(*build).stderr  # recording it is no change
    recorded = history.read_bytes()
    shutil.rmtree(path.parent / ".csplan")
    assert f"built {path}" in run(*build).stderr
    assert history.read_bytes() == recorded
    assert history.stat().st_mode & 0o777 == 0o644  # a new file csplan writes
    assert f"skipped {path}" in run(*build).stderr
    history.write_bytes(recorded.replace(b'"date": "2026-11-23"', b'"date": "2026-11-16"'))
    assert f"built {path}" in run(*build).stderr
    assert squash("Revision1 (Nov 16, 2026)") in squash(docx_text(out / SLUG / f"{PLAN}.docx"))


def test_a_plan_changed_after_its_review_names_its_changes_and_its_revision(
        northwind, tmp_path):
    path = northwind()
    out = tmp_path / "out"
    history = path.parent / ".csplan" / SLUG / "revisions.json"
    first = run("build", path, "--out", out, "--today", "2026-11-23", "--formats", "docx,pdf")
    assert first.exit_code == 0, first.output
    for text in plan_texts(out):
        assert squash("Revision1 (Nov 23, 2026)") in squash(text)
        assert "Changes since" not in text
    assert [r["revision"] for r in json.loads(history.read_text())["revisions"]] == [1]

    def change(text):
        text = replace_once(text, "    due: 2027-03-15\n", "    due: 2027-03-22\n")
        return replace_once(text, "risks:\n", "risks:\n  - {title: Peak season freezes IT "
                                              "changes, category: technical, likelihood: "
                                              "medium, impact: medium, owner: li}\n")
    northwind(change)
    second = run("build", path, "--out", out, "--today", "2026-11-30", "--formats", "docx,pdf")
    assert second.exit_code == 0, second.output
    milestone = "Renewal signed"
    for text in plan_texts(out):
        flat = squash(text)
        assert squash("Revision2 (Nov 30, 2026)") in flat
        assert squash("Changes since revision 1 (Nov 23, 2026)") in flat
        assert squash(f"Milestone moved: {milestone}, from Mar 15, 2027 to Mar 22, 2027") \
            in flat
        assert squash("Risk added: Peak season freezes IT changes") in flat
    written = {p: (out / SLUG / p).read_bytes() for p in (f"{PLAN}.docx", f"{PLAN}.pdf")}
    recorded = history.read_bytes()

    # a comment and an internal note are not customer-visible: no new revision
    northwind(lambda t: replace_once(change(t), "Finance asked about", "Finance asked again about")
              .replace("# never printed in customer documents", "# internal"))
    third = run("build", path, "--out", out, "--today", "2026-11-30", "--formats", "docx,pdf",
                "--force")
    assert third.exit_code == 0, third.output
    assert history.read_bytes() == recorded
    assert [r["revision"] for r in json.loads(recorded)["revisions"]] == [1, 2]
    for name, data in written.items():
        assert (out / SLUG / name).read_bytes() == data, name


def test_the_plan_ends_with_the_sign_off_block_in_both_formats(northwind, tmp_path):
    def executive(text):
        return replace_once(text, "role: cs-manager}", "role: cs-manager}\n  - {id: ravi, name: "
                                                      "Ravi Menon, title: Chief Customer Officer,"
                                                      " role: executive}")
    for change, vendor_executive in ((None, False), (executive, True)):
        path = northwind(change)
        out = tmp_path / f"out-{vendor_executive}"
        result = run("build", path, "--out", out, "--today", "2026-11-23", "--formats",
                     "docx,pdf")
        assert result.exit_code == 0, result.output
        for text in plan_texts(out):
            block = squash(text[text.index("Agreed by"):])
            for fact in ("James Okafor", "Chief Operating Officer",
                         "Executive sponsor, Northwind Freight", "Maria Lopez",
                         "Champion, Northwind Freight", "Priya Shah",
                         "Customer success manager, Fleetline", "Signature", "Date"):
                assert squash(fact) in block, fact
            assert (squash("Ravi Menon") in block) == vendor_executive
            assert (squash("Executive, Fleetline") in block) == vendor_executive


# ---------------------------------------------------------------------------- the recap

def with_emails(text: str) -> str:
    text = replace_once(text, "    title: VP Operations\n",
                        "    title: VP Operations\n    email: maria.lopez@northwind.example\n")
    text = replace_once(text, "    title: Chief Operating Officer\n",
                        "    title: Chief Operating Officer\n"
                        "    email: james.okafor@northwind.example\n")
    text = replace_once(text, "notes: Finance asked about multi-year pricing; James prefers "
                              "a two-year term.", "notes: ZQXMARKERNOTES")
    return text.replace("relationship", "zqxmarkerdimension")


def read_mail(path: Path):
    return BytesParser(policy=policy.default).parse(path.open("rb"))


def test_the_recap_is_a_customer_safe_draft_mail_with_every_action_and_the_plan(
        northwind, tmp_path):
    path = northwind(with_emails)
    out = tmp_path / "out"
    result = run("recap", path, "--qbr", "2026-Q4", "--out", out, "--today", "2026-12-08")
    assert result.exit_code == 0, result.output
    eml = out / SLUG / f"{SLUG}-qbr-2026-Q4-recap.eml"
    raw = eml.read_bytes()
    mail = read_mail(eml)
    assert mail["X-Unsent"] == "1"
    assert [a.addr_spec for a in mail["To"].addresses] == [
        "maria.lopez@northwind.example", "james.okafor@northwind.example"]
    assert [a.addr_spec for a in mail["Cc"].addresses] == [  # the vendor team with an email
        "priya.shah@fleetline.example", "tom.reyes@fleetline.example",
        "support@fleetline.example"]
    assert mail["Subject"] == "Northwind Freight and Fleetline: summary of our QBR Q4 2026"
    assert mail["Date"] == "Tue, 08 Dec 2026 00:00:00 +0000"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        for fact in ("Send the QBR summary and updated plan", "Priya Shah", "Dec 10, 2026",
                     "Share the November TMS report", "Maria Lopez", "Dec 15, 2026",
                     "Reach 95% on-time delivery across all regions",
                     "Two legacy routing tools switched off three days early",
                     "Q1 2027"):
            assert fact in body, fact
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == [f"{PLAN}.pdf"]
    assert attachments[0].get_content().startswith(b"%PDF-")
    for leak in (b"ZQXMARKER", b"MULTI-YEAR PRICING", b"JAMES PREFERS"):
        assert leak not in raw.upper()
        assert leak.decode() not in (text + html).upper()
    assert "ZQXMARKER" not in pdf_text_of(attachments[0].get_content(), tmp_path).upper()

    again = run("recap", path, "--qbr", "2026-Q4", "--out", out, "--today", "2026-12-08")
    assert again.exit_code == 0 and eml.read_bytes() == raw


def pdf_text_of(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "attached.pdf"
    path.write_bytes(data)
    return pdf_text(path)


def test_the_recap_of_an_earlier_qbr_and_as_a_build_format(northwind, tmp_path):
    path = northwind(with_emails)
    out = tmp_path / "out"
    earlier = run("recap", path, "--qbr", "2026-Q3", "--out", out, "--today", "2026-12-08")
    assert earlier.exit_code == 0, earlier.output
    mail = read_mail(out / SLUG / f"{SLUG}-qbr-2026-Q3-recap.eml")
    text = mail.get_body(("plain",)).get_content()
    for fact in ("Schedule the legacy tool cut-over with IT", "Li Wei",
                 "Share carrier-level late-load data", "Dec 8, 2026"):  # the next QBR's date
        assert fact in text, fact
    assert [a.addr_spec for a in mail["To"].addresses] == [
        "maria.lopez@northwind.example", "james.okafor@northwind.example"]
    missing = run("recap", path, "--qbr", "2025-Q1", "--out", out, "--today", "2026-12-08")
    assert missing.exit_code == 1
    assert "no QBR 2025-Q1 in the account (its QBRs: 2026-Q3, 2026-Q4)" in missing.stdout

    built = run("build", path, "--out", out, "--today", "2026-12-08", "--formats", "pdf,recap")
    assert built.exit_code == 0, built.output
    recap = read_mail(out / SLUG / f"{SLUG}-qbr-2026-Q4-recap.eml")
    attached = next(recap.iter_attachments()).get_content()
    assert attached == (out / SLUG / f"{PLAN}.pdf").read_bytes()


def test_a_german_recap_speaks_german(northwind, tmp_path):
    path = northwind(lambda t: replace_once(with_emails(t), "locale: en-US", "locale: de-DE"))
    out = tmp_path / "out"
    result = run("recap", path, "--out", out, "--today", "2026-12-08")
    assert result.exit_code == 0, result.output
    mail = read_mail(out / SLUG / f"{SLUG}-qbr-2026-Q4-recap.eml")
    text = mail.get_body(("plain",)).get_content()
    assert "Maria Lopez und James Okafor" in text
    assert "10.12.2026" in text
    assert "Thank you" not in text and "Action items" not in text
