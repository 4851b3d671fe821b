"""What every printed MagicShelf page shares: fonts, inks, the canvas and fitting text.

Fonts are the Bitstream Vera TrueType files shipped with reportlab, subset and embedded
(never a base-14 font, which a printer would substitute); glyphs outside Vera (emoji,
CJK) print as placeholders, Portuguese is fully covered. Canvases are ``invariant``, so
equal input gives equal bytes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import reportlab
import segno
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepInFrame, Paragraph

# ASCII85 only helps 7-bit transports; binary streams keep a 2 MB drawing at 2 MB, not 2.5.
rl_config.useA85 = 0

_FONTS = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD = "MagicShelf-Vera", "MagicShelf-Vera-Bold"
pdfmetrics.registerFont(TTFont(REGULAR, str(_FONTS / "Vera.ttf")))
pdfmetrics.registerFont(TTFont(BOLD, str(_FONTS / "VeraBd.ttf")))

INK = colors.HexColor("#262626")
MUTED = colors.HexColor("#8c8c8c")
FRAME = colors.HexColor("#d8cbb5")  # a line, not a fill: home printers pay for ink

_TALLEST = 10_000.0  # points: "no height limit" for measuring a paragraph's height


def new_canvas(
    output: BinaryIO, *, pagesize: tuple[float, float], title: str, author: str, subject: str
) -> Canvas:
    """A canvas writing to ``output`` on ``save()``, with the document's metadata."""
    canvas = Canvas(
        output,
        pagesize=pagesize,
        invariant=True,  # fixed dates and document id, so equal input gives equal bytes
        initialFontName=REGULAR,  # the default would pull in an unembedded Helvetica
        lang="pt",
    )
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("MagicShelf")
    canvas.setSubject(subject)
    return canvas


def fit(
    canvas: Canvas,
    markup: str,
    width: float,
    max_height: float,
    sizes: Iterable[float],
    font: str,
    alignment: int,
    max_lines: int | None = None,
) -> tuple[Any, float]:
    """The text at the largest size that fits the box, and its height.

    With ``max_lines``, a size fits only if the text wraps into no more lines than that.
    """
    paragraph: Any = None
    for size in sizes:
        paragraph = Paragraph(markup, style(size, font, alignment))
        height = wrapped_height(canvas, paragraph, width)
        lines_fit = max_lines is None or height <= max_lines * paragraph.style.leading
        if height <= max_height and lines_fit:
            return paragraph, height
    # Only hundreds of short lines get here: scaling below the smallest size loses no words.
    shrunk = KeepInFrame(width, max_height, [paragraph], mode="shrink")
    return shrunk, wrapped_height(canvas, shrunk, width, max_height)


def wrapped_height(
    canvas: Canvas, flowable: Any, width: float, max_height: float = _TALLEST
) -> float:
    _, height = flowable.wrapOn(canvas, width, max_height)
    return float(height)


def style(size: float, font: str, alignment: int, colour: Any = INK) -> ParagraphStyle:
    return ParagraphStyle(
        f"{font}-{size}",
        fontName=font,
        fontSize=size,
        leading=size * 1.3,
        alignment=alignment,
        textColor=colour,
    )


def draw_qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """A QR code of ``size`` points square at (x, y), as vectors (sharp on any printer):
    filled squares, one rectangle per run of dark modules in a row. The quiet zone around
    it is the caller's white paper."""
    matrix = segno.make(url, error="m", micro=False).matrix
    module = size / len(matrix)
    path = canvas.beginPath()
    for row, modules in enumerate(matrix):
        top = y + size - (row + 1) * module
        column = 0
        while column < len(modules):
            if not modules[column]:
                column += 1
                continue
            start = column
            while column < len(modules) and modules[column]:
                column += 1
            path.rect(x + start * module, top, (column - start) * module, module)
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)


def markup(text: str) -> str:
    """User text as Paragraph markup that prints literally, one break per newline."""
    return "<br/>".join(html.escape(line, quote=False) for line in text.splitlines())
