"""The lean read path (one query, plain records) answers exactly what the ORM path would."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from magicshelf.books import codes, service
from magicshelf.books.present import book_json, etag
from magicshelf.db import Database
from magicshelf.errors import BookNotFound
from tests.books.test_api import create, key
from tests.images import drawing, encode


async def test_read_book_matches_the_orm_book(client: httpx.AsyncClient, app: FastAPI) -> None:
    created = await create(client, school=None)
    code = created["magic_code"]
    drawn = await client.put(
        f"/api/books/{code}/pages/2/illustration",
        headers=key(created),
        files={"file": ("d.png", encode(drawing(), "PNG"), "image/png")},
    )
    assert drawn.status_code == 200, drawn.text
    database: Database = app.state.database
    record = await service.read_book(database=database, code=codes.parse(code))
    async with database.session() as session:
        orm_book = await service.find_book(session=session, code=codes.parse(code))
        assert book_json(record) == book_json(orm_book)
        assert etag(record) == etag(orm_book)
    assert [page.number for page in record.pages] == [1, 2, 3, 4, 5, 6]
    assert record.pages[1].master_key is not None
    assert record.school is None
    answer = await client.get(f"/api/books/{code}")
    assert answer.json() == book_json(record)


async def test_read_book_of_an_unknown_code(app: FastAPI) -> None:
    with pytest.raises(BookNotFound):
        await service.read_book(database=app.state.database, code=codes.new_code())


async def test_reads_keep_working_after_cancelled_ones(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """A read cancelled mid-query (a client gone) must not leave a broken pooled connection."""
    created = await create(client)
    code = codes.parse(created["magic_code"])
    database: Database = app.state.database
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
