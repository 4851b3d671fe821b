"""Reading printed PDFs as a person and a printer would: poppler renders, zxing reads QRs."""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image
from pypdf import PdfReader

# What a phone camera sees of a home print is coarser than this; 150 dpi is a fair test.
DPI = 150


def page_image(pdf: bytes, page: int) -> Image.Image:
    """Page ``page`` (1-based) as poppler renders it; poppler must not complain."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        pages = ["-f", str(page), "-l", str(page), "-singlefile"]
        done = subprocess.run(
            ["pdftoppm", "-r", str(DPI), "-png", *pages, str(source), str(Path(folder) / "page")],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        assert done.stderr == "", done.stderr
        with Image.open(Path(folder) / "page.png") as image:
            return image.convert("RGB")


def qr_codes(image: Image.Image) -> list[str]:
    """The texts of every QR code on a sheet of slips, in reading order (rows of slips, then
    columns): each code sits well inside one of the sheet's four rows."""
    found = [code for code in zxingcpp.read_barcodes(image) if code.valid]
    assert all(code.format == zxingcpp.BarcodeFormat.QRCode for code in found)
    row_height = image.height / 4
    found.sort(key=lambda c: (c.position.top_left.y // row_height, c.position.top_left.x))
    return [code.text for code in found]


def pdftotext(pdf: bytes) -> list[str]:
    """The text of each page as poppler's pdftotext reads it, spaces collapsed."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        timeout=60,
        check=True,
    )
    return [" ".join(page.split()) for page in done.stdout.decode().split("\f")[:-1]]


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf), strict=True)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) of every page, in points."""
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader(pdf).pages]
