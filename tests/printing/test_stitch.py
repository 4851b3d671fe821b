"""Books stitched into one file: every page as in its own PDF, one book in memory at a time."""

from __future__ import annotations

import io
import tempfile
import tracemalloc
from collections.abc import Callable
from functools import partial

import pytest
from pypdf import PdfReader

from magicshelf.printing.pdf import PrintBook, render_pdf
from magicshelf.printing.stitch import PdfStitcher
from tests.printing.paper import page_image, pdftotext, reader
from tests.printing.test_pdf import A5_POINTS, drawing, images_on, make_book, resources


def unique(jpeg: bytes, tag: str) -> bytes:
    """The same picture with a comment of its own: other bytes, as each child's drawing is."""
    comment = tag.encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def book(n: int, size: tuple[int, int] = (3000, 2250)) -> PrintBook:
    images: list[bytes | None] = [unique(drawing(p, size), f"{n}.{p}") for p in range(6)]
    return make_book(images=images, title=f"Livro {n}", author=f"Criança {n}")


def stitched(books: list[PrintBook]) -> bytes:
    output = io.BytesIO()
    stitcher = PdfStitcher(output)
    for each in books:
        stitcher.append(render_pdf(each))
    stitcher.finish(title="3º ano B — livros da turma", author="Ana Lúcia")
    return output.getvalue()


def test_books_follow_each_other_cover_six_pages_back_cover() -> None:
    books = [book(n, (800, 600)) for n in range(3)]
    pdf = stitched(books)
    pages = reader(pdf).pages

    assert len(pages) == 24
    for page in pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A5_POINTS, abs=0.01)
    texts = pdftotext(pdf)
    for n in range(3):
        assert "Livro" in texts[8 * n]
        assert f"por Criança {n}" in texts[8 * n]
        for number, source in enumerate(books[n].pages, start=1):
            assert " ".join(source.text.split()) in texts[8 * n + number]
        assert "Fim" in texts[8 * n + 7]


def test_every_page_is_the_page_of_its_own_pdf() -> None:
    books = [book(n, (800, 600)) for n in range(2)]
    alone = [reader(render_pdf(each)) for each in books]
    together = reader(stitched(books))

    for n, single in enumerate(alone):
        for number, page in enumerate(single.pages):
            copy = together.pages[8 * n + number]
            assert copy.get_contents().get_data() == page.get_contents().get_data()
            assert [i.get_data() for i in images_on(copy)] == [
                i.get_data() for i in images_on(page)
            ]
            fonts = [f["/BaseFont"] for f in resources(copy, "/Font")]
            assert fonts == [f["/BaseFont"] for f in resources(page, "/Font")]
            assert all("/FontFile2" in f["/FontDescriptor"] for f in resources(copy, "/Font"))
    # Drawings are the JPEGs themselves, not recompressed.
    [image] = images_on(together.pages[9])
    assert image.get_data() == books[1].pages[0].image


def test_poppler_renders_it_without_a_complaint() -> None:
    pdf = stitched([book(n, (800, 600)) for n in range(2)])

    cover = page_image(pdf, 9)  # the second book's cover
    width, height = (points / 72 * 150 for points in A5_POINTS)
    assert cover.size == (pytest.approx(width, abs=1), pytest.approx(height, abs=1))


def test_metadata_names_the_class() -> None:
    metadata = PdfReader(io.BytesIO(stitched([book(0, (400, 300))]))).metadata

    assert metadata is not None
    assert metadata.title == "3º ano B — livros da turma"
    assert metadata.author == "Ana Lúcia"
    assert metadata.creator == "MagicShelf"


def test_same_books_give_the_same_bytes() -> None:
    books = [book(n, (400, 300)) for n in range(2)]

    assert stitched(books) == stitched(books)


def test_memory_holds_one_book_not_the_class() -> None:
    books = 8
    drawings = sum(len(page.image or b"") for page in book(0).pages)
    one_book = tracemalloc_peak(lambda: render_pdf(book(0)))
    with tempfile.TemporaryFile() as output:

        def stitch_all() -> None:
            stitcher = PdfStitcher(output)
            for n in range(books):
                stitcher.append_made(partial(render_pdf, book(n)))
            stitcher.finish(title="3º ano B", author="Ana")

        peak = tracemalloc_peak(stitch_all)
        size = output.tell()

    assert size > books * drawings  # every drawing went into the file…
    assert peak < 2 * one_book  # …while memory held about one book's worth


def tracemalloc_peak(job: Callable[[], object]) -> int:
    """The most memory Python held while ``job`` ran, in bytes."""
    tracemalloc.start()
    try:
        job()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
