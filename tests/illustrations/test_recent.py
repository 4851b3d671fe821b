"""Recently served renditions: bounded in bytes and age, and what HTTP answers with them."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI

from magicshelf.illustrations.recent import RecentBlobs
from magicshelf.illustrations.storage import BlobStorage, key_for
from tests.illustrations.test_api import create, put_drawing
from tests.images import drawing, encode


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_least_recently_used_go_first_when_bytes_run_out() -> None:
    recent = RecentBlobs(max_bytes=10)
    recent.put("a", b"aaaa")
    recent.put("b", b"bbbb")
    assert recent.get("a") == b"aaaa"  # a is now the most recent
    recent.put("c", b"cccc")
    assert (recent.get("a"), recent.get("b"), recent.get("c")) == (b"aaaa", None, b"cccc")
    assert recent.size == 8
    recent.put("a", b"AAAAAA")  # replacing counts the new size only
    assert recent.size == 10
    assert recent.get("c") == b"cccc"


def test_too_big_or_disabled_keeps_nothing() -> None:
    recent = RecentBlobs(max_bytes=4)
    recent.put("big", b"12345")
    assert recent.get("big") is None
    off = RecentBlobs(max_bytes=0)
    off.put("x", b"1")
    assert off.get("x") is None
    assert off.size == 0


def test_entries_expire_by_age_not_by_use() -> None:
    clock = Clock()
    recent = RecentBlobs(max_bytes=100, max_age_seconds=60, clock=clock)
    recent.put("k", b"data")
    clock.now += 59
    assert recent.get("k") == b"data"
    clock.now += 2  # 61 s after it was read from storage, however often it was served
    assert recent.get("k") is None
    assert recent.size == 0


@pytest.mark.parametrize("storage_url", ["file", "s3"], indirect=True)
async def test_a_thumbnail_is_served_from_memory_until_it_expires(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    clock = Clock()
    recent = RecentBlobs(max_bytes=1_000_000, clock=clock)
    app.resources = replace(app.resources, recent_media=recent)
    created = await create(client)
    drawn = await put_drawing(client, created, 1, encode(drawing(640, 480), "PNG"))
    url = drawn.json()["thumbnail_url"]
    first = await client.get(url)
    assert first.status_code == 200
    key = url.removeprefix("/media/")
    assert key == key_for(first.content, "jpg")
    storage: BlobStorage = app.resources.storage
    await storage.delete(key)  # as gc would, once no page points at it any more
    again = await client.get(url)
    assert (again.status_code, again.content) == (200, first.content)
    assert again.headers["etag"] == first.headers["etag"]
    clock.now += 61
    assert (await client.get(url)).status_code == 404
