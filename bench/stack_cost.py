"""CPU per request through MagicShelf's ASGI stack, without HTTP or concurrency.

Calls the app (built as ``magicshelf serve`` builds it) directly, one request after the
other, against a throwaway PostgreSQL with 2,000 seeded books, and prints the process CPU
time per request for a few paths, so the cost of each layer can be told apart:

    python -m bench.stack_cost

``/healthz`` is the floor (middleware, routing, a response); ``GET /api/books/{code}``
adds the book lookup and its JSON; ``stub`` is that route with the database answer
replaced by a ready-made record, which isolates the query's cost. Not part of
``make bench``: it is a diagnostic for NOTES.md. Bounded: 3,000 requests per path.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvloop

from bench import pg, run, seed
from magicshelf import migrations
from magicshelf.books import codes, service
from magicshelf.settings import Settings

REQUESTS = 3_000
ASGI = Callable[
    [dict[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


def _scope(path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"user-agent", b"bench")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _cpu_per_request(app: ASGI, paths: list[str]) -> tuple[float, int]:
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    for path in paths[:200]:  # warm-up: prepared statements, caches
        await app(_scope(path), receive, send)
    started = time.process_time()
    for i in range(REQUESTS):
        await app(_scope(paths[i % len(paths)]), receive, send)
    return (time.process_time() - started) / REQUESTS * 1e6, statuses[-1]


async def _measure(url: str, data: Path, book_codes: list[str], thumbnail: str) -> None:
    os.environ.update(
        MAGICSHELF_DATABASE_URL=url,
        MAGICSHELF_DATA_DIR=str(data),
        MAGICSHELF_STORAGE_URL=(data / "media").as_uri(),
    )
    from magicshelf.cli import create_app_for_serving

    app = create_app_for_serving()
    books = [f"/api/books/{codes.display(code)}" for code in book_codes]
    async with app.router.lifespan_context(app):
        for name, paths in (
            ("GET /healthz", ["/healthz"]),
            ("GET /api/books/{code}", books),
            ("GET /media/{thumbnail}", [f"/media/{thumbnail}"]),
        ):
            cpu, status = await _cpu_per_request(app, paths)
            print(f"{name:28} {cpu:6.0f} µs CPU per request (status {status})")
        real = service.read_book
        assert app.resources is not None  # the lifespan has started
        stub = await real(database=app.resources.database, code=book_codes[0])

        async def canned(*, database: object, code: str) -> service.BookRecord:
            return stub

        service.read_book = canned
        try:
            cpu, status = await _cpu_per_request(app, books)
        finally:
            service.read_book = real
        print(f"{'stub (no query)':28} {cpu:6.0f} µs CPU per request (status {status})")


def main() -> None:
    with run.workdir() as work, pg.cluster(work) as cluster:
        url = cluster.url("bench_stack")
        asyncio.run(cluster.create_database("bench_stack"))
        data = work / "data"
        migrations.upgrade(Settings(database_url=url, data_dir=data))
        drawings = asyncio.run(seed.store_drawings(data / "media", width=800, height=600))
        seeded = asyncio.run(seed.seed_books(url, count=2_000, drawings=drawings))
        print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
        # uvloop, as uvicorn picks it when serving.
        uvloop.run(_measure(url, data, seeded.codes, drawings[0].thumbnail_key))


if __name__ == "__main__":
    main()
