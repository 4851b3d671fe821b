"""Drawings through HTTP: upload, serve, replace, remove, collect; on both databases."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from magicshelf.books.models import Page
from magicshelf.db import Database
from magicshelf.illustrations.service import Collected, collect_garbage
from magicshelf.illustrations.storage import BlobStorage
from tests.books.test_api import assert_problem, count_rows, create, key
from tests.images import cmyk_jpeg, declared_png, drawing, encode, phone_photo


def upload(content: bytes, name: str = "desenho.png", mime: str = "image/png") -> dict[str, Any]:
    return {"files": {"file": (name, content, mime)}}


async def put_drawing(
    client: httpx.AsyncClient, created: dict[str, Any], number: int, content: bytes, **kw: Any
) -> httpx.Response:
    url = f"/api/books/{created['magic_code']}/pages/{number}/illustration"
    return await client.put(url, headers=key(created), **upload(content, **kw))


async def stored_keys(app: FastAPI) -> set[str]:
    storage: BlobStorage = app.resources.storage
    return {info.key async for info in storage.list()}


async def gc(app: FastAPI) -> Collected:
    database: Database = app.resources.database
    async with database.session() as session:
        return await collect_garbage(
            session=session, storage=app.resources.storage, grace=timedelta(seconds=-1)
        )


def referenced(book: dict[str, Any]) -> set[str]:
    keys = set()
    for page in book["pages"]:
        if page["illustration"]:
            keys |= {page["illustration"]["url"], page["illustration"]["thumbnail_url"]}
    return {url.removeprefix("/media/") for url in keys}


SIX_DRAWINGS = [
    ("foto-do-celular.jpg", "image/jpeg", phone_photo()),
    ("digitalizado.png", "image/png", encode(drawing(1700, 1200, seed=1), "PNG")),
    ("tablet.png", "image/png", encode(drawing(900, 900, seed=2).convert("RGBA"), "PNG")),
    ("desenho.webp", "image/webp", encode(drawing(1000, 700, seed=3), "WEBP", quality=90)),
    ("cmyk.jpg", "image/jpeg", cmyk_jpeg()),
    ("paleta.png", "image/png", encode(drawing(640, 480, seed=4).convert("P"), "PNG")),
]


@pytest.mark.parametrize("storage_url", ["file", "s3"], indirect=True)
async def test_six_drawings_are_stored_and_served(client: httpx.AsyncClient) -> None:
    created = await create(client)
    for number, (name, mime, content) in enumerate(SIX_DRAWINGS, start=1):
        response = await put_drawing(client, created, number, content, name=name, mime=mime)
        assert response.status_code == 200, response.text
        assert response.json()["content_type"] == "image/jpeg"

    book = (await client.get(f"/api/books/{created['magic_code']}")).json()
    illustrations = [page["illustration"] for page in book["pages"]]
    assert all(illustrations)
    # The phone stored 800x600 sideways with orientation 6: upright it is 600x800.
    assert (illustrations[0]["width"], illustrations[0]["height"]) == (600, 800)
    assert (illustrations[1]["width"], illustrations[1]["height"]) == (1700, 1200)

    for illustration in illustrations:
        for url in (illustration["url"], illustration["thumbnail_url"]):
            served = await client.get(url)
            assert served.status_code == 200
            assert served.headers["content-type"] == "image/jpeg"
            assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert served.headers["x-content-type-options"] == "nosniff"
            assert int(served.headers["content-length"]) == len(served.content)
            with Image.open(io.BytesIO(served.content)) as image:
                assert image.mode == "RGB"
                assert len(image.getexif()) == 0
                ratio = illustration["width"] / illustration["height"]
                assert abs(image.width / image.height - ratio) < 0.02
            assert b"PhoneMaker" not in served.content
            assert b"GPS" not in served.content
            again = await client.get(url, headers={"If-None-Match": served.headers["etag"]})
            assert again.status_code == 304
    with Image.open(io.BytesIO((await client.get(illustrations[0]["url"])).content)) as web:
        assert web.getpixel((web.width - 5, 5))[0] > 200  # the red corner turned to top right


HOSTILE = [
    ("texto.png", b"just some text, not a drawing\n" * 10, 415),
    ("quebrado.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 200, 422),
    ("gigante.png", declared_png(60000, 60000), 422),
    (
        "desenho.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        415,
    ),
    ("anim.gif", encode(drawing(100, 80), "GIF"), 415),
    ("vazio.png", b"", 422),
    ("cortado.jpg", encode(drawing(800, 600), "JPEG")[:3000], 422),
]


@pytest.mark.parametrize(("name", "content", "status"), HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_hostile_files_are_refused_and_leave_nothing(
    client: httpx.AsyncClient, app: FastAPI, name: str, content: bytes, status: int
) -> None:
    created = await create(client)
    response = await put_drawing(client, created, 2, content, name=name)
    assert_problem(response, status)
    book = (await client.get(f"/api/books/{created['magic_code']}")).json()
    assert book == created["book"]
    assert await stored_keys(app) == set()


async def test_over_the_size_limit_is_413_without_reading_it_all(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    created = await create(client)
    big = b"\xff\xd8\xff" + b"\x00" * 20_000_000
    assert_problem(await put_drawing(client, created, 1, big), 413, mentions="15 MB")
    url = f"/api/books/{created['magic_code']}/pages/1/illustration"

    async def endless() -> Any:  # chunked, no Content-Length: cut off while streaming
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.jpg"\r\n\r\n'
        for _ in range(400):
            yield b"\x00" * 100_000

    streamed = await client.put(
        url,
        content=endless(),
        headers={**key(created), "content-type": "multipart/form-data; boundary=b"},
    )
    assert_problem(streamed, 413)
    assert await stored_keys(app) == set()


async def test_requests_that_are_not_uploads(client: httpx.AsyncClient) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}/pages/1/illustration"
    no_field = await client.put(
        url, headers=key(created), files={"other": ("a.png", b"x", "image/png")}
    )
    assert_problem(no_field, 422, mentions="field named file")
    as_json = await client.put(url, headers=key(created), json={"file": "x"})
    assert_problem(as_json, 422, mentions="multipart")
    content = encode(drawing(), "PNG")
    assert_problem(await client.put(url, **upload(content)), 401)
    assert_problem(
        await client.put(url, headers={"Authorization": "Bearer x"}, **upload(content)), 403
    )
    seven = f"/api/books/{created['magic_code']}/pages/7/illustration"
    assert_problem(await client.put(seven, headers=key(created), **upload(content)), 404)


async def test_replace_and_remove_then_gc_frees_what_nobody_uses(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}"
    first = await put_drawing(client, created, 1, encode(drawing(seed=1), "PNG"))
    etag_before = (await client.get(url)).headers["etag"]
    second = await put_drawing(client, created, 1, encode(drawing(seed=2), "PNG"))
    assert first.json()["url"] != second.json()["url"]
    book = (await client.get(url)).json()
    assert book["pages"][0]["illustration"] == second.json()
    assert (await client.get(url)).headers["etag"] != etag_before

    result = await gc(app)
    assert result.deleted == 3
    assert result.freed_bytes > 0
    left = await stored_keys(app)
    assert len(left) == 3
    assert referenced(book) <= left
    assert (await client.get(first.json()["url"])).status_code == 404
    assert (await client.get(second.json()["url"])).status_code == 200

    removed = await client.delete(f"{url}/pages/1/illustration", headers=key(created))
    assert removed.status_code == 204
    book = (await client.get(url)).json()
    assert book["pages"][0]["illustration"] is None
    assert book["pages"][0]["text"] == "Era uma vez uma árvore."
    assert (await gc(app)).deleted == 3
    assert await stored_keys(app) == set()


async def test_the_same_drawing_twice_is_stored_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    one, two = await create(client), await create(client)
    content = encode(drawing(seed=5), "PNG")
    first = (await put_drawing(client, one, 1, content)).json()
    second = (await put_drawing(client, two, 4, content)).json()
    assert first == second
    assert len(await stored_keys(app)) == 3


async def test_deleting_a_book_lets_gc_free_its_drawings(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    created = await create(client)
    await put_drawing(client, created, 3, encode(drawing(), "PNG"))
    await client.delete(f"/api/books/{created['magic_code']}", headers=key(created))
    assert await count_rows(app, Page) == 0
    assert (await gc(app)).deleted == 3
    assert await stored_keys(app) == set()


async def test_two_uploads_race_for_one_page(client: httpx.AsyncClient, app: FastAPI) -> None:
    created = await create(client)
    contents = [encode(drawing(seed=s), "PNG") for s in (7, 8)]
    responses = await asyncio.gather(*(put_drawing(client, created, 2, c) for c in contents))
    assert [r.status_code for r in responses] == [200, 200]
    book = (await client.get(f"/api/books/{created['magic_code']}")).json()
    winner = book["pages"][1]["illustration"]
    assert winner in [r.json() for r in responses]
    await gc(app)
    left = await stored_keys(app)
    assert len(left) == 3
    assert referenced(book) <= left
    assert await count_rows(app, Page) == 6


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "x.jpg", "A" * 64 + ".jpg"]
)
async def test_media_keys_cannot_escape(client: httpx.AsyncClient, name: str) -> None:
    response = await client.get(f"/media/{name}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_unknown_media_is_404(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/media/" + "a" * 64 + ".jpg"), 404)


async def test_readiness_checks_storage(client: httpx.AsyncClient) -> None:
    assert (await client.get("/readyz")).json()["checks"] == {"database": "ok", "storage": "ok"}


async def test_head_answers_headers_without_the_body(client: httpx.AsyncClient) -> None:
    created = await create(client)
    drawn = await put_drawing(client, created, 1, encode(drawing(), "PNG"))
    for url in (f"/api/books/{created['magic_code']}", drawn.json()["url"]):
        got, head = await client.get(url), await client.head(url)
        assert head.status_code == 200
        assert head.content == b""
        assert head.headers["etag"] == got.headers["etag"]
        assert head.headers["content-type"] == got.headers["content-type"]
