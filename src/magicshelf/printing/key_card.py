"""The edit key on a card the size of a bank card (85 × 54 mm), to print and keep.

A key that is only on a screen gets lost; on a card in the teacher's folder it does not.
The card says which book it opens and what the key is for, in Portuguese like the studio.
"""

from __future__ import annotations

from io import BytesIO

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.units import mm

from magicshelf.printing.layout import BOLD, FRAME, MUTED, REGULAR, fit, markup, new_canvas

CARD = (85 * mm, 54 * mm)
_MARGIN = 5 * mm


def render_key_card(*, title: str, magic_code: str, edit_key: str) -> bytes:
    output = BytesIO()
    width, height = CARD
    canvas = new_canvas(
        output,
        pagesize=CARD,
        title=f"Chave de edição: {title}",
        author="MagicShelf",
        subject="Cartão da chave de edição",
    )
    canvas.setStrokeColor(FRAME)
    canvas.roundRect(1.5 * mm, 1.5 * mm, width - 3 * mm, height - 3 * mm, 3 * mm)
    inner = width - 2 * _MARGIN
    heading, heading_height = fit(
        canvas, markup(title), inner, 12 * mm, (11, 10, 9, 8), BOLD, TA_LEFT, max_lines=2
    )
    heading.drawOn(canvas, _MARGIN, height - _MARGIN - heading_height)
    canvas.setFont(REGULAR, 8)
    canvas.drawString(_MARGIN, 33 * mm, f"Código mágico: {magic_code}")
    canvas.drawString(_MARGIN, 27 * mm, "Chave de edição:")
    canvas.setFont(BOLD, 11.5)
    canvas.drawString(_MARGIN, 21 * mm, edit_key)
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 6.5)
    canvas.drawString(_MARGIN, 11 * mm, "Com esta chave, só quem a tem muda o livro.")
    canvas.drawString(_MARGIN, 7 * mm, "Guarde o cartão: ninguém consegue mostrá-la de novo.")
    canvas.showPage()
    canvas.save()
    return output.getvalue()
