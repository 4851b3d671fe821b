"""The print-ready PDF of a book: a cover, six story pages and a back cover, A5 portrait.

Why A5 portrait: it is the school booklet — an A4 sheet folded in half — so a family can
print it two-up on A4 (``booklet``) and fold it, and it is the shape of the picture books
children know. The drawings are mostly landscape photos of A4 sheets; on an A5 portrait
page a landscape drawing spans the full text width (124 × 88 mm) with room for a long
text beneath it, and a portrait drawing grows up to ~165 mm tall when the text is short.
A5 landscape would give landscape drawings the same size (the page height limits them)
but squeeze the text into a flat strip and shrink portrait drawings to a stamp.

Body text: 20 pt under a drawing, 24 pt on a page with text alone, smaller only when a
long text would not fit (1 pt at a time). Printed picture books set their text at about
16–24 pt (14–18 pt for books read aloud, never under 16 for children reading themselves),
and these books are read by six-to-eight-year-olds, often their first book read alone, so
the size sits in the upper half of that range. The typical page holds one to three
sentences (~200 characters), which at 20 pt make five to seven lines under a landscape
drawing. Vera's x-height is large (like Verdana's), so 20 pt Vera reads as big as
22–24 pt of a book serif; more would leave a sentence of three words per line. The
booklet prints every page at 92 % (see ``booklet``): 18.5 pt, still in the range.

Each story page stacks the drawing above its text and centres the pair vertically. The
text takes the largest size that fits under a drawing that keeps at least
``_MIN_DRAWING_SHARE`` of the page; a page without a drawing gives all the room to the
text inside a soft frame. The words the web pages also show (the credits, "Fim") come
from the reader's Portuguese catalog, so paper and screen say the same. The back cover
leads a printed copy back online: the reader's address, as a QR code too, and the magic
code. A book with recordings says so above that QR code: it opens the reader, whose
"Ouvir o livro" plays every page in the child's voice and turns the pages itself. There is
no QR code per page: a code small enough for the footer (~1 cm) scans poorly from a home
printer's copy, a larger one would crowd the child's drawing, and one code on the back
cover already leads to every voice. Drawings are embedded byte for byte (the JPEG print
master is never recompressed), fonts and canvas are those of ``layout``, and the output is
byte-for-byte repeatable so it can be cached by ETag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from typing import BinaryIO

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from magicshelf.books.models import PAGE_COUNT
from magicshelf.printing.layout import (
    BOLD,
    FRAME,
    INK,
    MUTED,
    REGULAR,
    draw_qr,
    fit,
    markup,
    new_canvas,
    style,
    wrapped_height,
)
from magicshelf.web.i18n import PT

__all__ = ["PAGE_SIZE", "PrintBook", "PrintPage", "book_canvas", "page_drawings", "render_pdf"]


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
    reader_url: str  # where the back cover leads: {public origin}/read/{code}
    has_voices: bool = False  # a page has a recording: the back cover invites to listen


PAGE_SIZE = A5
PRINTED_PAGES = 1 + PAGE_COUNT + 1  # the cover, the six story pages, the back cover
_PAGE_WIDTH, _PAGE_HEIGHT = PAGE_SIZE
_MARGIN = 12 * mm
_FOOTER_BASELINE = 8 * mm
_CONTENT_X, _CONTENT_Y = _MARGIN, 16 * mm
_CONTENT_WIDTH = _PAGE_WIDTH - 2 * _MARGIN
_CONTENT_HEIGHT = _PAGE_HEIGHT - _CONTENT_Y - _MARGIN
_GAP = 5 * mm
_FRAME_PADDING = 8 * mm
_MIN_DRAWING_SHARE = 0.5
_TEXT_SIZES_UNDER_DRAWING = range(20, 6, -1)  # the module's docstring says why 20 and 24
_TEXT_SIZES_ALONE = range(24, 6, -1)
_TITLE_SIZES = range(34, 13, -2)
_QR_SIZE = 30 * mm


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
    """The book as a PDF: cover, one A5 page per story page, back cover."""
    buffer = BytesIO()
    canvas = book_canvas(buffer, book, pagesize=PAGE_SIZE)
    for draw in page_drawings(book):
        draw(canvas)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def book_canvas(
    output: BinaryIO, book: PrintBook, *, pagesize: tuple[float, float], subject: str = ""
) -> Canvas:
    """A canvas for the book, its metadata naming the book, the child and the code."""
    return new_canvas(
        output,
        pagesize=pagesize,
        title=book.title,
        author=book.author,
        subject=" · ".join(filter(None, (f"Código mágico {book.magic_code}", subject))),
    )


def page_drawings(book: PrintBook) -> list[Callable[[Canvas], None]]:
    """Every page of the book, in reading order, as a function that draws it on an A5
    (``PAGE_SIZE``) area of a canvas whose origin is the page's lower left corner."""
    return [
        partial(_draw_cover, book=book),
        *(partial(_draw_numbered_page, page=page, book=book) for page in book.pages),
        partial(_draw_back_cover, book=book),
    ]


def _draw_numbered_page(canvas: Canvas, *, page: PrintPage, book: PrintBook) -> None:
    _draw_story_page(canvas, page)
    _draw_footer(canvas, book.magic_code, f"{page.number} / {len(book.pages)}")


