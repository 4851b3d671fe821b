"""A class's books: drafts, publishing, the overview, and the teacher's session as key."""

from __future__ import annotations

from typing import Any

import httpx

from magicshelf.books.models import Book, Page
from tests.books.test_api import assert_problem
from tests.classes.test_api import TURMA, _as, _two_teachers
from tests.conftest import Client
from tests.images import drawing, encode
from tests.teachers.test_api import BIA, _count
from tests.voices import corpus

Class = tuple[str, str, str, list[dict[str, Any]]]


def _marks(book: dict[str, Any]) -> list[tuple[bool, bool, bool]]:
    """(has_text, has_drawing, has_audio) of each page of a book in the overview."""
    return [(p["has_text"], p["has_drawing"], p["has_audio"]) for p in book["pages"]]


async def _class_of_three(http: httpx.AsyncClient) -> Class:
    """Ana's class with a roster of three; its id, Ana's and Bia's cookies, the books."""
    ana, bia = await _two_teachers(http)
    class_id = (await http.post("/api/classes", json=TURMA, headers=_as(ana))).json()["id"]
    names = {"names": ["Ana Souza", "Bruno Lima", "Caio Prado"]}
    made = await http.post(f"/api/classes/{class_id}/roster", json=names, headers=_as(ana))
    assert made.status_code == 201, made.text
    return class_id, ana, bia, made.json()["books"]


async def test_a_draft_is_still_being_written_for_families(teachers_client: Client) -> None:
    async with teachers_client(miss_limit=2) as http:
        _, ana, _, books = await _class_of_three(http)
        code = books[0]["magic_code"]

        # More lookups than the miss limit: a draft's code is right, so none is a miss.
        for _ in range(3):
            problem = assert_problem(await http.get(f"/api/books/{code}"), 404)
            assert problem["type"] == "/problems/book-not-published"
        page = await http.get(f"/read/{code}")
        assert page.status_code == 404
        assert "ainda está sendo escrito" in page.text
        assert_problem(await http.get(f"/api/books/{code}/pdf"), 404)

        # Her teacher reads it, and no shared cache may keep it for others.
        seen = await http.get(f"/api/books/{code}", headers=_as(ana))
        assert seen.status_code == 200, seen.text
        assert seen.json()["published"] is False
        assert seen.headers["cache-control"] == "private, no-cache"
        again = await http.get(
            f"/api/books/{code}", headers={**_as(ana), "If-None-Match": seen.headers["etag"]}
        )
        assert again.status_code == 304
        stale = {"If-None-Match": seen.headers["etag"]}
        assert_problem(await http.get(f"/api/books/{code}", headers=stale), 404)
        assert (await http.get(f"/read/{code}", headers=_as(ana))).status_code == 200

        published = await http.patch(
            f"/api/books/{code}", json={"published": True}, headers=_as(ana)
        )
        assert published.json()["published"] is True
        family = await http.get(f"/api/books/{code}")
        assert family.status_code == 200
        assert family.headers["cache-control"] == "no-cache"
        assert "ainda está sendo escrito" not in (await http.get(f"/read/{code}")).text


