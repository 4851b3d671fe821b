"""The print PDF, read back with pypdf: pages, fonts, drawings, text, layout."""

from __future__ import annotations

import dataclasses
import io
import random
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from pypdf.generic import ContentStream

from magicshelf.printing.pdf import PrintBook, PrintPage, render_pdf
from tests.printing.paper import page_image, qr_codes

A5_POINTS = (419.53, 595.28)
CODE = "K7M-P2Q-R9X"
READER_URL = f"https://livros.escola.example/read/{CODE}"
LONG_TEXT = (
    (
        "A árvore do pátio da escola acordou cedo e começou a dançar com o vento. "
        "As folhas giravam, os pássaros cantavam e a Inês ria tanto que até o João "
        "Conceição, que é muito sério, saiu da sala para ver. "
    )
    * 8
)[:1500]

Matrix = tuple[float, float, float, float, float, float]


@cache
def drawing(seed: int, size: tuple[int, int] = (3000, 2250)) -> bytes:
    """A JPEG like a photographed drawing: paper colour and a few crayon shapes."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (246, 241, 230))
    pen = ImageDraw.Draw(image)
    width, height = size
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        pen.ellipse((x, y, x + width // 5, y + height // 5), outline=colour, width=20)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_book(
    texts: list[str] | None = None,
    images: list[bytes | None] | None = None,
    *,
    title: str = "A Árvore que Dançava",
    author: str = "João Conceição",
    teacher: str = "Maria Gonçalves",
    school: str | None = "EB1 de São Tomé",
) -> PrintBook:
    texts = texts or [f"Página {n}: a árvore dançou {n} vezes." for n in range(1, 7)]
    images = images if images is not None else [drawing(n) for n in range(6)]
    pages = tuple(
        PrintPage(number=n, text=text, image=image)
        for n, (text, image) in enumerate(zip(texts, images, strict=True), start=1)
    )
    return PrintBook(
        title=title,
        author=author,
        teacher=teacher,
        school=school,
        magic_code=CODE,
        pages=pages,
        reader_url=READER_URL,
    )


def read(book: PrintBook) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(book)))


def words(text: str) -> str:
    return " ".join(text.split())


def resources(page: Any, kind: str) -> list[Any]:
    """The page's resources of one kind ("/Font", "/XObject"), resolved."""
    entries = page["/Resources"].get(kind)
    if entries is None:
        return []
    return [entry.get_object() for entry in entries.get_object().values()]


def images_on(page: Any) -> list[Any]:
    return [xobject for xobject in resources(page, "/XObject") if xobject["/Subtype"] == "/Image"]


def multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def drawing_boxes(reader: PdfReader, page: Any) -> list[tuple[float, float, float, float]]:
    """(x, y, width, height) of every image painted on the page, in points."""
    ctm: Matrix = (1, 0, 0, 1, 0, 0)
    saved: list[Matrix] = []
    boxes = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            saved.append(ctm)
        elif operator == b"Q":
            ctm = saved.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(value) for value in operands)
            ctm = multiply((a, b, c, d, e, f), ctm)
        elif operator == b"Do":
            a, _, _, d, e, f = ctm
            boxes.append((e, f, a, d))
    return boxes


def text_chunks(page: Any) -> list[tuple[str, float, float]]:
    """(text, baseline height, font size) of every piece of text on the page."""
    chunks = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            chunks.append((text.strip(), tm[5] * cm[3] + cm[5], size))

    page.extract_text(visitor_text=visit)
    return chunks


def story_chunks(page: Any) -> list[tuple[str, float, float]]:
    return [
        chunk
        for chunk in text_chunks(page)
        if "magicshelf" not in chunk[0] and "/ 6" not in chunk[0]
    ]


def test_cover_six_pages_and_back_cover_all_a5() -> None:
    reader = read(make_book())

    assert len(reader.pages) == 8
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A5_POINTS, abs=0.01)


def test_cover_shows_title_people_school_and_code_with_diacritics() -> None:
    cover = words(read(make_book()).pages[0].extract_text())

    assert "A Árvore que Dançava" in cover
    # In the words of the reader's cover.
    assert "Escrito e desenhado por João Conceição" in cover
    assert "Orientação: Maria Gonçalves" in cover
    assert "Professor" not in cover
    assert "EB1 de São Tomé" in cover
    assert CODE in cover