def _draw_cover(canvas: Canvas, *, book: PrintBook) -> None:
    """Title and credits centred in the frame, the magic code beneath them."""
    _draw_frame(canvas)
    x, width = _CONTENT_X + _FRAME_PADDING, _CONTENT_WIDTH - 2 * _FRAME_PADDING
    lines = [
        (PT["reader.by"].format(author=book.author), 16),
        (PT["reader.teacher"].format(teacher=book.teacher), 12),
    ]
    if book.school:
        lines.append((book.school, 12))
    stack = []
    for text, size in lines:
        paragraph = Paragraph(markup(text), style(size, REGULAR, TA_CENTER))
        stack.append((paragraph, wrapped_height(canvas, paragraph, width), 2 * mm))
    floor = _CONTENT_Y + 40 * mm  # clear of the magic code
    room = _CONTENT_Y + _CONTENT_HEIGHT - _FRAME_PADDING - floor
    title_room = room - sum(height + space for _, height, space in stack) - 2 * _GAP
    title, title_height = fit(
        canvas, markup(book.title), width, title_room, _TITLE_SIZES, BOLD, TA_CENTER
    )
    stack.insert(0, (title, title_height, 2 * _GAP))
    y = floor + (room + sum(height + space for _, height, space in stack)) / 2
    for flowable, height, space in stack:
        y -= height
        flowable.drawOn(canvas, x, y)
        y -= space
    _draw_magic_code(canvas, book.magic_code, _CONTENT_Y + 20 * mm)
    _draw_footer(canvas, book.magic_code, None)


def _draw_back_cover(canvas: Canvas, *, book: PrintBook) -> None:
    """The end and its author, then the way back to the book online: QR code, address, code."""
    _draw_frame(canvas)
    centre = _PAGE_WIDTH / 2
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 40)
    canvas.drawCentredString(centre, _CONTENT_Y + _CONTENT_HEIGHT * 0.68, PT["reader.end"])
    width = _CONTENT_WIDTH - 2 * _FRAME_PADDING
    author, author_height = fit(
        canvas,
        markup(PT["reader.by"].format(author=book.author)),
        width,
        30 * mm,
        range(16, 9, -1),
        REGULAR,
        TA_CENTER,
    )
    author.drawOn(
        canvas, _CONTENT_X + _FRAME_PADDING, _CONTENT_Y + _CONTENT_HEIGHT * 0.6 - author_height
    )
    qr_bottom = _CONTENT_Y + 52 * mm
    if book.has_voices:
        invitation, _ = fit(
            canvas,
            "Aponte a câmera e ouça o livro na voz de quem o escreveu",
            width,
            2 * 11 * 1.3,
            range(11, 7, -1),
            REGULAR,
            TA_CENTER,
        )
        invitation.drawOn(canvas, _CONTENT_X + _FRAME_PADDING, qr_bottom + _QR_SIZE + 3 * mm)
    draw_qr(canvas, book.reader_url, centre - _QR_SIZE / 2, qr_bottom, _QR_SIZE)
    address, _ = fit(
        canvas,
        markup(book.reader_url),
        width,
        2 * 11 * 1.3,  # two lines at most, for a long public address
        range(11, 6, -1),
        REGULAR,
        TA_CENTER,
    )
    address_height = wrapped_height(canvas, address, width)
    address.drawOn(canvas, _CONTENT_X + _FRAME_PADDING, qr_bottom - 4 * mm - address_height)
    _draw_magic_code(canvas, book.magic_code, _CONTENT_Y + 12 * mm)


def _draw_magic_code(canvas: Canvas, magic_code: str, baseline: float) -> None:
    """The code in large bold type, as the family types it, under a quiet label."""
    centre = _PAGE_WIDTH / 2
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 10)
    canvas.drawCentredString(centre, baseline + 10 * mm, "código mágico")
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 20)
    canvas.drawCentredString(centre, baseline, magic_code)


def _draw_story_page(canvas: Canvas, page: PrintPage) -> None:
    story = markup(page.text) if page.text.strip() else ""
    if page.image is None:
        _draw_frame(canvas)
        if story:
            width = _CONTENT_WIDTH - 2 * _FRAME_PADDING
            height = _CONTENT_HEIGHT - 2 * _FRAME_PADDING
            text, text_height = fit(
                canvas, story, width, height, _TEXT_SIZES_ALONE, REGULAR, TA_LEFT
            )
            bottom = _CONTENT_Y + (_CONTENT_HEIGHT - text_height) / 2
            text.drawOn(canvas, _CONTENT_X + _FRAME_PADDING, bottom)
        return

    drawing = _JpegReader(page.image)
    pixels: tuple[int, int] = drawing.getSize()
    pixel_width, pixel_height = pixels
    text, text_height = None, 0.0
    if story:
        room = _CONTENT_HEIGHT * (1 - _MIN_DRAWING_SHARE) - _GAP
        text, text_height = fit(
            canvas, story, _CONTENT_WIDTH, room, _TEXT_SIZES_UNDER_DRAWING, REGULAR, TA_LEFT
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
    canvas.setStrokeColor(FRAME)
    canvas.setLineWidth(1.2)
    canvas.roundRect(_CONTENT_X, _CONTENT_Y, _CONTENT_WIDTH, _CONTENT_HEIGHT, 6 * mm)


def _draw_footer(canvas: Canvas, magic_code: str, page_label: str | None) -> None:
    """A quiet line that leads a printed copy back to the book online."""
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 7.5)
    canvas.drawString(_MARGIN, _FOOTER_BASELINE, f"magicshelf · código mágico {magic_code}")
    if page_label:
        canvas.drawRightString(_PAGE_WIDTH - _MARGIN, _FOOTER_BASELINE, page_label)
