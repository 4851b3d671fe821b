"""The image pipeline, judged on the bytes it produces."""

from __future__ import annotations

import io
import itertools
import random
import struct
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, ImageCms, PngImagePlugin

from magicshelf.errors import UnprocessableImage, UnsupportedImage
from magicshelf.illustrations import pipeline
from magicshelf.illustrations.pipeline import Rendition, Renditions, process_image
from tests.images import declared_png, drawing, encode

MAX_PIXELS = 40_000_000
RED, GREEN, WHITE = (255, 0, 0), (0, 255, 0), (255, 255, 255)


def run(tmp_path: Path, data: bytes, name: str = "upload.bin", **options: int) -> Renditions:
    path = tmp_path / name
    path.write_bytes(data)
    return process_image(path, max_pixels=options.get("max_pixels", MAX_PIXELS))


def decoded(rendition: Rendition) -> Image.Image:
    with Image.open(io.BytesIO(rendition.data)) as image:
        return image.copy()


def close_to(
    actual: float | tuple[int, ...] | None, expected: tuple[int, ...], tolerance: int = 4
) -> bool:
    assert isinstance(actual, tuple), actual
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def all_renditions(renditions: Renditions) -> list[Rendition]:
    return [renditions.master, renditions.web, renditions.thumbnail]


