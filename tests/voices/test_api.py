"""Recordings through HTTP: upload, serve, replace, remove, collect; refusals leave nothing."""

from __future__ import annotations

import io
import math
import struct
import wave
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.books.test_api import assert_problem, create, key
from tests.classes.test_api import _as
from tests.classes.test_class_books import _class_of_three
from tests.conftest import Client
from tests.illustrations.test_api import gc, put_drawing, stored_keys
from tests.images import drawing, encode

RATE = 16_000


def reading(seconds: float, *, silence: float = 0.5, pitch: float = 220.0) -> bytes:
    """A WAV of a voice-like sound (a tone that rises and falls in bursts), silent at both ends."""
    frames = bytearray()
    quiet = int(silence * RATE)
    for n in range(quiet + int(seconds * RATE) + quiet):
        t = (n - quiet) / RATE
        spoken = 0 <= t < seconds
        envelope = abs(math.sin(math.pi * 3 * t)) if spoken else 0.0
        value = envelope * 0.5 * math.sin(2 * math.pi * pitch * (1 + 0.1 * math.sin(t)) * t)
        frames += struct.pack("<h", int(value * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def audio_url(created: dict[str, Any], number: int) -> str:
    return f"/api/books/{created['magic_code']}/pages/{number}/audio"


async def put_audio(
    client: httpx.AsyncClient,
    created: dict[str, Any],
    number: int,
    content: bytes,
    name: str = "leitura.wav",
) -> httpx.Response:
    return await client.put(
        audio_url(created, number),
        headers=key(created),
        # The part's type is a lie on purpose: the bytes decide.
        files={"file": (name, content, "image/png")},
    )


@pytest.mark.parametrize("storage_url", ["file", "s3"], indirect=True)
async def test_a_recording_is_processed_stored_and_served(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    created = await create(client)
    book_url = f"/api/books/{created['magic_code']}"
    etag_before = (await client.get(book_url)).headers["etag"]

    response = await put_audio(client, created, 1, reading(2.0))
    assert response.status_code == 200, response.text
    audio = response.json()
    assert audio["content_type"] == "audio/mp4"
    assert audio["url"].startswith("/media/")
    assert audio["url"].endswith(".m4a")
    # Half a second of silence at each end is trimmed away.
    assert 1.7 <= audio["duration_seconds"] <= 2.3

    book = (await client.get(book_url)).json()
    assert book["pages"][0]["audio"] == audio
    assert [page["audio"] for page in book["pages"][1:]] == [None] * 5
    assert book["pages"][0]["text"] == created["book"]["pages"][0]["text"]
    assert (await client.get(book_url)).headers["etag"] != etag_before

    served = await client.get(audio["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == "audio/mp4"
    assert served.content[4:8] == b"ftyp"
    assert await stored_keys(app) == {audio["url"].removeprefix("/media/")}


async def test_a_teachers_session_records_the_books_of_her_class(teachers_client: Client) -> None:
    async with teachers_client() as http:
        _, ana, bia, books = await _class_of_three(http)
        url = f"{books[0]['links']['book']}/pages/2/audio"
        sound = {"files": {"file": ("voz.wav", reading(1.0), "audio/wav")}}
        recorded = await http.put(url, headers=_as(ana), **sound)
        assert recorded.status_code == 200, recorded.text
        refused = await http.put(url, headers=_as(bia), **sound)
        assert_problem(refused, 401)
        assert (await http.delete(url, headers=_as(ana))).status_code == 204


async def test_replace_and_remove_then_gc_frees_what_nobody_uses(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    created = await create(client)
    await put_drawing(client, created, 1, encode(drawing(), "PNG"))
    first = (await put_audio(client, created, 1, reading(1.0))).json()
    second = (await put_audio(client, created, 1, reading(1.0, pitch=330.0))).json()
    assert first["url"] != second["url"]
    again = await put_audio(client, created, 3, reading(1.0, pitch=330.0))
    assert again.json()["url"] == second["url"], "the same sound is stored once"

    assert (await gc(app)).deleted == 1
    assert (await client.get(first["url"])).status_code == 404
    assert (await client.get(second["url"])).status_code == 200

    for number in (1, 3):
        removed = await client.delete(audio_url(created, number), headers=key(created))
        assert removed.status_code == 204
    book = (await client.get(f"/api/books/{created['magic_code']}")).json()
    assert book["pages"][0]["audio"] is None
    assert book["pages"][0]["illustration"] is not None, "the drawing stays"
    assert (await gc(app)).deleted == 1
    assert len(await stored_keys(app)) == 3  # the drawing's renditions


def _png() -> bytes:
    return encode(drawing(), "PNG")


REFUSED = [
    ("desenho.mp3", _png, 415, "unsupported-audio"),
    ("nota.wav", lambda: b"Era uma vez uma voz." * 50, 415, "unsupported-audio"),
    ("vazio.wav", lambda: b"", 422, "invalid-input"),
    ("silencio.wav", lambda: reading(0.0, silence=2.0), 422, "unprocessable-audio"),
    ("cortado.wav", lambda: reading(2.0)[:40], 422, "unprocessable-audio"),
]


@pytest.mark.parametrize(
    ("name", "content", "status", "kind"), REFUSED, ids=[entry[0] for entry in REFUSED]
)
async def test_bad_recordings_are_refused_and_leave_the_page_as_it_was(
    client: httpx.AsyncClient, app: FastAPI, name: str, content: Any, status: int, kind: str
) -> None:
    created = await create(client)
    kept = (await put_audio(client, created, 2, reading(1.0))).json()
    before = (await client.get(f"/api/books/{created['magic_code']}")).json()

    problem = assert_problem(await put_audio(client, created, 2, content(), name=name), status)
    assert problem["type"] == f"/problems/{kind}"
    assert (await client.get(f"/api/books/{created['magic_code']}")).json() == before
    assert await stored_keys(app) == {kept["url"].removeprefix("/media/")}


async def test_limits_name_what_to_fix(teachers_client: Client) -> None:
    async with teachers_client(max_audio_seconds=2, max_audio_bytes=200_000) as http:
        created = await create(http)
        too_long = assert_problem(await put_audio(http, created, 1, reading(3.0)), 422)
        assert too_long["type"] == "/problems/recording-too-long"
        assert "up to 2 s." in too_long["detail"]
        too_big = assert_problem(await put_audio(http, created, 1, reading(6.5)), 413)
        assert "0.2 MB" in too_big["detail"] or "200 KB" in too_big["detail"]
        assert await stored_keys(http.app) == set()  # type: ignore[attr-defined]


async def test_an_upload_cut_off_halfway_leaves_the_page_as_it_was(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    created = await create(client)
    kept = (await put_audio(client, created, 4, reading(1.0))).json()
    sound = reading(2.0)

    async def half() -> AsyncIterator[bytes]:  # the phone lost its signal mid-way
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="v.wav"\r\n\r\n'
        yield sound[: len(sound) // 2]

    cut = await client.put(
        audio_url(created, 4),
        content=half(),
        headers={**key(created), "content-type": "multipart/form-data; boundary=b"},
    )
    assert_problem(cut, 400, mentions="cut off")
    book = (await client.get(f"/api/books/{created['magic_code']}")).json()
    assert book["pages"][3]["audio"] == kept
    assert await stored_keys(app) == {kept["url"].removeprefix("/media/")}


async def test_who_may_record(client: httpx.AsyncClient) -> None:
    created = await create(client)
    url = audio_url(created, 1)
    sound = {"files": {"file": ("v.wav", reading(0.5), "audio/wav")}}
    assert_problem(await client.put(url, **sound), 401)
    assert_problem(await client.put(url, headers={"Authorization": "Bearer x"}, **sound), 403)
    assert_problem(await client.delete(url), 401)
    seven = audio_url(created, 7)
    assert_problem(await client.put(seven, headers=key(created), **sound), 404)
