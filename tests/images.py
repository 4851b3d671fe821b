"""Image files for tests, made on the spot with Pillow (and by hand where Pillow won't)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw


def encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def drawing(width: int = 1200, height: int = 900, seed: int = 0) -> Image.Image:
    """A child's drawing: paper, a sun, a house, crayon lines. ``seed`` makes it unique."""
    image = Image.new("RGB", (width, height), (250, 248, 240))
    pen = ImageDraw.Draw(image)
    unit = min(width, height) // 10
    pen.ellipse((unit, unit, 3 * unit, 3 * unit), fill=(255, 200, 0))
    pen.rectangle((4 * unit, 5 * unit, 8 * unit, 9 * unit), fill=(200, 40, 40))
    pen.polygon(
        [(4 * unit, 5 * unit), (6 * unit, 3 * unit), (8 * unit, 5 * unit)], fill=(60, 60, 200)
    )
    for line in range(12):
        y = (line * 37 + seed * 11) % height
        pen.line((0, y, width, (y + seed * 13) % height), fill=(20, 120, 40), width=4)
    return image


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def declared_png(width: int, height: int, idat: bytes = b"\x00" * 16) -> bytes:
    """A tiny PNG whose header claims any size: a decompression bomb's calling card."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def phone_exif() -> Image.Exif:
    """What a phone writes: stored sideways (orientation 6), its make, and where it was."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (23.0, 33.0, 1.5)
    return exif


def phone_photo(width: int = 800, height: int = 600) -> bytes:
    """A JPEG as a phone writes it, with a red corner to show which way is up."""
    image = drawing(width, height)
    ImageDraw.Draw(image).rectangle((0, 0, width // 8, height // 8), fill=(255, 0, 0))
    return encode(image, "JPEG", exif=phone_exif(), quality=90)


def cmyk_jpeg(width: int = 400, height: int = 300) -> bytes:
    return encode(drawing(width, height).convert("CMYK"), "JPEG", quality=90)
