"""The book imposed for saddle stitching: A4 landscape sheets to print, fold and staple.

The book's eight A5 pages (cover, six story pages, back cover) go two to a side on two A4
sheets printed on both sides. Laid one inside the other and folded, the sheets read in
order when each side holds, left | right (page 1 is the cover, 8 the back cover):

    outer sheet, front: 8 | 1        outer sheet, back: 2 | 7
    inner sheet, front: 6 | 3        inner sheet, back: 4 | 5

In general sheet ``i`` (0 outermost) of an ``n``-page book holds ``n - 2i | 2i + 1`` on
its front and ``2i + 2 | n - 2i - 1`` on its back: turning a sheet over on its short edge
puts the back's left half behind the front's right half, so page 2 lands behind the cover,
and every spread (2-3, 4-5, 6-7) faces across the fold.

The pages are drawn by the very functions that draw ``render_pdf``'s, each once into a
form (a PDF XObject: drawings embedded once, untouched), then placed on its sheet side
scaled to 194/210 ≈ 92 %, so that an 8 mm band stays free at the top, bottom and
fore-edge of each side. The band holds the marks: a tick at each end of the
fold, and crop marks at the trimmed page's corners, in the band between the page and the
paper's edge and clear of the outer 3.5 mm, which home printers leave blank. Cut
along them after folding and the edges come out clean, even when the printer shifts the
back side a little; left uncut, the book is simply an A5 with a white border.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from magicshelf.printing.layout import MUTED
from magicshelf.printing.pdf import PAGE_SIZE, PrintBook, book_canvas, page_drawings

__all__ = ["SHEET", "render_booklet", "saddle_stitch_order"]

SHEET = landscape(A4)
_SHEET_WIDTH, _SHEET_HEIGHT = SHEET
_FOLD = _SHEET_WIDTH / 2
_BAND = 8 * mm
_SCALE = (_SHEET_HEIGHT - 2 * _BAND) / PAGE_SIZE[1]  # an A5 page is as tall as A4 is wide
_PAGE_WIDTH = PAGE_SIZE[0] * _SCALE
# Marks stop short of the page (a cut a little off leaves no line on it) and 3.5 mm short
# of the paper's edge, which home printers leave blank.
_MARK_GAP, _MARK_LENGTH = 1 * mm, 3.5 * mm


def saddle_stitch_order(page_count: int) -> list[tuple[int, int]]:
    """(left, right) page numbers (1-based) of every sheet side, in printing order: the
    outer sheet's front, its back, then the next sheet in."""
    if page_count <= 0 or page_count % 4:
        raise ValueError(f"a saddle-stitched book has a multiple of 4 pages, not {page_count}")
    sides = []
    for sheet in range(page_count // 4):
        outer, inner = page_count - 2 * sheet, 2 * sheet + 1
        sides += [(outer, inner), (inner + 1, outer - 1)]
    return sides


def render_booklet(book: PrintBook) -> bytes:
    """The book as A4 landscape sheet sides, in saddle-stitch order, with fold and trim marks."""
    buffer = BytesIO()
    canvas = book_canvas(buffer, book, pagesize=SHEET, subject="para imprimir e dobrar")
    drawings = page_drawings(book)
    for number, draw in enumerate(drawings, start=1):
        canvas.beginForm(_form(number), 0, 0, *PAGE_SIZE)
        draw(canvas)
        canvas.endForm()
    for left, right in saddle_stitch_order(len(drawings)):
        _draw_marks(canvas)
        _place(canvas, left, _FOLD - _PAGE_WIDTH)  # its spine on the fold
        _place(canvas, right, _FOLD)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _form(number: int) -> str:
    return f"page-{number}"


def _place(canvas: Canvas, number: int, x: float) -> None:
    canvas.saveState()
    canvas.translate(x, _BAND)
    canvas.scale(_SCALE, _SCALE)
    canvas.doForm(_form(number))
    canvas.restoreState()


def _draw_marks(canvas: Canvas) -> None:
    """A tick above and below the pages on the fold, and crop marks: the cut's lines,
    continued outside the pages' corners."""
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.5)
    top, bottom = _SHEET_HEIGHT - _BAND, _BAND
    near, far = _MARK_GAP, _MARK_GAP + _MARK_LENGTH
    for x in (_FOLD - _PAGE_WIDTH, _FOLD, _FOLD + _PAGE_WIDTH):
        canvas.line(x, top + near, x, top + far)
        canvas.line(x, bottom - near, x, bottom - far)
    for x, outward in ((_FOLD - _PAGE_WIDTH, -1), (_FOLD + _PAGE_WIDTH, 1)):
        for y in (top, bottom):
            canvas.line(x + outward * near, y, x + outward * far, y)
    canvas.restoreState()
