"""Take-home slips: one A4 sheet holds eight, one per child, to cut out and send home.

Each slip (95 × 69 mm, a 2 × 4 grid inside a 10 mm margin that home printers can reach)
carries the child's name and book title, a QR code that opens the book, and the magic
code in large bold type for families without a camera, with two lines on where to type
it. The text is Portuguese: the slips go home to Brazilian families.

The magic code's alphabet has no look-alikes (no 0/O, 1/I/L), and it is printed across
the whole slip in 24 pt Vera Bold, in the same three groups the site shows. The QR code is drawn as
vectors (sharp at any printer resolution) at ~0.8 mm a module, which phone cameras read
from arm's length; segno picks the highest error correction that fits its version, so a
crease or a pencil mark does not stop it. Cut lines are dashed across the sheet for
scissors, with solid crop marks in the margin for a paper trimmer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

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
)

__all__ = ["Slip", "render_slips"]


@dataclass(frozen=True)
class Slip:
    author: str  # the child
    title: str
    magic_code: str  # display form "ABC-DEF-GHJ"
    url: str  # what the QR code opens: {public origin}/read/{code}


_COLUMNS, _ROWS = 2, 4
PER_SHEET = _COLUMNS * _ROWS
_PAGE_WIDTH, _PAGE_HEIGHT = A4
_MARGIN = 10 * mm
_SLIP_WIDTH = (_PAGE_WIDTH - 2 * _MARGIN) / _COLUMNS
_SLIP_HEIGHT = (_PAGE_HEIGHT - 2 * _MARGIN) / _ROWS
_PADDING = 6 * mm
_INNER_WIDTH = _SLIP_WIDTH - 2 * _PADDING
_QR_SIZE = 25 * mm  # the modules; the quiet zone around them is the slip's white paper
_GAP = 4 * mm
_CROP_MARK = (2 * mm, 7 * mm)  # from, to: distance from the grid's edge, in the margin
_NAME_SIZES = range(14, 6, -1)
_TITLE_SIZES = range(11, 5, -1)
_HOW_TO_SIZES = (9.5, 9, 8.5, 8, 7.5, 7, 6.5, 6)
_CODE_SIZE = 24


def render_slips(slips: Sequence[Slip], *, sheet_title: str, author: str, address: str) -> bytes:
    """Sheets of slips, in order; ``address`` is the site as a family types it."""
    buffer = BytesIO()
    canvas = new_canvas(
        buffer,
        pagesize=A4,
        title=sheet_title,
        author=author,
        subject="Códigos mágicos para levar para casa",
    )
    sheets = [slips[start : start + PER_SHEET] for start in range(0, len(slips), PER_SHEET)]
    for number, sheet in enumerate(sheets, start=1):
        _draw_cut_lines(canvas)
        label = f"{sheet_title} · recorte nas linhas tracejadas · folha {number} de {len(sheets)}"
        # In the bottom margin, clear of the crop marks at the middle of the sheet.
        _draw_line(canvas, label, _MARGIN + 2 * mm, 4 * mm, REGULAR, 7, _SLIP_WIDTH - 4 * mm, MUTED)
        for place, slip in enumerate(sheet):
            row, column = divmod(place, _COLUMNS)
            x = _MARGIN + column * _SLIP_WIDTH
            y = _PAGE_HEIGHT - _MARGIN - (row + 1) * _SLIP_HEIGHT
            _draw_slip(canvas, slip, x, y, address)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_slip(canvas: Canvas, slip: Slip, x: float, y: float, address: str) -> None:
    """One slip with its lower left corner at (x, y).

    From the top: the child's name and the title; the magic code across the whole slip
    (beside a QR code it would have to be half as large); the QR code at the bottom with,
    beside it, where to type the code without one.
    """
    left, top = x + _PADDING, y + _SLIP_HEIGHT - _PADDING
    name, name_height = fit(
        canvas, markup(slip.author), _INNER_WIDTH, 14 * 1.3, _NAME_SIZES, BOLD, TA_LEFT
    )
    name.drawOn(canvas, left, top - name_height)
    top -= name_height + 1 * mm
    title, title_height = fit(
        canvas, markup(slip.title), _INNER_WIDTH, 2 * 11 * 1.3, _TITLE_SIZES, REGULAR, TA_LEFT
    )
    title.drawOn(canvas, left, top - title_height)
    top -= title_height

    bottom = y + _PADDING
    draw_qr(canvas, slip.url, left, bottom, _QR_SIZE)
    column = left + _QR_SIZE + _GAP
    how_to = (
        f"Sem o QR code?<br/>Entre em <font name='{BOLD}'>{markup(address)}</font><br/>"
        "e digite o código mágico."
    )
    width = x + _SLIP_WIDTH - _PADDING - column
    # Smaller rather than wrapped: an address broken mid-word is easy to mistype.
    lines, lines_height = fit(
        canvas, how_to, width, _QR_SIZE, _HOW_TO_SIZES, REGULAR, TA_LEFT, max_lines=3
    )
    lines.drawOn(canvas, column, bottom + (_QR_SIZE - lines_height) / 2)

    # The code, its label above it, in the middle of the room left between title and QR.
    middle = (top + bottom + _QR_SIZE) / 2
    _draw_line(canvas, "código mágico", left, middle + 3 * mm, REGULAR, 8.5, _INNER_WIDTH, MUTED)
    # Not spaced out: it would read as "QAE -G A 2" when copied from the PDF.
    code_y = middle - 5 * mm
    _draw_line(canvas, slip.magic_code, left, code_y, BOLD, _CODE_SIZE, _INNER_WIDTH, INK)


def _draw_line(
    canvas: Canvas,
    text: str,
    x: float,
    y: float,
    font: str,
    size: float,
    width: float,
    colour: object,
) -> None:
    """One line of text, made smaller if it would be wider than ``width``."""
    natural = stringWidth(text, font, size)
    canvas.setFillColor(colour)
    canvas.setFont(font, size * min(1.0, width / natural))
    canvas.drawString(x, y, text)


def _draw_cut_lines(canvas: Canvas) -> None:
    """Dashed lines between the slips, and crop marks that continue them into the margin."""
    xs = [_MARGIN + column * _SLIP_WIDTH for column in range(_COLUMNS + 1)]
    ys = [_MARGIN + row * _SLIP_HEIGHT for row in range(_ROWS + 1)]
    canvas.setLineWidth(0.5)
    canvas.setStrokeColor(FRAME)
    canvas.setDash(3, 3)
    for x in xs:
        canvas.line(x, ys[0], x, ys[-1])
    for y in ys:
        canvas.line(xs[0], y, xs[-1], y)
    canvas.setDash()
    canvas.setStrokeColor(MUTED)
    near, far = _CROP_MARK
    for x in xs:
        canvas.line(x, ys[0] - near, x, ys[0] - far)
        canvas.line(x, ys[-1] + near, x, ys[-1] + far)
    for y in ys:
        canvas.line(xs[0] - near, y, xs[0] - far, y)
        canvas.line(xs[-1] + near, y, xs[-1] + far, y)
