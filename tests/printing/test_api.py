"""GET /api/books/{code}/pdf through HTTP: to read, and to print and fold."""

from __future__ import annotations

import io

import httpx
import pytest
from pypdf import PdfReader

from tests.books.test_api import assert_problem, create, key
from tests.conftest import Client
from tests.images import drawing, encode
from tests.printing.paper import page_sizes
from tests.printing.test_booklet import A4_LANDSCAPE, sheet_halves


async def test_pdf_of_a_book_with_drawings(client: httpx.AsyncClient) -> None:
    created = await create(client)
    code = created["magic_code"]
    for number in (1, 4):
        url = f"/api/books/{code}/pages/{number}/illustration"
        content = encode(drawing(1500, 1000, seed=number), "PNG")
        response = await client.put(url, headers=key(created), files={"file": ("d.png", content)})
        assert response.status_code == 200

    response = await client.get(f"/api/books/{code.lower()}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith('attachment; filename="a-arvore')
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 8
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert "A Árvore que Dançava Escrito e desenhado por Maria Eduarda" in texts[0]
    assert "Era uma vez uma árvore." in texts[1]
    assert code in texts[6]
    assert f"Fim Escrito e desenhado por Maria Eduarda http://test/read/{code}" in texts[7]
    with_images = [n for n, page in enumerate(reader.pages) if page.images]
    assert with_images == [1, 4]
    assert reader.pages[1].images[0].image.size == (1500, 1000)

    again = await client.get(
        f"/api/books/{code}/pdf", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
    await client.put(f"/api/books/{code}/pages/2", headers=key(created), json={"text": "Mudou"})
    changed = await client.get(
        f"/api/books/{code}/pdf", headers={"If-None-Match": response.headers["etag"]}
    )
    assert changed.status_code == 200


async def test_the_booklet_is_two_sheets_to_fold_in_saddle_stitch_order(
    client: httpx.AsyncClient,
) -> None:
    created = await create(client)
    code = created["magic_code"]
    for number in range(2, 7):
        text = {"text": f"Esta é a página {number}."}
        page = await client.put(
            f"/api/books/{code}/pages/{number}", headers=key(created), json=text
        )
        assert page.status_code == 200

    response = await client.get(f"/api/books/{code}/pdf", params={"layout": "booklet"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="a-arvore-que-dancava-para-dobrar.pdf"')
    # Two sheets, both sides.
    assert page_sizes(response.content) == [pytest.approx(A4_LANDSCAPE, abs=0.01)] * 4
    halves = sheet_halves(response.content)
    # Page 1 the cover, 2 to 7 the story, 8 the back cover.
    first_words = {1: "A Árvore que Dançava", 2: "Era uma vez uma árvore.", 8: "Fim"}
    first_words |= {n: f"Esta é a página {n - 1}." for n in range(3, 8)}
    order = [(8, 1), (2, 7), (6, 3), (4, 5)]
    for side, (left, right) in zip(halves, order, strict=True):
        assert side[0].startswith(first_words[left]), side
        assert side[1].startswith(first_words[right]), side
    assert f"http://test/read/{code}" in halves[0][0]


async def test_each_layout_has_its_own_etag(client: httpx.AsyncClient) -> None:
    code = (await create(client))["magic_code"]
    reading = await client.get(f"/api/books/{code}/pdf")
    booklet = await client.get(f"/api/books/{code}/pdf?layout=booklet")
    explicit = await client.get(f"/api/books/{code}/pdf?layout=reading")

    assert reading.headers["etag"] != booklet.headers["etag"]
    assert explicit.content == reading.content
    revalidate = {"If-None-Match": booklet.headers["etag"]}
    again = await client.get(f"/api/books/{code}/pdf?layout=booklet", headers=revalidate)
    assert again.status_code == 304
    assert (await client.get(f"/api/books/{code}/pdf", headers=revalidate)).status_code == 200


@pytest.mark.parametrize("layout", ["folded", "BOOKLET", ""])
async def test_an_unknown_layout_is_a_field_error(client: httpx.AsyncClient, layout: str) -> None:
    code = (await create(client))["magic_code"]
    problem = assert_problem(await client.get(f"/api/books/{code}/pdf?layout={layout}"), 422)
    assert problem["type"] == "/problems/invalid-input"
    [error] = problem["errors"]
    assert error["field"] == "layout"
    assert "'reading' or 'booklet'" in error["message"]


async def test_the_back_cover_leads_to_the_public_address(teachers_client: Client) -> None:
    async with teachers_client(public_url="https://livros.escola.example") as http:
        code = (await create(http))["magic_code"]
        response = await http.get(f"/api/books/{code}/pdf")
    back = PdfReader(io.BytesIO(response.content)).pages[7].extract_text()
    assert f"https://livros.escola.example/read/{code}" in back


async def test_pdf_of_unknown_or_mistyped_codes(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/books/ABC-DEF-GH/pdf"), 400)
    assert_problem(await client.get("/api/books/222-222-222/pdf"), 404)
    assert_problem(await client.get("/api/books/222-222-222/pdf?layout=booklet"), 404)
