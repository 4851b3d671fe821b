"""Synthetic drawings and phone photos, made with Pillow so the bench ships no binaries.

A drawing is what the pipeline docstring measured: flat colours, 2-5 px crayon lines in
saturated colours and per-pixel paper noise (sigma 4), which is what makes real photos of
drawings large. The phone photo is a JPEG stored sideways (EXIF orientation 6) with GPS
tags, sized to about 2 MB, like a 12-megapixel phone picture of an A4 sheet.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageChops, ImageDraw
from tests.images import phone_exif

CRAYONS = ((220, 30, 30), (30, 60, 210), (250, 190, 0), (20, 150, 60), (140, 40, 170))


def drawing(width: int, height: int, seed: int) -> Image.Image:
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (250, 248, 240))
    pen = ImageDraw.Draw(image)
    unit = min(width, height) // 10
    pen.ellipse((unit, unit, 3 * unit, 3 * unit), fill=(255, 200, 0))
    pen.rectangle((4 * unit, 5 * unit, 8 * unit, 9 * unit), fill=CRAYONS[seed % len(CRAYONS)])
    pen.polygon(
        [(4 * unit, 5 * unit), (6 * unit, 3 * unit), (8 * unit, 5 * unit)], fill=(60, 60, 200)
    )
    for _ in range(25):
        points = [(rng.randrange(width), rng.randrange(height)) for _ in range(4)]
        pen.line(points, fill=rng.choice(CRAYONS), width=rng.randint(2, 5), joint="curve")
    return _with_paper_noise(image)


def _with_paper_noise(image: Image.Image, sigma: float = 4) -> Image.Image:
    # effect_noise centres on 128; subtracting 128 again leaves zero-mean noise per channel.
    channels = [Image.effect_noise(image.size, sigma) for _ in range(3)]
    return ImageChops.add(image, Image.merge("RGB", channels), scale=1.0, offset=-128)


def jpeg(image: Image.Image, *, quality: int = 95, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif or Image.Exif())
    return buffer.getvalue()


def phone_photo(width: int, height: int, *, target_bytes: int) -> bytes:
    """A JPEG near ``target_bytes``, stored sideways with orientation 6 and GPS tags."""
    # Stored sideways: the sensor's landscape frame of a portrait-held phone.
    image = drawing(height, width, seed=42)
    exif = phone_exif()
    # The smallest quality at or above the target size: few encodes, no search library.
    best = b""
    for quality in (60, 70, 75, 80, 85, 90, 95):
        best = jpeg(image, quality=quality, exif=exif)
        if len(best) >= target_bytes:
            break
    return best
