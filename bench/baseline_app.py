"""The floor for reading a book: raw ASGI, one asyncpg pool, one query, orjson.

It answers GET /api/books/{code} with the same JSON bytes and ETag as MagicShelf (the run
checks that) and 304 on a matching If-None-Match, but skips everything else MagicShelf
does: no framework, no ORM, no check symbol, no miss counting, no problem+json.
Run it on the same uvicorn as the app, one worker: ``python -m bench.baseline_app PORT``.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
import orjson
import uvicorn
from starlette.types import Receive, Scope, Send

QUERY = """
SELECT b.magic_code, b.title, b.author, b.teacher, b.school, b.published, b.revision,
       b.created_at, b.updated_at, p.number, p.text, p.web_key, p.thumbnail_key,
       p.image_width, p.image_height, p.image_content_type, p.audio_key, p.audio_duration_ms
FROM books b JOIN pages p ON p.book_id = b.id
WHERE b.magic_code = $1
ORDER BY p.number
"""
PREFIX = "/api/books/"
_pool: asyncpg.Pool | None = None


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _page(row: asyncpg.Record) -> dict[str, Any]:
    illustration = None
    if row["web_key"] is not None:
        illustration = {
            "url": f"/media/{row['web_key']}",
            "thumbnail_url": f"/media/{row['thumbnail_key']}",
            "width": row["image_width"],
            "height": row["image_height"],
            "content_type": row["image_content_type"],
        }
    audio = None
    if row["audio_key"] is not None:
        audio = {
            "url": f"/media/{row['audio_key']}",
            "content_type": "audio/mp4",
            "duration_seconds": row["audio_duration_ms"] / 1000,
        }
    return {
        "number": row["number"],
        "text": row["text"],
        "illustration": illustration,
        "audio": audio,
    }


def _book(rows: list[asyncpg.Record]) -> dict[str, Any]:
    first = rows[0]
    compact = first["magic_code"]
    code = f"{compact[0:3]}-{compact[3:6]}-{compact[6:9]}"
    return {
        "magic_code": code,
        "title": first["title"],
        "author": first["author"],
        "teacher": first["teacher"],
        "school": first["school"],
        "published": first["published"],
        "created_at": _timestamp(first["created_at"]),
        "updated_at": _timestamp(first["updated_at"]),
        "pages": [_page(row) for row in rows],
        "links": {"reader": f"/read/{code}", "pdf": f"/api/books/{code}/pdf"},
    }


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
) -> None:
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _read_book(scope: Scope, send: Send, typed: str) -> None:
    compact = typed.replace("-", "").replace("%20", "").upper()
    assert _pool is not None
    rows = await _pool.fetch(QUERY, compact)
    if not rows:
        await _respond(send, 404, [(b"content-type", b"application/problem+json")], b"{}")
        return
    tag = f'"{compact}.{rows[0]["revision"]}"'.encode()
    headers = [(b"etag", tag), (b"cache-control", b"no-cache")]
    if dict(scope["headers"]).get(b"if-none-match") == tag:
        await _respond(send, 304, headers, b"")
        return
    headers.append((b"content-type", b"application/json"))
    await _respond(send, 200, headers, orjson.dumps(_book(rows)))


async def _keep(connection: asyncpg.Connection) -> None:
    """Nothing to reset: the baseline never changes session state."""


async def _lifespan(receive: Receive, send: Send) -> None:
    global _pool
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            # As many connections as MagicShelf may open (MAGICSHELF_DB_POOL_SIZE, 20).
            # reset=_keep: asyncpg would otherwise send a reset query on every release,
            # and the baseline is meant to cost exactly one query per read.
            _pool = await asyncpg.create_pool(
                os.environ["BENCH_DATABASE_URL"], min_size=10, max_size=20, reset=_keep
            )
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if _pool is not None:
                await _pool.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    path: str = scope["path"]
    if path.startswith(PREFIX) and path.count("/") == 3:
        await _read_book(scope, send, path.removeprefix(PREFIX))
    elif path == "/healthz":
        await _respond(send, 200, [(b"content-type", b"text/plain")], b"ok")
    else:
        await _respond(send, 404, [(b"content-type", b"text/plain")], b"not found")


if __name__ == "__main__":
    # uvicorn picks uvloop and httptools by itself, as it does for MagicShelf.
    uvicorn.run(
        "bench.baseline_app:app",
        host="127.0.0.1",
        port=int(sys.argv[1]),
        workers=1,
        access_log=False,
        server_header=False,
        log_level="warning",
    )
