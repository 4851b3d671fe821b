"""GET /api/books/{code}/pdf through HTTP."""

from __future__ import annotations

import io

import httpx
from pypdf import PdfReader

from tests.books.test_api import assert_problem, create, key
from tests.images import drawing, encode


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
    assert len(reader.pages) == 7
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert "A Árvore que Dançava por Maria Eduarda" in texts[0]
    assert "Era uma vez uma árvore." in texts[1]
    assert code in texts[6]
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


async def test_pdf_of_unknown_or_mistyped_codes(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/books/ABC-DEF-GH/pdf"), 400)
    assert_problem(await client.get("/api/books/222-222-222/pdf"), 404)