def swapped_primaries_profile() -> bytes:
    """sRGB with the red and green primaries exchanged: its pure red is sRGB's pure green."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    (count,) = struct.unpack_from(">I", data, 128)
    entries = {}
    for index in range(count):
        signature, offset, size = struct.unpack_from(">4sII", data, 132 + 12 * index)
        entries[signature] = (index, offset, size)
    (red_index, *red), (green_index, *green) = entries[b"rXYZ"], entries[b"gXYZ"]
    struct.pack_into(">4sII", data, 132 + 12 * red_index, b"rXYZ", *green)
    struct.pack_into(">4sII", data, 132 + 12 * green_index, b"gXYZ", *red)
    return bytes(data)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    image = Image.new("RGB", (80, 40), WHITE)
    image.paste(RED, (0, 0, 16, 16))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    result = run(tmp_path, encode(image, "JPEG", exif=exif, quality=95))

    master = decoded(result.master)
    assert (master.width, master.height) == (40, 80) == (result.master.width, result.master.height)
    # Orientation 6 turns the picture a quarter clockwise: top-left goes to top-right.
    assert close_to(master.getpixel((35, 4)), RED, 30)
    assert close_to(master.getpixel((4, 4)), WHITE, 30)


def metadata_rich(image_format: str, *, with_profile: bool) -> bytes:
    image = Image.new("RGB", (64, 48), (20, 120, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 25.0, 1.5)
    gps[ExifTags.GPS.GPSProcessingMethod] = b"ASCII\x00\x00\x00GPS"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/" xmlns:xap="http://ns.adobe.com/xap/1.0/"/>'
    options: dict[str, object] = {"exif": exif}
    if with_profile:
        options["icc_profile"] = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    if image_format == "PNG":
        text = PngImagePlugin.PngInfo()
        text.add_itxt("XML:com.adobe.xmp", xmp.decode())
        text.add_text("Comment", "child's home address")
        options["pnginfo"] = text
    else:
        options["xmp"] = xmp
    if image_format == "JPEG":
        options["comment"] = b"child's home address"
    return encode(image, image_format, **options)


@pytest.mark.parametrize("with_profile", [True, False], ids=["icc", "no-icc"])
@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_every_rendition_drops_all_metadata(
    tmp_path: Path, image_format: str, with_profile: bool
) -> None:
    source = metadata_rich(image_format, with_profile=with_profile)
    assert b"GPS" in source
    assert b"http://ns.adobe.com/xap" in source
    with Image.open(io.BytesIO(source)) as original:
        assert ("icc_profile" in original.info) is with_profile

    for rendition in all_renditions(run(tmp_path, source)):
        image = decoded(rendition)
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
        for marker in (
            b"Exif",
            b"GPS",
            b"http://ns.adobe.com/xap",
            b"ICC_PROFILE",
            b"lcms",
            b"home",
        ):
            assert marker not in rendition.data


@pytest.mark.parametrize(
    ("size", "master", "web", "thumbnail"),
    [
        ((5000, 1000), (3000, 600), (1600, 320), (400, 80)),
        ((1200, 2000), (1200, 2000), (960, 1600), (240, 400)),
        ((300, 200), (300, 200), (300, 200), (300, 200)),
    ],
)
def test_sizes_are_capped_and_never_enlarged(
    tmp_path: Path,
    size: tuple[int, int],
    master: tuple[int, int],
    web: tuple[int, int],
    thumbnail: tuple[int, int],
) -> None:
    result = run(tmp_path, encode(Image.new("RGB", size, (90, 60, 30)), "PNG"))

    for rendition, expected in zip(all_renditions(result), (master, web, thumbnail), strict=True):
        assert (rendition.width, rendition.height) == expected
        assert decoded(rendition).size == expected
        assert (rendition.content_type, rendition.extension) == ("image/jpeg", "jpg")


def test_huge_jpeg_is_drafted_down_to_exactly_the_master_size(tmp_path: Path) -> None:
    source = encode(Image.new("RGB", (6400, 4800), (30, 160, 90)), "JPEG")

    master = run(tmp_path, source).master

    assert (master.width, master.height) == (3000, 2250)
    assert close_to(decoded(master).getpixel((1500, 1100)), (30, 160, 90))


def test_pure_noise_still_encodes(tmp_path: Path) -> None:
    # Over one byte per pixel after compression: more than Pillow's optimising encoder buffers.
    noise = Image.frombytes("RGB", (900, 700), random.Random(3).randbytes(900 * 700 * 3))

    result = run(tmp_path, encode(noise, "PNG"))

    for rendition in all_renditions(result):
        assert decoded(rendition).size == (rendition.width, rendition.height)
    assert len(result.master.data) > 900 * 700


def cmyk_jpeg() -> bytes:
    # Pillow writes CMYK JPEGs the Adobe way (inverted, with an APP14 marker), like Photoshop.
    data = encode(Image.new("CMYK", (32, 32), (255, 0, 0, 0)), "JPEG", quality=95)
    assert b"Adobe" in data
    return data


def palette_png(transparent: bool) -> bytes:
    image = Image.new("P", (32, 32), 1)
    image.putpalette([0, 0, 0, *RED])
    return encode(image, "PNG", **({"transparency": 1} if transparent else {}))


def icc_tagged_png() -> bytes:
    return encode(Image.new("RGB", (32, 32), RED), "PNG", icc_profile=swapped_primaries_profile())


ODD_INPUTS: dict[str, tuple[Callable[[], bytes], tuple[int, int, int]]] = {
    "cmyk-jpeg": (cmyk_jpeg, (0, 255, 255)),
    "palette": (lambda: palette_png(transparent=False), RED),
    "palette-transparent": (lambda: palette_png(transparent=True), WHITE),
    "16-bit-grey": (lambda: encode(Image.new("I;16", (32, 32), 40000), "PNG"), (156, 156, 156)),
    "rgba-clear": (lambda: encode(Image.new("RGBA", (32, 32), (*RED, 0)), "PNG"), WHITE),
    "rgba-half": (lambda: encode(Image.new("RGBA", (32, 32), (*RED, 128)), "PNG"), (255, 127, 127)),
    "la-clear": (lambda: encode(Image.new("LA", (32, 32), (0, 0)), "PNG"), WHITE),
    "la-opaque": (lambda: encode(Image.new("LA", (32, 32), (0, 255)), "PNG"), (0, 0, 0)),
    "rgb-trns": (lambda: encode(Image.new("RGB", (32, 32), RED), "PNG", transparency=RED), WHITE),
    "bilevel": (lambda: encode(Image.new("1", (32, 32), 1), "PNG"), WHITE),
    "icc-profile": (icc_tagged_png, GREEN),
}


@pytest.mark.parametrize("name", ODD_INPUTS)
def test_odd_modes_become_8_bit_srgb(tmp_path: Path, name: str) -> None:
    make, expected = ODD_INPUTS[name]

    for rendition in all_renditions(run(tmp_path, make())):
        image = decoded(rendition)
        assert image.mode == "RGB"
        assert close_to(image.getpixel((rendition.width // 2, rendition.height // 2)), expected)


@pytest.mark.parametrize("image_format", ["WEBP", "PNG"])
def test_animations_keep_their_first_frame(tmp_path: Path, image_format: str) -> None:
    first, second = Image.new("RGB", (32, 32), RED), Image.new("RGB", (32, 32), (0, 0, 255))
    source = encode(first, image_format, save_all=True, append_images=[second], duration=100)

    master = decoded(run(tmp_path, source).master)

    assert close_to(master.getpixel((16, 16)), RED)


def test_pixel_limit_is_checked_from_the_jpeg_header(tmp_path: Path) -> None:
    # A large EXIF block pushes the frame header past 60 KB, as phone thumbnails do.
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = "x" * 60_000
    source = encode(Image.new("RGB", (200, 100)), "JPEG", exif=exif)

    with pytest.raises(UnprocessableImage, match="200 x 100 pixels"):
        run(tmp_path, source, max_pixels=19_999)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(declared_png(60_000, 60_000, b"\x00" * 64), id="png-60000x60000"),
        pytest.param(
            b"RIFF\x00\x01\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00"
            + (16382).to_bytes(3, "little") * 2
            + b"\x00" * 64,
            id="webp-16383x16383",
        ),
    ],
)
def test_declared_giants_are_refused_before_decoding(tmp_path: Path, source: bytes) -> None:
    started = time.perf_counter()
    with pytest.raises(UnprocessableImage, match="megapixels"):
        run(tmp_path, source)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(declared_png(10, 10, b"not zlib at all" * 8), id="png-header-then-garbage"),
        pytest.param(encode(Image.new("RGB", (300, 300), RED), "PNG")[:200], id="truncated-png"),
        pytest.param(encode(Image.new("RGB", (300, 300), RED), "JPEG")[:400], id="truncated-jpeg"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 50, id="jpeg-without-frame"),
        pytest.param(b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20, id="webp-garbage"),
    ],
)
def test_damaged_images_are_unprocessable(tmp_path: Path, source: bytes) -> None:
    with pytest.raises(UnprocessableImage, match="damaged or incomplete"):
        run(tmp_path, source)


@pytest.mark.parametrize(
    ("source", "name", "hint"),
    [
        (b"Once upon a time there was a dragon.\n", "story.png", "not a PNG, JPEG or WebP"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "a.png", "SVG"),
        (encode(Image.new("RGB", (8, 8), RED), "GIF"), "drawing.jpg", "GIF"),
        (encode(Image.new("RGB", (8, 8), RED), "BMP"), "drawing.png", "not a PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "drawing.pdf", "PDF"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "IMG_0001.jpg", "HEIC"),
    ],
)
def test_other_formats_are_unsupported(tmp_path: Path, source: bytes, name: str, hint: str) -> None:
    with pytest.raises(UnsupportedImage, match=hint):
        run(tmp_path, source, name)


def test_empty_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(UnprocessableImage, match="empty"):
        run(tmp_path, b"")


def test_shrinking_band_by_band_leaves_no_seams(monkeypatch: pytest.MonkeyPatch) -> None:
    # Bands of other heights put the seams elsewhere: if a seam showed, the two differ there.
    picture = drawing(1500, 2000, seed=5)
    in_bands = pipeline._shrink(picture, 1000)
    monkeypatch.setattr(pipeline, "_BAND_ROWS", 97)
    in_thin_bands = pipeline._shrink(picture, 1000)
    assert in_bands.size == in_thin_bands.size == (750, 1000)
    difference = ImageChops.difference(in_bands, in_thin_bands)
    assert max(high for _, high in difference.getextrema()) <= 2  # type: ignore[union-attr]
    # And a smooth ramp stays smooth down every column.
    ramp = Image.linear_gradient("L").resize((300, 4032))
    shrunk = pipeline._shrink(ramp, pipeline.MASTER_SIDE)
    column = [shrunk.getpixel((100, y)) for y in range(shrunk.height)]
    assert {below - above for above, below in itertools.pairwise(column)} <= {0, 1}  # type: ignore[operator]
