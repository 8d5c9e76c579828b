"""What a build may touch: images checked, no network, no files outside the account and
brand folders, and writes that never leave a half-written file."""

from __future__ import annotations

import io
import os
import socket
import threading
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pytest
from PIL import Image

from csplan.inputs.brand import load_brand
from csplan.views.docinfo import DocInfo
from csplan.exceptions import BuildError
from csplan.inputs.images import check_image
from csplan.paths import BRAND
from csplan.render.pdf import html_to_pdf
from csplan.build.write import write_atomic
from csplan.render import verify_pdf, verify_zip

INFO = DocInfo("t", "a", datetime(2026, 11, 23, tzinfo=timezone.utc))


# ---------------------------------------------------------------------- images

def png_bytes(width=4, height=4) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(out, "PNG")
    return out.getvalue()


def huge_png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels (a decompression bomb)."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = zlib.compress(b"\x00" * 1000)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name, data, message", [
    ("gif.png", b"GIF89a" + b"\x00" * 50, "not a readable PNG or JPEG"),
    ("text.png", b"hello, I am text", "not a readable PNG or JPEG"),
    ("truncated.png", png_bytes(64, 64)[:60], "not a readable PNG or JPEG"),
    ("bomb.png", huge_png_header(50_000, 50_000), "pixels"),
    ("wide.png", huge_png_header(20_000, 10), "pixels"),
    ("logo.svg.png", b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/>'
                     b"</svg>", "not a readable PNG or JPEG"),
])
def test_bad_images_are_refused(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(BuildError) as info:
        check_image(path, [tmp_path], "logo")
    assert message in str(info.value) and str(path) in str(info.value)


def test_a_good_png_and_jpeg_pass(tmp_path):
    (tmp_path / "a.png").write_bytes(png_bytes())
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    (tmp_path / "b.jpg").write_bytes(out.getvalue())
    assert check_image(tmp_path / "a.png", [tmp_path]).format == "PNG"
    assert check_image(tmp_path / "b.jpg", [tmp_path]).mime == "image/jpeg"


def test_an_image_link_outside_the_roots_is_refused(tmp_path):
    outside = tmp_path / "outside"
    inside = tmp_path / "inside"
    outside.mkdir()
    inside.mkdir()
    (outside / "secret.png").write_bytes(png_bytes())
    (inside / "logo.png").symlink_to(outside / "secret.png")
    with pytest.raises(BuildError, match="outside the account's folder"):
        check_image(inside / "logo.png", [inside])


# ---------------------------------------------------------------------- PDF fetching

@pytest.fixture
def listener():
    """A local TCP listener that counts connections; a build must never reach it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()
    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(1)
    server.close()


@pytest.mark.parametrize("markup", [
    '<img src="http://127.0.0.1:{port}/logo.png">',
    '<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
    '<style>@import url("http://127.0.0.1:{port}/x.css");</style>',
    '<style>body {{ background: url("https://127.0.0.1:{port}/bg.png") }}</style>',
    '<style>@font-face {{ font-family: X; src: url("http://127.0.0.1:{port}/f.ttf") }} '
    'p {{ font-family: X }}</style><p>x</p>',
    '<img src="ftp://127.0.0.1:{port}/x.png">',
])
def test_no_network_is_reached_and_the_build_fails(tmp_path, listener, markup):
    port, hits = listener
    html = f"<html><body><p>hello</p>{markup.format(port=port)}</body></html>"
    with pytest.raises(BuildError, match="refused to fetch"):
        html_to_pdf(html, tmp_path, [tmp_path], INFO)
    assert hits == []


def test_files_outside_the_roots_are_refused(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "x.png").write_bytes(png_bytes())
    allowed = tmp_path / "account"
    allowed.mkdir()
    for url in ((secret / "x.png").as_uri(), "file:///etc/passwd",
                allowed.as_uri() + "/../secret/x.png"):
        with pytest.raises(BuildError, match="refused to read|does not exist"):
            html_to_pdf(f'<img src="{url}">', allowed, [allowed], INFO)


def test_files_inside_the_roots_are_served(tmp_path):
    (tmp_path / "x.png").write_bytes(png_bytes())
    pdf = html_to_pdf(f'<html lang="en"><p>ok</p><img alt="x" src="{(tmp_path / "x.png").as_uri()}">'
                      "</html>", tmp_path, [tmp_path], INFO)
    assert pdf.startswith(b"%PDF-")


def test_weasyprint_problems_fail_the_build(tmp_path):
    with pytest.raises(BuildError, match="WeasyPrint reported"):
        html_to_pdf("<style>p { color: }</style><p>x</p>", tmp_path, [tmp_path], INFO)


# ---------------------------------------------------------------------- writing

def test_an_interrupted_write_keeps_the_good_file_and_no_temp(tmp_path):
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"%PDF- good old file %%EOF")

    def crash(path: Path) -> None:
        raise KeyboardInterrupt  # the process is stopped after writing, before the rename

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"%PDF- half", crash)
    assert target.read_bytes() == b"%PDF- good old file %%EOF"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


def test_a_damaged_file_never_replaces_a_good_one(tmp_path):
    target = tmp_path / "plan.docx"
    target.write_bytes(b"old")
    with pytest.raises(BuildError, match="not a zip"):
        write_atomic(target, b"not a zip", verify_zip)
    with pytest.raises(BuildError, match="incomplete"):
        write_atomic(tmp_path / "plan.pdf", b"%PDF-1.7 no end", verify_pdf)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.docx"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_a_read_only_folder_fails_cleanly(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(BuildError, match="cannot write"):
            write_atomic(folder / "x.pdf", b"%PDF-")
    finally:
        folder.chmod(0o700)


def test_an_unwritable_output_path_fails_cleanly(tmp_path):
    blocker = tmp_path / "out"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(BuildError, match="cannot write"):
        write_atomic(blocker / "acme" / "x.pdf", b"%PDF-")


def test_the_default_brand_loads():
    brand = load_brand(BRAND)
    assert brand.spec.name == "Fleetline" and brand.logo is not None
    assert brand.font_stack == ["Lato", "DejaVu Sans", "Droid Sans Fallback"]


def test_a_full_disk_fails_cleanly_and_keeps_the_old_file(tmp_path, monkeypatch):
    import errno

    target = tmp_path / "plan.pdf"
    target.write_bytes(b"%PDF- good %%EOF")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd, mode):
            self.fh = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(BuildError, match="No space left on device"):
        write_atomic(target, b"%PDF- new %%EOF", verify_pdf)
    assert target.read_bytes() == b"%PDF- good %%EOF"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


def test_a_folder_that_refuses_writes_fails_cleanly(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(BuildError, match="cannot write to .*Permission denied"):
        write_atomic(tmp_path / "x.pdf", b"%PDF-")