async def test_the_teachers_session_edits_the_books_of_her_classes(
    teachers_client: Client,
) -> None:
    async with teachers_client() as http:
        class_id, ana, bia, books = await _class_of_three(http)
        book = books[1]["links"]["book"]
        assert _marks(books[1]) == [(False, False, False)] * 6  # as the roster made it

        text = await http.put(f"{book}/pages/2", json={"text": "Era uma vez."}, headers=_as(ana))
        assert text.status_code == 200, text.text
        title = await http.patch(book, json={"title": "O Dragão"}, headers=_as(ana))
        assert title.json()["title"] == "O Dragão"
        picture = encode(drawing(), "JPEG")
        upload = await http.put(
            f"{book}/pages/3/illustration",
            files={"file": ("d.jpg", picture, "image/jpeg")},
            headers=_as(ana),
        )
        assert upload.status_code == 200, upload.text
        assert (await http.get(f"{book}/access", headers=_as(ana))).status_code == 204

        path = f"/api/classes/{class_id}"
        overview = (await http.get(path, headers=_as(ana))).json()
        child = overview["books"][1]
        assert (child["author"], child["title"]) == ("Bruno Lima", "O Dragão")
        bare, typed, drawn = (False, False, False), (True, False, False), (False, True, False)
        assert _marks(child) == [bare, typed, drawn, bare, bare, bare]
        assert overview["links"]["slips"] == f"/api/classes/{class_id}/slips.pdf"

        # A browser's recording: two seconds, one of them the child reading.
        sound = corpus.encode(corpus.speech(2, spoken=((0.5, 1.5),)), "webm")
        recorded = await http.put(
            f"{book}/pages/4/audio",
            files={"file": ("leitura.webm", sound, "audio/webm")},
            headers=_as(ana),
        )
        assert recorded.status_code == 200, recorded.text
        heard = (await http.get(path, headers=_as(ana))).json()["books"][1]
        assert _marks(heard) == [bare, typed, drawn, (False, False, True), bare, bare]
        # Every answer that shows the class's books shows the recording too.
        renamed = await http.patch(path, json={"name": "3º ano C"}, headers=_as(ana))
        assert _marks(renamed.json()["books"][1]) == _marks(heard)
        assert (await http.delete(f"{book}/pages/4/audio", headers=_as(ana))).status_code == 204
        silent = (await http.get(path, headers=_as(ana))).json()["books"][1]
        assert _marks(silent) == _marks(child)

        # Another teacher's session is no key at all, until the class is shared with her.
        for answer in (
            await http.patch(book, json={"title": "x"}, headers=_as(bia)),
            await http.get(f"{book}/access", headers=_as(bia)),
            await http.get(book, headers=_as(bia)),
        ):
            assert answer.status_code in (401, 404), answer.text
            assert answer.json()["type"] in (
                "/problems/edit-key-required",
                "/problems/book-not-published",
            )
        shared = await http.post(
            f"/api/classes/{class_id}/teachers", json={"email": BIA["email"]}, headers=_as(ana)
        )
        assert shared.status_code == 200
        assert _marks(shared.json()["books"][1]) == _marks(child)
        assert (await http.get(f"{book}/access", headers=_as(bia))).status_code == 204

        # A cookie is sent by the browser on its own: a cross-site edit is refused.
        evil = {**_as(ana), "Origin": "https://evil.example"}
        assert_problem(await http.patch(book, json={"title": "x"}, headers=evil), 403)
        # A book outside her classes, or no book at all: as if she had no key.
        alone = await http.post(
            "/api/books", json={"title": "Só", "author": "Lia", "teacher": "Rosa"}
        )
        assert alone.status_code == 201
        outside = f"/api/books/{alone.json()['magic_code']}"
        assert_problem(await http.patch(outside, json={"title": "x"}, headers=_as(ana)), 401)
        assert_problem(await http.get("/api/books/ABC-DEF-GH3/access", headers=_as(ana)), 401)
        forged = {"Cookie": "magicshelf_session=forged"}
        assert_problem(await http.patch(book, json={"title": "x"}, headers=forged), 401)
        # The edit key still works as before, for the book made alone.
        key = {"Authorization": f"Bearer {alone.json()['edit_key']}"}
        assert (await http.get(f"{outside}/access", headers=key)).status_code == 204


async def test_publishing_a_class_and_deleting_it(teachers_client: Client) -> None:
    async with teachers_client() as http:
        class_id, ana, _, books = await _class_of_three(http)
        path = f"/api/classes/{class_id}"
        before = await http.get(books[0]["links"]["book"], headers=_as(ana))

        published = await http.post(f"{path}/publish", headers=_as(ana))
        assert published.status_code == 200, published.text
        assert [b["published"] for b in published.json()["books"]] == [True] * 3
        for book in books:
            assert (await http.get(book["links"]["book"])).status_code == 200
        after = await http.get(books[0]["links"]["book"])
        assert after.json()["updated_at"] >= before.json()["updated_at"]
        assert after.headers["etag"] != before.headers["etag"]  # caches see the change

        assert (await http.delete(path, headers=_as(ana))).status_code == 204
        assert await _count(http, Book) == 0
        assert await _count(http, Page) == 0
        assert_problem(await http.get(books[0]["links"]["book"]), 404)
