"""The print-ready PDF of a book: a cover and six story pages, A5 portrait.

Why A5 portrait: it is the school booklet — an A4 sheet folded in half — so a family can
print on A4 (two pages per sheet, or booklet mode) and fold, and it is the shape of the
picture books children know. The drawings are mostly landscape photos of A4 sheets; on an
A5 portrait page a landscape drawing spans the full text width (124 × 88 mm) with room
for a long text beneath it, and a portrait drawing grows up to ~165 mm tall when the text
is short. A5 landscape would give landscape drawings the same size (the page height
limits them) but squeeze the text into a flat strip and shrink portrait drawings to a
stamp.

Each story page stacks the drawing above its text and centres the pair vertically. The
text takes the largest font size that fits under a drawing that keeps at least
``_MIN_DRAWING_SHARE`` of the page; a page without a drawing gives all the room to the
text inside a soft frame. Drawings are embedded byte for byte (the JPEG print master is
never recompressed), fonts are the Bitstream Vera TrueType files shipped with reportlab,
subset and embedded, and the output is byte-for-byte repeatable so it can be cached by
ETag. Glyphs outside Vera (emoji, CJK) print as placeholders; Portuguese is fully covered.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import reportlab
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepInFrame, Paragraph

__all__ = ["PrintBook", "PrintPage", "render_pdf"]


@dataclass(frozen=True)
class PrintPage:
    number: int  # 1..6
    text: str  # up to 1500 chars, may contain newlines, any Unicode
    image: bytes | None  # print master: a JPEG (sRGB, long side <= 3000 px) or None


@dataclass(frozen=True)
class PrintBook:
    title: str
    author: str
    teacher: str
    school: str | None
    magic_code: str  # display form "ABC-DEF-GHJ"
    pages: tuple[PrintPage, ...]  # always six, in order


# ASCII85 only helps 7-bit transports; binary streams keep a 2 MB drawing at 2 MB, not 2.5.
rl_config.useA85 = 0

_FONTS = Path(reportlab.__file__).parent / "fonts"
_REGULAR, _BOLD = "MagicShelf-Vera", "MagicShelf-Vera-Bold"
pdfmetrics.registerFont(TTFont(_REGULAR, str(_FONTS / "Vera.ttf")))
pdfmetrics.registerFont(TTFont(_BOLD, str(_FONTS / "VeraBd.ttf")))

_PAGE_WIDTH, _PAGE_HEIGHT = A5
_MARGIN = 12 * mm
_FOOTER_BASELINE = 8 * mm
_CONTENT_X, _CONTENT_Y = _MARGIN, 16 * mm
_CONTENT_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_CONTENT_HEIGHT = _PAGE_HEIGHT - _CONTENT_Y - _MARGIN
_GAP = 5 * mm
_FRAME_PADDING = 8 * mm
_MIN_DRAWING_SHARE = 0.5
_TEXT_SIZES_UNDER_DRAWING = range(16, 6, -1)
_TEXT_SIZES_ALONE = range(22, 6, -1)
_TITLE_SIZES = range(34, 13, -2)

_INK = colors.HexColor("#262626")
_MUTED = colors.HexColor("#8c8c8c")
_FRAME = colors.HexColor("#d8cbb5")  # a line, not a fill: home printers pay for ink


class _JpegReader(ImageReader):  # type: ignore[misc]  # reportlab is untyped
    """An image reader that never decodes the JPEG it embeds.

    reportlab names each image by a digest of its decoded pixels (20 MB per page here) only
    to spot repeats; the compressed bytes identify a drawing just as well, and skipping the
    decode makes a book of six drawings ~8x faster. The embedding itself already copies the
    JPEG stream untouched.
    """

    def __init__(self, jpeg: bytes) -> None:
        super().__init__(BytesIO(jpeg))
        self._jpeg = jpeg

    def getRGBData(self) -> bytes:
        if self._image.format != "JPEG":
            # Anything else has to be decoded to be embedded anyway.
            return bytes(super().getRGBData())
        self._dataA = None  # a JPEG has no alpha channel, hence no soft mask
        return self._jpeg


def render_pdf(book: PrintBook) -> bytes:
    """The book as a PDF: cover, then one A5 page per story page."""
    buffer = BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=A5,
        invariant=True,  # fixed dates and document id, so equal books give equal bytes
        initialFontName=_REGULAR,  # the default would pull in an unembedded Helvetica
        lang="pt",
    )
    canvas.setTitle(book.title)
    canvas.setAuthor(book.author)
    canvas.setCreator("MagicShelf")
    canvas.setSubject(f"Código mágico {book.magic_code}")
    _draw_cover(canvas, book)
    canvas.showPage()
    for page in book.pages:
        _draw_story_page(canvas, page)
        _draw_footer(canvas, book.magic_code, f"{page.number} / {len(book.pages)}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_cover(canvas: Canvas, book: PrintBook) -> None:
    """Title and credits centred in the frame, the magic code beneath them."""
    _draw_frame(canvas)
    x, width = _CONTENT_X + _FRAME_PADDING, _CONTENT_WIDTH - 2 * _FRAME_PADDING
    lines = [(f"por {book.author}", 16), (f"Professor(a): {book.teacher}", 12)]
    if book.school:
        lines.append((book.school, 12))
    stack = []
    for text, size in lines:
        paragraph = Paragraph(_markup(text), _style(size, _REGULAR, TA_CENTER))
        stack.append((paragraph, _wrapped_height(canvas, paragraph, width), 2 * mm))
    floor = _CONTENT_Y + 40 * mm  # clear of the magic code
    room = _CONTENT_Y + _CONTENT_HEIGHT - _FRAME_PADDING - floor
    title_room = room - sum(height + space for _, height, space in stack) - 2 * _GAP
    title, title_height = _fit(
        canvas, _markup(book.title), width, title_room, _TITLE_SIZES, _BOLD, TA_CENTER
    )
    stack.insert(0, (title, title_height, 2 * _GAP))
    y = floor + (room + sum(height + space for _, height, space in stack)) / 2
    for flowable, height, space in stack:
        y -= height
        flowable.drawOn(canvas, x, y)
        y -= space
    centre = _PAGE_WIDTH / 2
    canvas.setFillColor(_MUTED)
    canvas.setFont(_REGULAR, 10)
    canvas.drawCentredString(centre, _CONTENT_Y + 30 * mm, "código mágico")
    canvas.setFillColor(_INK)
    canvas.setFont(_BOLD, 20)
    canvas.drawCentredString(centre, _CONTENT_Y + 20 * mm, book.magic_code)
    _draw_footer(canvas, book.magic_code, None)


def _draw_story_page(canvas: Canvas, page: PrintPage) -> None:
    markup = _markup(page.text) if page.text.strip() else ""
    if page.image is None:
        _draw_frame(canvas)
        if markup:
            width = _CONTENT_WIDTH - 2 * _FRAME_PADDING
            height = _CONTENT_HEIGHT - 2 * _FRAME_PADDING
            text, text_height = _fit(
                canvas, markup, width, height, _TEXT_SIZES_ALONE, _REGULAR, TA_LEFT
            )
            bottom = _CONTENT_Y + (_CONTENT_HEIGHT - text_height) / 2
            text.drawOn(canvas, _CONTENT_X + _FRAME_PADDING, bottom)
        return

    drawing = _JpegReader(page.image)
    pixels: tuple[int, int] = drawing.getSize()
    pixel_width, pixel_height = pixels
    text, text_height = None, 0.0
    if markup:
        room = _CONTENT_HEIGHT * (1 - _MIN_DRAWING_SHARE) - _GAP
        text, text_height = _fit(
            canvas, markup, _CONTENT_WIDTH, room, _TEXT_SIZES_UNDER_DRAWING, _REGULAR, TA_LEFT
        )
    below_drawing = text_height + _GAP if text else 0.0
    scale = min(_CONTENT_WIDTH / pixel_width, (_CONTENT_HEIGHT - below_drawing) / pixel_height)
    width, height = pixel_width * scale, pixel_height * scale
    top = _CONTENT_Y + _CONTENT_HEIGHT - (_CONTENT_HEIGHT - height - below_drawing) / 2
    canvas.drawImage(
        drawing, _CONTENT_X + (_CONTENT_WIDTH - width) / 2, top - height, width, height
    )
    if text:
        text.drawOn(canvas, _CONTENT_X, top - height - _GAP - text_height)


def _draw_frame(canvas: Canvas) -> None:
    canvas.setStrokeColor(_FRAME)
    canvas.setLineWidth(1.2)
    canvas.roundRect(_CONTENT_X, _CONTENT_Y, _CONTENT_WIDTH, _CONTENT_HEIGHT, 6 * mm)


def _draw_footer(canvas: Canvas, magic_code: str, page_label: str | None) -> None:
    """A quiet line that leads a printed copy back to the book online."""
    canvas.setFillColor(_MUTED)
    canvas.setFont(_REGULAR, 7.5)
    canvas.drawString(_MARGIN, _FOOTER_BASELINE, f"magicshelf · código mágico {magic_code}")
    if page_label:
        canvas.drawRightString(_PAGE_WIDTH - _MARGIN, _FOOTER_BASELINE, page_label)


def _fit(
    canvas: Canvas,
    markup: str,
    width: float,
    max_height: float,
    sizes: Iterable[int],
    font: str,
    alignment: int,
) -> tuple[Any, float]:
    """The text at the largest size that fits the box, and its height."""
    paragraph: Any = None
    for size in sizes:
        paragraph = Paragraph(markup, _style(size, font, alignment))
        height = _wrapped_height(canvas, paragraph, width)
        if height <= max_height:
            return paragraph, height
    # Only hundreds of short lines get here: scaling below the smallest size loses no words.
    shrunk = KeepInFrame(width, max_height, [paragraph], mode="shrink")
    return shrunk, _wrapped_height(canvas, shrunk, width, max_height)


def _wrapped_height(
    canvas: Canvas, flowable: Any, width: float, max_height: float = _PAGE_HEIGHT
) -> float:
    _, height = flowable.wrapOn(canvas, width, max_height)
    return float(height)


def _style(size: float, font: str, alignment: int) -> ParagraphStyle:
    return ParagraphStyle(
        f"{font}-{size}",
        fontName=font,
        fontSize=size,
        leading=size * 1.3,
        alignment=alignment,
        textColor=_INK,
    )


def _markup(text: str) -> str:
    """User text as Paragraph markup that prints literally, one break per newline."""
    return "<br/>".join(html.escape(line, quote=False) for line in text.splitlines())
