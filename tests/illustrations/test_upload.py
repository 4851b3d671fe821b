"""Streaming multipart reception, driven through a tiny Starlette app."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from magicshelf.errors import MagicShelfError
from magicshelf.illustrations.upload import UPLOAD_ENVELOPE_BYTES, receive_upload

LIMIT = 100_000
BOUNDARY = "drawing-boundary-1234"
MULTIPART = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


async def upload(request: Request) -> Response:
    directory: Path = request.app.state.directory
    path = await receive_upload(request, field="file", max_bytes=LIMIT, directory=directory)
    data = await asyncio.to_thread(path.read_bytes)
    await asyncio.to_thread(path.unlink)
    return JSONResponse({"size": len(data), "sha256": hashlib.sha256(data).hexdigest()})


async def problem(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, MagicShelfError)
    body = {"status": exc.status, "detail": exc.detail, **exc.extra()}
    return JSONResponse(body, status_code=exc.status)


@pytest.fixture
async def upload_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(
        routes=[Route("/upload", upload, methods=["POST"])],
        exception_handlers={MagicShelfError: problem},
    )
    app.state.directory = tmp_path
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def part(name: str, data: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"


CLOSING = f"--{BOUNDARY}--\r\n".encode()


class CountingBody:
    """A request body that records how much of itself the server pulled."""

    def __init__(self, head: bytes, chunk: bytes, count: int) -> None:
        self.head, self.chunk, self.count = head, chunk, count
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        for _ in range(self.count):
            self.sent += 1
            yield self.chunk


def leftovers(directory: Path) -> list[Path]:
    return list(directory.iterdir())


async def test_upload_arrives_byte_for_byte(
    upload_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    data = os.urandom(LIMIT)
    response = await upload_client.post(
        "/upload",
        files={"file": ("drawing.png", data, "image/png")},
        data={"title": "The brave dragon"},
    )

    assert response.status_code == 200
    assert response.json() == {"size": LIMIT, "sha256": hashlib.sha256(data).hexdigest()}
    assert leftovers(tmp_path) == []


async def test_file_over_the_limit_is_413_and_leaves_nothing(
    upload_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    response = await upload_client.post("/upload", files={"file": ("a.png", b"x" * (LIMIT + 1))})

    assert response.status_code == 413
    assert "100 KB" in response.json()["detail"]
    assert leftovers(tmp_path) == []


async def test_streaming_stops_as_soon_as_the_file_passes_the_limit(
    upload_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    head = part("file", b"", "big.jpg")[: -len(b"\r\n")]
    body = CountingBody(head, b"y" * 16_384, count=1_000)

    response = await upload_client.post("/upload", content=body, headers=MULTIPART)

    assert response.status_code == 413
    assert body.sent <= LIMIT // 16_384 + 2
    assert leftovers(tmp_path) == []


async def test_declared_content_length_over_the_limit_is_refused_unread(
    upload_client: httpx.AsyncClient,
) -> None:
    body = CountingBody(b"", b"z" * 1024, count=10)
    headers = {**MULTIPART, "Content-Length": str(LIMIT + UPLOAD_ENVELOPE_BYTES + 1)}

    response = await upload_client.post("/upload", content=body, headers=headers)

    assert response.status_code == 413
    assert body.sent == 0


async def test_other_fields_are_capped(upload_client: httpx.AsyncClient, tmp_path: Path) -> None:
    content = part("notes", b"n" * (UPLOAD_ENVELOPE_BYTES + 1)) + part("file", b"ok") + CLOSING

    response = await upload_client.post("/upload", content=content, headers=MULTIPART)

    assert response.status_code == 413
    assert leftovers(tmp_path) == []


def field_error(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 422
    errors: list[dict[str, Any]] = response.json()["errors"]
    assert [error["field"] for error in errors] == ["file"]
    return errors[0]


async def test_missing_field_is_422(upload_client: httpx.AsyncClient, tmp_path: Path) -> None:
    response = await upload_client.post("/upload", files={"picture": ("a.png", b"data")})

    assert "field named file" in field_error(response)["message"]
    assert leftovers(tmp_path) == []


async def test_body_that_is_not_multipart_is_422(upload_client: httpx.AsyncClient) -> None:
    response = await upload_client.post("/upload", json={"file": "drawing.png"})

    assert "multipart/form-data in a field named file" in field_error(response)["message"]


async def test_empty_file_is_422(upload_client: httpx.AsyncClient, tmp_path: Path) -> None:
    response = await upload_client.post("/upload", files={"file": ("a.png", b"")})

    assert "empty" in field_error(response)["message"]
    assert leftovers(tmp_path) == []


async def test_two_files_are_422(upload_client: httpx.AsyncClient, tmp_path: Path) -> None:
    content = part("file", b"one", "a.png") + part("file", b"two", "b.png") + CLOSING

    response = await upload_client.post("/upload", content=content, headers=MULTIPART)

    assert "only one file" in field_error(response)["message"]
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"this is not multipart at all", id="garbage"),
        pytest.param(part("file", b"half a drawing", "a.png")[:-2], id="cut-off"),
    ],
)
async def test_unreadable_body_is_400(
    upload_client: httpx.AsyncClient, tmp_path: Path, content: bytes
) -> None:
    response = await upload_client.post("/upload", content=content, headers=MULTIPART)

    assert response.status_code == 400
    assert leftovers(tmp_path) == []
