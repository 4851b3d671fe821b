"""S3 slow or unreachable: uploads and /media answer 503 in time, books still read."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from magicshelf.app import create_app
from tests.conftest import make_settings
from tests.faults.proxy import StallingProxy
from tests.faults.shelf import PROBLEM, drawing_png
from tests.s3server import S3Server
from tests.served import free_port

TIMEOUT = 1.0
NEW_BOOK = {"title": "O dragão azul", "author": "Ana", "teacher": "Profa. Rita"}


@asynccontextmanager
async def shelf(
    tmp_path: Path, database_url: str, endpoint: str
) -> AsyncIterator[httpx.AsyncClient]:
    storage = f"s3://magicshelf-test/{uuid.uuid4().hex}?endpoint={endpoint}&region=us-east-1"
    settings = make_settings(
        tmp_path,
        database_url,
        storage_url=storage,
        storage_timeout_seconds=TIMEOUT,
        media_cache_bytes=0,  # every /media read goes to S3
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


async def _timed(request: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await request
    return response, time.monotonic() - started


def _unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "/problems/service-unavailable"
    assert response.headers["retry-after"] == "5"
    assert "magicshelf-test" not in response.text  # no bucket, host or driver message


async def _upload(
    client: httpx.AsyncClient, book: dict[str, str], number: int, seed: int
) -> httpx.Response:
    return await client.put(
        f"/api/books/{book['magic_code']}/pages/{number}/illustration",
        headers={"Authorization": f"Bearer {book['edit_key']}"},
        files={"file": ("desenho.png", drawing_png(seed), "image/png")},
    )


async def test_s3_slow_then_back(tmp_path: Path, database_url: str, s3_server: S3Server) -> None:
    target = urlsplit(s3_server.endpoint)
    assert target.hostname is not None
    assert target.port is not None
    with StallingProxy(target.hostname, target.port) as proxy:
        async with shelf(tmp_path, database_url, f"http://127.0.0.1:{proxy.port}") as client:
            book = (await client.post("/api/books", json=NEW_BOOK)).json()
            first = await _upload(client, book, 1, seed=1)
            assert first.status_code == 200, first.text
            thumbnail = first.json()["thumbnail_url"]

            proxy.stall()
            upload, seconds = await _timed(_upload(client, book, 2, seed=2))
            _unavailable(upload)
            assert seconds < TIMEOUT + 1.0  # the timeout, plus rendering the drawing
            print(f"upload 503 after {seconds:.2f} s; ", end="")
            media, seconds = await _timed(client.get(thumbnail))
            _unavailable(media)
            assert seconds < TIMEOUT + 0.5
            print(f"/media 503 after {seconds:.2f} s")
            ready, seconds = await _timed(client.get("/readyz"))
            assert ready.status_code == 503
            assert ready.json()["checks"] == {"database": "ok", "storage": "failed"}
            assert seconds < TIMEOUT + 0.5
            # Families still open their books: a read touches only the database.
            read = await client.get(f"/api/books/{book['magic_code']}")
            assert read.status_code == 200
            pages = read.json()["pages"]
            assert pages[0]["illustration"] is not None
            assert pages[1]["illustration"] is None  # the failed upload changed nothing

            proxy.resume()
            again = await _upload(client, book, 2, seed=2)
            assert again.status_code == 200, again.text
            assert (await client.get(thumbnail)).status_code == 200
            assert (await client.get("/readyz")).status_code == 200


async def test_s3_unreachable(tmp_path: Path, database_url: str) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    async with shelf(tmp_path, database_url, closed) as client:
        book = (await client.post("/api/books", json=NEW_BOOK)).json()
        upload, seconds = await _timed(_upload(client, book, 1, seed=1))
        _unavailable(upload)
        assert seconds < TIMEOUT + 1.0
        media, _ = await _timed(client.get(f"/media/{'ab' * 32}.webp"))
        _unavailable(media)
        read = await client.get(f"/api/books/{book['magic_code']}")
        assert read.status_code == 200
        assert all(page["illustration"] is None for page in read.json()["pages"])