def test_back_cover_says_the_end_and_leads_back_to_the_book_online() -> None:
    pdf = render_pdf(make_book())
    back = words(read(make_book()).pages[7].extract_text())

    assert back.startswith("Fim Escrito e desenhado por João Conceição")
    assert READER_URL in back
    assert f"código mágico {CODE}" in back
    assert qr_codes(page_image(pdf, 8)) == [READER_URL]
    assert "ouça" not in back


def test_a_book_with_voices_invites_to_listen_and_still_scans() -> None:
    book = dataclasses.replace(make_book(), has_voices=True)
    pdf = render_pdf(book)
    back = words(read(book).pages[7].extract_text())

    assert "Aponte a câmera e ouça o livro na voz de quem o escreveu" in back
    assert qr_codes(page_image(pdf, 8)) == [READER_URL]
    # Only the back cover changes: the story pages carry no code of their own.
    assert [qr_codes(page_image(pdf, n)) for n in range(2, 8)] == [[]] * 6


def test_a_long_public_address_still_prints_whole_on_the_back_cover() -> None:
    url = "https://biblioteca-municipal.secretaria-de-educacao.example.gov.br/read/" + CODE
    book = dataclasses.replace(make_book(), reader_url=url)

    assert url in "".join(read(book).pages[7].extract_text().split())
    assert qr_codes(page_image(render_pdf(book), 8)) == [url]


def test_cover_without_school() -> None:
    cover = words(read(make_book(school=None)).pages[0].extract_text())

    assert "Maria Gonçalves" in cover
    assert "São Tomé" not in cover


def test_longest_cover_stays_clear_of_the_magic_code() -> None:
    # The API's limits: title and school 120 characters, names 80.
    title, school = "Úrsula e o Dragão " * 6 + "Ãé" * 6, "Escola Básica " * 8 + "Ãé" * 4
    author, teacher = "Mariana " * 10, "Gonçalves " * 8
    reader = read(make_book(title=title, author=author, teacher=teacher, school=school))
    cover = reader.pages[0]

    for expected in (title, f"por {author}", f"Orientação: {teacher}", school, CODE):
        assert words(expected) in words(cover.extract_text())
    chunks = text_chunks(cover)
    [code_label] = [y for text, y, _ in chunks if text == "código mágico"]
    credits = [y for text, y, _ in chunks if "código mágico" not in text and CODE not in text]
    assert min(credits) > code_label + 20
    assert max(credits) < A5_POINTS[1] - 40


def test_every_page_has_its_text_and_a_footer_back_to_the_book() -> None:
    book = make_book()
    reader = read(book)

    assert f"magicshelf · código mágico {CODE}" in reader.pages[0].extract_text()
    for page, source in zip(reader.pages[1:7], book.pages, strict=True):
        text = words(page.extract_text())
        assert words(source.text) in text
        assert f"magicshelf · código mágico {CODE}" in text
        assert f"{source.number} / 6" in text


def test_metadata_names_the_book_and_the_child() -> None:
    metadata = read(make_book()).metadata

    assert metadata is not None
    assert metadata.title == "A Árvore que Dançava"
    assert metadata.author == "João Conceição"
    assert metadata.creator == "MagicShelf"


def test_fonts_are_embedded_truetype_never_base14() -> None:
    reader = read(make_book())

    fonts = [font for page in reader.pages for font in resources(page, "/Font")]
    assert fonts
    for font in fonts:
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
        assert "Helvetica" not in font["/BaseFont"]


def test_drawings_are_embedded_untouched_at_print_resolution() -> None:
    images: list[bytes | None] = [
        drawing(0),
        None,
        drawing(2, (2250, 3000)),
        drawing(3),
        None,
        drawing(5),
    ]
    reader = read(make_book(images=images))

    assert images_on(reader.pages[0]) == []
    assert images_on(reader.pages[7]) == []  # the back cover's QR code is vectors
    for page, source in zip(reader.pages[1:7], images, strict=True):
        embedded = images_on(page)
        if source is None:
            assert embedded == []
            continue
        [image] = embedded
        assert (image["/Width"], image["/Height"]) == Image.open(io.BytesIO(source)).size
        assert "/DCTDecode" in image["/Filter"]
        assert image.get_data() == source  # the JPEG itself: no recompression


