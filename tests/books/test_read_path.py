"""The lean read path (one query, plain records) answers exactly what the ORM path would."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from magicshelf.books import codes, service
from magicshelf.books.present import book_json, etag
from magicshelf.db import AnySelect, Database
from magicshelf.errors import BookNotFound
from tests.books.test_api import create, key
from tests.images import drawing, encode

# What a revalidation reads: the ETag's parts, and whether only editors may see it.
REVISION = ["magic_code", "revision", "published"]


async def test_read_book_matches_the_orm_book(client: httpx.AsyncClient, app: FastAPI) -> None:
    created = await create(client, school=None)
    code = created["magic_code"]
    drawn = await client.put(
        f"/api/books/{code}/pages/2/illustration",
        headers=key(created),
        files={"file": ("d.png", encode(drawing(), "PNG"), "image/png")},
    )
    assert drawn.status_code == 200, drawn.text
    database: Database = app.resources.database
    record = await service.read_book(database=database, code=codes.parse(code))
    async with database.session() as session:
        orm_book = await service.find_book(session=session, code=codes.parse(code))
        assert service.record_of(orm_book) == record
        assert etag(record) == etag(orm_book)
    assert [page.number for page in record.pages] == [1, 2, 3, 4, 5, 6]
    assert record.pages[1].master_key is not None
    assert record.school is None
    answer = await client.get(f"/api/books/{code}")
    assert answer.json() == book_json(record)


async def test_read_book_of_an_unknown_code(app: FastAPI) -> None:
    with pytest.raises(BookNotFound):
        await service.read_book(database=app.resources.database, code=codes.new_code())


async def test_reads_keep_working_after_cancelled_ones(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """A read cancelled mid-query (a client gone) must not leave a broken pooled connection."""
    created = await create(client)
    code = codes.parse(created["magic_code"])
    database: Database = app.resources.database
    for _ in range(5):
        task = asyncio.create_task(service.read_book(database=database, code=code))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    results = await asyncio.gather(
        *(service.read_book(database=database, code=code) for _ in range(10))
    )
    assert {record.magic_code for record in results} == {code}


async def test_a_read_is_one_query_and_a_revalidation_reads_only_the_revision(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}"
    queries: list[list[str]] = []
    real = Database.read_rows

    async def counted(self: Database, query: AnySelect, params: Mapping[str, Any]) -> Any:
        queries.append([column.name for column in query.selected_columns])
        return await real(self, query, params)

    monkeypatch.setattr(Database, "read_rows", counted)
    first = await client.get(url)
    assert first.status_code == 200
    assert len(queries) == 1
    assert {"magic_code", "revision", "title", "text", "web_key"} <= set(queries[0])
    whole_book = queries.pop()

    revalidated = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert revalidated.status_code == 304
    assert revalidated.headers["etag"] == first.headers["etag"]
    assert queries == [REVISION]
    queries.clear()

    stale = await client.get(url, headers={"If-None-Match": '"ABCDEFGHJ.1"'})
    assert stale.content == first.content
    assert queries == [REVISION, whole_book]
    queries.clear()

    unknown = f"/api/books/{codes.display(codes.new_code())}"
    gone = await client.get(unknown, headers={"If-None-Match": first.headers["etag"]})
    assert gone.status_code == 404
    assert queries == [REVISION]
