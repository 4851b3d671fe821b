"""Turn an uploaded drawing into the renditions MagicShelf stores: print master, web, thumbnail.

Format choice: every rendition is JPEG with 4:4:4 chroma (no colour subsampling); the master
at quality 92, baseline, so reportlab embeds it as is; web and thumbnail at quality 85,
progressive. Measured on a synthetic 3000x2250 drawing (flat colours, 2-5 px crayon lines in
saturated colours, per-pixel noise sigma 4 like a photo of paper), PSNR against the drawing:

==================  ==========  =======  ==============================================
rendition           size        PSNR     alternatives measured
==================  ==========  =======  ==============================================
master 3000x2250    4,929 KB    33 dB    PNG 8,156 KB; JPEG q92 4:2:0 3,352 KB at 24 dB
web 1600x1200       1,026 KB    31 dB    WebP q90 707 KB at 24 dB; lossless WebP 2,956 KB
thumbnail 400x300   81 KB       29 dB    WebP q90 58 KB at 24 dB
==================  ==========  =======  ==============================================

Lossy WebP always halves colour resolution (4:2:0), as JPEG does by default: on thin red
and blue lines that costs 7-9 dB and visibly muddies them, so 4:4:4 JPEG is worth its ~1.5x
bytes. Lossless formats are 2-3x larger because the paper's noise does not compress.
Time on one core and added peak RSS: 0.31 s and 81 MB for that PNG; 0.42 s and 82 MB for
a 12 MP phone photo (JPEG); 0.43 s and 80 MB for a 7200x5400 JPEG (decoded at half size
by ``Image.draft``); 1.1 s and 192 MB for a 7200x5400 PNG, the worst case under the
default 40 MP limit. The peaks are the decoded upload plus the master, or the master plus
libjpeg's coefficient buffer (40 MB at 3000x2250, for the optimised Huffman tables).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageCms, ImageOps

from magicshelf.errors import UnprocessableImage, UnsupportedImage

MASTER_SIDE = 3000
WEB_SIDE = 1600
THUMBNAIL_SIDE = 400
_BAND_ROWS = 256  # output rows per resize call in _shrink

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Every JPEG start-of-frame marker; C4, C8 and CC share the range but mean something else.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}
# What Pillow raises on hostile or broken files: all of it means "this image is damaged".
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    KeyError,
    struct.error,
    ZeroDivisionError,
    Image.DecompressionBombError,
)
_DAMAGED = (
    "The picture looks damaged or incomplete. "
    "Open it on your device to check it, then upload it again."
)


@dataclass(frozen=True)
class Rendition:
    data: bytes
    width: int
    height: int
    content_type: str
    extension: str


@dataclass(frozen=True)
class Renditions:
    master: Rendition
    web: Rendition
    thumbnail: Rendition


def process_image(path: Path, *, max_pixels: int) -> Renditions:
    """Validate, decode and re-encode one drawing. CPU-bound: run it in a worker thread."""
    with path.open("rb") as file:
        head = file.read(32)
        image_format = _sniff(head)
        size = _declared_size(file, image_format, head)
        if size is None:
            raise UnprocessableImage(_DAMAGED)
        # Checked before Pillow sees the file: its WebP opener allocates the whole canvas.
        _check_pixels(size, max_pixels)
        try:
            master = _decode_master(file, image_format, max_pixels)
        except _DECODE_ERRORS as exc:
            raise UnprocessableImage(_DAMAGED) from exc
    web = _shrink(master, WEB_SIDE)
    thumbnail = _shrink(web, THUMBNAIL_SIDE)
    return Renditions(
        master=_encode(master, quality=92, progressive=False),
        web=_encode(web, quality=85, progressive=True),
        thumbnail=_encode(thumbnail, quality=85, progressive=True),
    )


def _sniff(head: bytes) -> str:
    if head.startswith(_PNG_MAGIC):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if not head:
        raise UnprocessableImage("The file is empty. Choose the drawing again and upload it.")
    raise UnsupportedImage(_foreign_message(head))


def _foreign_message(head: bytes) -> str:
    fix = "Save or export the drawing as JPEG or PNG and upload it again."
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return (
            "This is an iPhone HEIC photo. Share it as JPEG, or set "
            "Settings > Camera > Formats to 'Most Compatible' and take it again."
        )
    kinds = {b"GIF8": "a GIF image", b"%PDF": "a PDF document", b"II*\x00": "a TIFF image"}
    kind = kinds.get(head[:4])
    if kind is None and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        kind = "an SVG or other text file"
    if kind is None:
        return f"This file is not a PNG, JPEG or WebP picture. {fix}"
    return f"This is {kind}, not a PNG, JPEG or WebP picture. {fix}"


def _declared_size(file: BinaryIO, image_format: str, head: bytes) -> tuple[int, int] | None:
    """The pixel size the header promises, read without decoding anything."""
    if image_format == "PNG":
        if head[12:16] != b"IHDR" or len(head) < 24:
            return None
        return int.from_bytes(head[16:20]), int.from_bytes(head[20:24])
    if image_format == "WEBP":
        return _webp_size(head)
    return _jpeg_size(file)


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    if chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", head, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size(file: BinaryIO) -> tuple[int, int] | None:
    # Walk the segments to the frame header; EXIF thumbnails can push it far into the file.
    file.seek(2)
    while byte := file.read(1):
        if byte != b"\xff":
            continue  # stray bytes between segments: libjpeg and Pillow skip them too
        marker = file.read(1)
        while marker == b"\xff":
            marker = file.read(1)
        if not marker or marker[0] in (0xD9, 0xDA):
            return None
        if marker[0] in _JPEG_STANDALONE:
            continue
        length = int.from_bytes(file.read(2))
        if marker[0] in _JPEG_SOF:
            frame = file.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">xHH", frame)
            return width, height
        if length < 2:
            return None
        file.seek(length - 2, io.SEEK_CUR)
    return None


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    width, height = size
    if width * height > max_pixels:
        raise UnprocessableImage(
            f"This picture is {width} x {height} pixels ({width * height / 1e6:.1f} megapixels); "
            f"the limit is {max_pixels / 1e6:g} megapixels. "
            "Send a smaller photo or scan, for example at a lower camera resolution."
        )


def _decode_master(file: BinaryIO, image_format: str, max_pixels: int) -> Image.Image:
    # Only the first frame of an animated PNG or WebP is decoded: open() stops on frame 0.
    with Image.open(file, formats=[image_format]) as image:
        _check_pixels(image.size, max_pixels)
        if image_format == "JPEG" and max(image.size) > MASTER_SIDE:
            # libjpeg then decodes at 1/2, 1/4 or 1/8 scale, never below the master size.
            image.draft(None, fitted_size(image.size, MASTER_SIDE))
        image.load()
        master = _shrink(_resamplable(image), MASTER_SIDE)
        # Leaving ``with`` closes only the file; the decoded photo (48 MB at 12 MP) must not
        # outlive its last use, or it is still held while the master is turned and converted.
        image.close()
    ImageOps.exif_transpose(master, in_place=True)
    master = _to_srgb(master)
    # The JPEG encoder re-writes comments from info; nothing from the upload may survive.
    master.info.clear()
    return master


def _resamplable(image: Image.Image) -> Image.Image:
    """Modes LANCZOS cannot filter, or whose transparency a resize would lose, made explicit."""
    if image.mode == "1":
        return image.convert("L")
    if image.mode == "PA" or (image.mode == "P" and "transparency" in image.info):
        return image.convert("RGBA")
    if image.mode == "P":
        return image.convert("RGB")
    if image.mode in ("L", "RGB") and "transparency" in image.info:
        return image.convert(image.mode + "A")
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    icc_profile = image.info.get("icc_profile")
    if image.mode.startswith("I"):
        # 16-bit grey: scale to 8 bits; a plain convert would clip everything above 255.
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    if image.mode in ("RGBA", "LA"):
        # Children draw on white paper, so transparency means paper.
        paper = Image.new(image.mode[:-1], image.size, "white")
        paper.paste(image, (0, 0), image)
        image = paper
    if icc_profile:
        image = _apply_profile(image, icc_profile) or image
    return image if image.mode == "RGB" else image.convert("RGB")


def _apply_profile(image: Image.Image, icc_profile: bytes) -> Image.Image | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError):
        # A broken or mismatched profile should not cost a child their drawing: assume sRGB.
        return None


def fitted_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """Size after fitting the long side to ``longest``; an image is never enlarged."""
    width, height = size
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _shrink(image: Image.Image, longest: int) -> Image.Image:
    """A new image no longer than ``longest`` on either side; never enlarged.

    Made a band of rows at a time: in one call, Pillow's two-pass LANCZOS holds an
    intermediate as tall as the source (36 MB for a 12 MP photo going to 3000 px); per band
    it is about 2 MB. The filter reads the source rows on both sides of each band, so the
    bands meet without seams (they differ from a one-call resize by at most 2 levels where
    that one picks the other pass order).
    """
    target = fitted_size(image.size, longest)
    if target == image.size:
        return image.copy()
    shrunk = Image.new(image.mode, target)
    shrunk.info.update(image.info)  # orientation, colour profile: as resize() would keep
    source_rows = image.height / target[1]
    for top in range(0, target[1], _BAND_ROWS):
        bottom = min(top + _BAND_ROWS, target[1])
        box = (0, top * source_rows, image.width, bottom * source_rows)
        band = image.resize((target[0], bottom - top), Image.Resampling.LANCZOS, box=box)
        shrunk.paste(band, (0, top))
    return shrunk


def _encode(image: Image.Image, *, quality: int, progressive: bool) -> Rendition:
    buffer = io.BytesIO()
    try:
        image.save(
            buffer, "JPEG", quality=quality, subsampling=0, optimize=True, progressive=progressive
        )
    except OSError:
        # Optimised and progressive JPEGs are written in one go into a buffer Pillow sizes
        # at one byte per pixel; very noisy pictures (dithered scans) need more. The plain
        # encoder streams, so it always fits, at a few percent more bytes.
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, subsampling=0)
    return Rendition(buffer.getvalue(), image.width, image.height, "image/jpeg", "jpg")