def test_a_master_that_is_not_a_jpeg_is_still_embedded_whole() -> None:
    buffer = io.BytesIO()
    Image.open(io.BytesIO(drawing(0, (800, 600)))).save(buffer, "PNG")
    reader = read(make_book(images=[buffer.getvalue(), *[None] * 5]))

    [image] = images_on(reader.pages[1])
    assert (image["/Width"], image["/Height"]) == (800, 600)
    assert "/FlateDecode" in image["/Filter"]
    assert len(image.get_data()) == 800 * 600 * 3


def test_drawing_keeps_its_shape_inside_the_margins_above_the_text() -> None:
    landscape, portrait = drawing(0), drawing(1, (2250, 3000))
    reader = read(make_book(images=[landscape, portrait, landscape, portrait, None, None]))
    width, height = A5_POINTS

    for page, source in zip(reader.pages[1:5], [landscape, portrait] * 2, strict=True):
        [(x, y, w, h)] = drawing_boxes(reader, page)
        pixels_w, pixels_h = Image.open(io.BytesIO(source)).size
        assert w / h == pytest.approx(pixels_w / pixels_h, rel=1e-3)
        assert x > 30
        assert x + w < width - 30
        assert y > 40
        assert y + h < height - 30
        baselines = [baseline for _, baseline, _ in story_chunks(page)]
        assert baselines
        assert max(baselines) < y
        assert min(baselines) > 40


def test_1500_characters_under_a_drawing_all_print() -> None:
    book = make_book(texts=[LONG_TEXT] * 6)
    reader = read(book)

    assert len(LONG_TEXT) == 1500
    for page in reader.pages[1:7]:
        assert words(LONG_TEXT) in words(page.extract_text())
        assert len(images_on(page)) == 1


def test_hundreds_of_short_lines_still_all_print() -> None:
    many_lines = "\n".join(f"v{n}" for n in range(375))[:1500]
    reader = read(make_book(texts=[many_lines] * 6))

    lines = reader.pages[1].extract_text().splitlines()
    assert [line for line in lines if line.startswith("v")] == many_lines.splitlines()


def test_a_word_longer_than_a_line_prints_whole() -> None:
    word = "Supercalifragilístico" * 20
    reader = read(make_book(texts=[word] * 6))

    assert word in "".join(reader.pages[1].extract_text().split())


def test_user_text_prints_literally_and_keeps_its_line_breaks() -> None:
    text = "<script>alert('olá')</script> & <b>negrito</b> &amp;\nsegunda linha"
    reader = read(make_book(texts=[text] * 6, title="<i>Pão & Circo</i>"))

    page = reader.pages[1].extract_text()
    assert words("<script>alert('olá')</script> & <b>negrito</b> &amp;") in words(page)
    assert "segunda linha" in page.splitlines()
    assert "<i>Pão & Circo</i>" in words(reader.pages[0].extract_text())


def test_book_without_drawings_renders_its_text_larger() -> None:
    texts = ["Olá, mundo!", LONG_TEXT, "", "a", "b", "c"]
    reader = read(make_book(images=[None] * 6, texts=texts))
    with_drawings = read(make_book(texts=texts))

    assert len(reader.pages) == 8
    for alone, under_drawing in zip(reader.pages[1:3], with_drawings.pages[1:3], strict=True):
        assert story_chunks(alone)[0][2] > story_chunks(under_drawing)[0][2]
    assert all(images_on(page) == [] for page in reader.pages)
    assert "Olá, mundo!" in reader.pages[1].extract_text()
    assert words(LONG_TEXT) in words(reader.pages[2].extract_text())
    assert "3 / 6" in reader.pages[3].extract_text()


def test_same_book_gives_the_same_bytes() -> None:
    assert render_pdf(make_book()) == render_pdf(make_book())


def test_renders_in_parallel_threads_give_the_same_bytes() -> None:
    books = [make_book(title=f"Livro {n}", texts=[LONG_TEXT[: 250 * n]] * 6) for n in range(1, 5)]
    expected = [render_pdf(book) for book in books]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render_pdf, books * 2)) == expected * 2


def test_text_shrinks_only_as_much_as_it_must() -> None:
    reader = read(make_book(texts=["Era uma vez.", LONG_TEXT[:600], LONG_TEXT, "", "", ""]))
    sizes = []
    for page in reader.pages[1:4]:
        [size] = {size for _, _, size in story_chunks(page)}
        sizes.append(size)

    assert sizes[0] > sizes[1] > sizes[2] >= 7
