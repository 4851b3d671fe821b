"""Take-home slips as families get them: printed, cut out, the QR code read by a phone."""

from __future__ import annotations

import pytest

from magicshelf.books import codes
from magicshelf.printing.slips import Slip, render_slips
from tests.printing.paper import page_image, pdftotext, qr_codes, reader
from tests.printing.test_pdf import resources

A4_POINTS = (595.28, 841.89)
ORIGIN = "https://livros.escola.example"
NAMES = [
    "Ana Souza",
    "Bruno Lima",
    "Caio Prado",
    "Débora Gonçalves",
    "Érica Araújo",
    "Fábio Nogueira",
    "Gustavo Conceição",
    "Heloísa Brandão",
    "Ícaro Mendonça",
]


def _code(n: int) -> str:
    body = f"{codes.ALPHABET[n]}{codes.ALPHABET[n + 1]}KQRSTU"
    return codes.display(body + codes.check_symbol(body))


def _slips(names: list[str], title: str = "A Árvore que Dançava") -> list[Slip]:
    return [
        Slip(author=name, title=title, magic_code=_code(n), url=f"{ORIGIN}/read/{_code(n)}")
        for n, name in enumerate(names)
    ]


def _render(slips: list[Slip]) -> bytes:
    return render_slips(
        slips, sheet_title="3º ano B", author="Ana Lúcia", address="livros.escola.example"
    )


def test_eight_slips_a_sheet_of_a4_in_roster_order() -> None:
    pdf = _render(_slips(NAMES))
    pages = reader(pdf).pages

    assert len(pages) == 2
    for page in pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=0.01)
    first, second = pdftotext(pdf)
    positions = [first.index(name) for name in NAMES[:8]]
    assert positions == sorted(positions)  # left to right, then the next row
    assert NAMES[8] in second
    assert NAMES[8] not in first
    assert "3º ano B · recorte nas linhas tracejadas · folha 1 de 2" in first
    assert "folha 2 de 2" in second


def test_every_qr_code_opens_its_childs_book() -> None:
    slips = _slips(NAMES)
    pdf = _render(slips)

    assert qr_codes(page_image(pdf, 1)) == [slip.url for slip in slips[:8]]
    assert qr_codes(page_image(pdf, 2)) == [slips[8].url]
    assert slips[0].url == f"{ORIGIN}/read/{_code(0)}"


def test_each_slip_names_the_child_the_book_and_says_where_to_type_the_code() -> None:
    [text] = pdftotext(_render(_slips(NAMES[:1])))

    for expected in (
        "Ana Souza",
        "A Árvore que Dançava",
        "código mágico",
        _code(0),
        "Sem o QR code? Entre em livros.escola.example e digite o código mágico.",
    ):
        assert expected in text


def test_the_code_is_the_largest_text_on_the_slip() -> None:
    sizes: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes[text.strip()] = size * tm[0]

    reader(_render(_slips(NAMES[:1]))).pages[0].extract_text(visitor_text=visit)
    assert sizes[_code(0)] >= 20
    assert sizes[_code(0)] == max(sizes.values())


def test_longest_names_and_titles_print_whole() -> None:
    # The API's limits: names 80 characters, titles 120.
    name, title = "Maria Eduarda " * 5 + "Gonçalves " * 3, "Úrsula e o Dragão " * 6 + "Fim" * 4
    slips = _slips([name[:80]], title=title[:120])
    pdf = _render(slips)

    text = pdftotext(pdf)[0]
    assert " ".join(name[:80].split()) in text
    assert " ".join(title[:120].split()) in text
    assert qr_codes(page_image(pdf, 1)) == [slips[0].url]


def test_names_print_literally() -> None:
    [text] = pdftotext(_render(_slips(["<b>Zé</b> & Cia"], title="Pão & <i>Circo</i>")))

    assert "<b>Zé</b> & Cia" in text
    assert "Pão & <i>Circo</i>" in text


def test_fonts_are_embedded_truetype() -> None:
    pages = reader(_render(_slips(NAMES))).pages

    fonts = [font for page in pages for font in resources(page, "/Font")]
    assert fonts
    for font in fonts:
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]


def test_same_slips_give_the_same_bytes() -> None:
    assert _render(_slips(NAMES)) == _render(_slips(NAMES))
