"""A class in print over HTTP: the slips a teacher sends home, the file for the printer."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.books.test_api import assert_problem
from tests.classes.test_api import TURMA, _as
from tests.classes.test_class_books import _class_of_three
from tests.conftest import Client
from tests.images import drawing, encode
from tests.printing.paper import page_image, pdftotext, qr_codes, reader
from tests.printing.test_pdf import images_on
from tests.teachers.test_api import ANA

CHILDREN = ["Ana Souza", "Bruno Lima", "Caio Prado"]


async def _ana_and_her_class(http: httpx.AsyncClient) -> tuple[str, str, list[dict[str, Any]]]:
    """Ana's cookie, and her class with a roster; the cookie is sent by hand, as a Secure
    one (behind an https public URL) would not be sent to http://test."""
    assert (await http.post("/api/teachers", json=ANA)).status_code == 201
    ana = http.cookies["magicshelf_session"]
    http.cookies.clear()
    class_id = (await http.post("/api/classes", json=TURMA, headers=_as(ana))).json()["id"]
    roster = {"names": CHILDREN}
    made = await http.post(f"/api/classes/{class_id}/roster", json=roster, headers=_as(ana))
    assert made.status_code == 201, made.text
    return class_id, ana, made.json()["books"]


def assert_pdf_download(response: httpx.Response, name: str) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(f'attachment; filename="{name}"')
    assert response.headers["cache-control"] == "private, no-store"  # children's names
    assert response.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("settings", "origin", "typed"),
    [
        ({}, "http://test", "http://test"),  # no public URL: the address the teacher used
        (
            {"public_url": "https://livros.escola.example"},
            "https://livros.escola.example",
            "livros.escola.example",  # browsers add https:// themselves
        ),
    ],
)
async def test_slips_open_each_childs_book_in_roster_order(
    teachers_client: Client, settings: dict[str, str], origin: str, typed: str
) -> None:
    async with teachers_client(**settings) as http:
        class_id, ana, books = await _ana_and_her_class(http)

        slips = await http.get(f"/api/classes/{class_id}/slips.pdf", headers=_as(ana))

        assert_pdf_download(slips, "3o-ano-b-bilhetes.pdf")
        assert len(reader(slips.content).pages) == 1
        urls = [f"{origin}/read/{book['magic_code']}" for book in books]
        assert qr_codes(page_image(slips.content, 1)) == urls
        [text] = pdftotext(slips.content)
        positions = [text.index(name) for name in CHILDREN]
        assert positions == sorted(positions)
        for book in books:
            assert book["magic_code"] in text
        assert f"Entre em {typed} e digite o código mágico." in text
        # The code on the slip opens the book once the teacher publishes it.
        read = await http.get(urls[0].removeprefix(origin))
        assert read.status_code == 404
        assert "ainda está sendo escrito" in read.text


async def test_the_class_pdf_has_its_published_books_in_roster_order(
    teachers_client: Client,
) -> None:
    async with teachers_client() as http:
        class_id, ana, _, books = await _class_of_three(http)
        url = f"/api/classes/{class_id}/books.pdf"
        problem = assert_problem(await http.get(url, headers=_as(ana)), 409)
        assert problem["type"] == "/problems/nothing-to-print"
        assert "publish" in problem["detail"]

        drawings = {(0, 1): 1, (2, 1): 2, (2, 2): 3}
        for (child, page), seed in drawings.items():
            picture = encode(drawing(seed=seed), "JPEG")
            uploaded = await http.put(
                f"{books[child]['links']['book']}/pages/{page}/illustration",
                files={"file": ("d.jpg", picture, "image/jpeg")},
                headers=_as(ana),
            )
            assert uploaded.status_code == 200, uploaded.text
        for child in (0, 2):  # Bruno's book is still a draft
            published = await http.patch(
                books[child]["links"]["book"], json={"published": True}, headers=_as(ana)
            )
            assert published.status_code == 200, published.text

        answer = await http.get(url, headers=_as(ana))

        assert_pdf_download(answer, "3o-ano-b-livros.pdf")
        assert answer.headers["content-length"] == str(len(answer.content))
        pages = reader(answer.content).pages
        assert len(pages) == 16
        texts = pdftotext(answer.content)
        assert "por Ana Souza" in texts[0]
        assert "por Caio Prado" in texts[8]
        assert f"http://test/read/{books[2]['magic_code']}" in texts[15]  # its back cover
        assert not any("Bruno" in text for text in texts)
        assert [n for n, page in enumerate(pages) if images_on(page)] == [1, 9, 10]
        # Each book exactly as its own PDF prints it.
        for start, book in ((0, books[0]), (8, books[2])):
            alone = await http.get(f"{book['links']['book']}/pdf")
            for number, page in enumerate(reader(alone.content).pages):
                copy = pages[start + number]
                assert copy.get_contents().get_data() == page.get_contents().get_data()
                assert [i.get_data() for i in images_on(copy)] == [
                    i.get_data() for i in images_on(page)
                ]

        assert (await http.post(f"/api/classes/{class_id}/publish", headers=_as(ana))).is_success
        everyone = await http.get(url, headers=_as(ana))
        assert len(reader(everyone.content).pages) == 24
        assert "por Bruno Lima" in pdftotext(everyone.content)[8]


@pytest.mark.parametrize("document", ["slips.pdf", "books.pdf"])
async def test_only_the_classs_teachers_print_it_and_only_what_it_has(
    teachers_client: Client, document: str
) -> None:
    async with teachers_client() as http:
        class_id, ana, bia, _ = await _class_of_three(http)
        url = f"/api/classes/{class_id}/{document}"

        assert_problem(await http.get(url), 401)
        assert_problem(await http.get(url, headers=_as(bia)), 404)
        assert_problem(
            await http.get(f"/api/classes/no-such-class/{document}", headers=_as(ana)), 404
        )
        empty = (await http.post("/api/classes", json=TURMA, headers=_as(ana))).json()["id"]
        problem = assert_problem(
            await http.get(f"/api/classes/{empty}/{document}", headers=_as(ana)), 409
        )
        assert problem["type"] == "/problems/nothing-to-print"
