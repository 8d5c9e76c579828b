"""Logos carry metadata their authors never see: a phone photo's GPS position, a designer's
name in a JPEG comment, XMP history. Every logo (the account's and the brand's) is re-encoded
from its decoded pixels, so none of it reaches the DOCX, the PPTX or the PDF."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from tests.hostile.conftest import csplan

CANARY = b"CANARY-7f3a-jane.doe"


def metadata_jpeg(path: Path, colour=(200, 30, 40)) -> None:
    """Write a JPEG whose EXIF (with GPS), COM comment and XMP all hold the canary."""
    exif = Image.Exif()
    exif[0x010E] = CANARY.decode() + " description"  # ImageDescription
    exif[0x013B] = CANARY.decode()  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)
    gps[27] = b"ASCII\0\0\0" + CANARY  # GPSProcessingMethod
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
           b'02/22-rdf-syntax-ns#"><rdf:Description>' + CANARY + b"</rdf:Description></rdf:RDF>"
           b"</x:xmpmeta>")
    image = Image.new("RGB", (240, 120), colour)
    image.save(path, "JPEG", exif=exif.tobytes(), comment=CANARY + b" comment", xmp=xmp)
    assert path.read_bytes().count(CANARY) >= 3


def pdf_streams(path: Path) -> list[bytes]:
    """Return the raw bytes of a PDF and every stream in it, decompressed where it can be."""
    from pypdf import PdfReader
    from pypdf.generic import StreamObject

    reader = PdfReader(str(path))
    found = [path.read_bytes()]
    for number in range(1, reader.trailer["/Size"]):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001 - free or missing object numbers
            continue
        if isinstance(obj, StreamObject):
            found.append(obj._data)
            try:
                found.append(obj.get_data())
            except Exception:  # noqa: BLE001 - filters pypdf cannot undo (DCT is kept as is)
                pass
    return found


def test_logo_metadata_reaches_no_document(book, brand, tmp_path):
    metadata_jpeg(book / "logos" / "northwind.jpg")
    account = book / "northwind-freight.yaml"
    account.write_text(account.read_text().replace("logos/northwind.png", "logos/northwind.jpg"))
    metadata_jpeg(brand / "logo.jpg", (20, 60, 200))
    spec = brand / "brand.yaml"
    spec.write_text(spec.read_text().replace("logo: logo.png", "logo: logo.jpg"))
    out = tmp_path / "out"
    result = csplan("build", book, "--out", out, "--brand", brand)
    assert result.exit_code == 0, result.output
    docs = sorted(out.rglob("*.*"))
    packages = [p for p in docs if p.suffix in (".docx", ".pptx")]
    assert len(packages) == 2 and any(p.suffix == ".pdf" for p in docs)
    images = 0
    for package in packages:
        with zipfile.ZipFile(package) as z:
            for name in z.namelist():
                data = z.read(name)
                assert CANARY not in data, f"{package.name}:{name}"
                if "/media/" in name and name.endswith((".jpg", ".jpeg")):
                    images += 1
                    with Image.open(io.BytesIO(data)) as img:
                        assert not img.getexif() and "comment" not in img.info
    assert images == 3  # the customer's logo in both, the brand's in the DOCX header
    for stream in pdf_streams(next(out.rglob("*.pdf"))):
        assert CANARY not in stream


def test_a_logo_is_cleaned_the_same_way_every_time(tmp_path):
    from csplan.inputs.images import check_image

    metadata_jpeg(tmp_path / "a.jpg")
    first = check_image(tmp_path / "a.jpg", [tmp_path], "logo")
    second = check_image(tmp_path / "a.jpg", [tmp_path], "logo")
    assert first.data == second.data and CANARY not in first.data
    with Image.open(io.BytesIO(first.data)) as img:
        assert img.size == (240, 120) and img.format == "JPEG"
        assert abs(img.getpixel((120, 60))[0] - 200) < 4


def test_a_logo_is_shown_the_way_its_author_saw_it(tmp_path):
    """The EXIF orientation is applied before the EXIF is dropped."""
    from csplan.inputs.images import check_image

    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when shown
    Image.new("RGB", (200, 100), (0, 128, 0)).save(tmp_path / "r.jpg", exif=exif.tobytes())
    checked = check_image(tmp_path / "r.jpg", [tmp_path], "logo")
    assert (checked.width, checked.height) == (100, 200)
    with Image.open(io.BytesIO(checked.data)) as img:
        assert img.size == (100, 200)


def test_a_png_logo_keeps_its_transparency_and_loses_its_text(tmp_path):
    from PIL import PngImagePlugin

    from csplan.inputs.images import check_image

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", CANARY.decode())
    info.add_itxt("XML:com.adobe.xmp", CANARY.decode(), zip=True)
    Image.new("RGBA", (50, 40), (10, 20, 30, 0)).save(tmp_path / "t.png", pnginfo=info)
    checked = check_image(tmp_path / "t.png", [tmp_path], "logo")
    assert CANARY not in checked.data
    with Image.open(io.BytesIO(checked.data)) as img:
        assert img.format == "PNG" and img.mode == "RGBA" and img.getpixel((1, 1))[3] == 0
