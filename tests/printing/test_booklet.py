"""The booklet as a family prints it: two A4 sheets, both sides, folded into the book."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

import pytest
from PIL import Image

from magicshelf.printing.booklet import render_booklet, saddle_stitch_order
from magicshelf.printing.pdf import PrintBook, render_pdf
from tests.printing.paper import DPI, page_image, page_sizes, pdftotext, reader
from tests.printing.test_pdf import CODE, READER_URL, images_on, make_book, resources, words

A4_LANDSCAPE = (841.89, 595.28)


def sheet_halves(pdf: bytes) -> list[tuple[str, str]]:
    """The text of the left and right half of every sheet side, as poppler reads them."""
    sides = len(reader(pdf).pages)
    width, height = A4_LANDSCAPE
    halves = []
    for side in range(1, sides + 1):
        texts = []
        for x in (0, width / 2):
            crop = ["-x", str(int(x)), "-y", "0", "-W", str(int(width / 2)), "-H", str(int(height))]
            done = subprocess.run(
                ["pdftotext", "-r", "72", "-f", str(side), "-l", str(side), *crop, "-", "-"],
                input=pdf,
                capture_output=True,
                timeout=60,
                check=True,
            )
            texts.append(words(done.stdout.decode()))
        halves.append((texts[0], texts[1]))
    return halves


def test_saddle_stitch_order_of_eight_pages() -> None:
    # Outer sheet front, back; inner sheet front, back. Page 1 the cover, 8 the back cover.
    assert saddle_stitch_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]


@pytest.mark.parametrize("pages", [4, 8, 12, 32])
def test_folded_sheets_read_in_order(pages: int) -> None:
    """Fold the sides back into a book: a sheet's front right half, turned over on its short
    edge, has the back's left half behind it; nested sheets come one after the other."""
    sides = saddle_stitch_order(pages)
    sheets = [(sides[i], sides[i + 1]) for i in range(0, len(sides), 2)]
    first_half = [n for (_, right), (left, _) in sheets for n in (right, left)]
    second_half = [n for (left, _), (_, right) in reversed(sheets) for n in (right, left)]
    assert first_half + second_half == list(range(1, pages + 1))
    assert all(left + right == pages + 1 for left, right in sides)  # spreads across the fold


@pytest.mark.parametrize("pages", [0, 6, 7])
def test_only_multiples_of_four_fold(pages: int) -> None:
    with pytest.raises(ValueError, match="multiple of 4"):
        saddle_stitch_order(pages)


def test_two_a4_landscape_sheets_hold_the_pages_in_saddle_stitch_order() -> None:
    book = make_book()
    pdf = render_booklet(book)

    assert page_sizes(pdf) == [pytest.approx(A4_LANDSCAPE, abs=0.01)] * 4  # 2 sheets, 2 sides
    first_words = {1: book.title, 8: "Fim"}
    first_words |= {n: words(book.pages[n - 2].text) for n in range(2, 8)}
    for (left_text, right_text), (left, right) in zip(
        sheet_halves(pdf), saddle_stitch_order(8), strict=True
    ):
        assert left_text.startswith(first_words[left]), left_text
        assert right_text.startswith(first_words[right]), right_text
    assert READER_URL in sheet_halves(pdf)[0][0]


def test_the_drawings_are_embedded_once_and_untouched() -> None:
    book = make_book()
    pdf = reader(render_booklet(book))

    forms = [form for sheet in pdf.pages for form in resources(sheet, "/XObject")]
    embedded = {image.indirect_reference.idnum: image for f in forms for image in images_on(f)}
    assert sorted(image.get_data() for image in embedded.values()) == sorted(
        page.image for page in book.pages if page.image
    )


def dark(image: Image.Image, x_mm: float, y_mm: float) -> bool:
    """Whether ink is within half a millimetre of the point (mm from the top left corner)."""
    pixels = DPI / 25.4
    x, y = round(x_mm * pixels), round(y_mm * pixels)
    darkest, _ = image.crop((x - 3, y - 3, x + 4, y + 4)).convert("L").getextrema()
    assert isinstance(darkest, int | float)  # one band: (min, max)
    return darkest < 200


def test_fold_and_trim_marks_are_printed_outside_the_pages() -> None:
    sheet = page_image(render_booklet(make_book()), 1)
    fold, page_width = 297 / 2, 148 * 194 / 210  # mm: the fold, a page scaled to fit
    for x in (fold - page_width, fold, fold + page_width):
        assert dark(sheet, x, 5.5)  # a tick in the top band…
        assert dark(sheet, x, 210 - 5.5)  # …and in the bottom one
    for x in (fold - page_width - 3.5, fold + page_width + 3.5):
        assert dark(sheet, x, 8)  # the trim's top and bottom lines, continued outward
        assert dark(sheet, x, 210 - 8)
    for x in (1.5, 297 - 1.5):
        assert not dark(sheet, x, 5)  # nothing where home printers cannot print


def test_every_half_sheet_is_a_page_of_the_reading_pdf() -> None:
    book = make_book()
    booklet = render_booklet(book)
    pages = ["".join(text.split()) for text in pdftotext(render_pdf(book))]

    for halves, numbers in zip(sheet_halves(booklet), saddle_stitch_order(8), strict=True):
        for text, number in zip(halves, numbers, strict=True):
            assert "".join(text.split()) == pages[number - 1]


def test_same_book_gives_the_same_bytes_and_names_itself() -> None:
    book = make_book()
    booklet = render_booklet(book)
    assert booklet == render_booklet(book)
    metadata = reader(booklet).metadata
    assert metadata is not None
    assert (metadata.title, metadata.author) == (book.title, book.author)
    assert CODE in (metadata.subject or "")


def test_a_booklet_of_six_3000_px_drawings_renders_about_as_fast_as_the_book() -> None:
    book = make_book()
    render_pdf(book), render_booklet(book)  # fonts and drawings read once

    def fastest(render: Callable[[PrintBook], bytes]) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            render(book)
            times.append(time.perf_counter() - start)
        return min(times)

    assert fastest(render_booklet) < 2 * fastest(render_pdf) + 0.05
