"""The database itself refuses broken data, whatever the Python code does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from magicshelf.books.models import Book, Page, utcnow
from magicshelf.db import Database
from magicshelf.settings import Settings


def a_book(code: str = "222222222") -> dict[str, Any]:
    now = utcnow()
    return {
        "magic_code": code,
        "title": "t",
        "author": "a",
        "teacher": "p",
        "school": None,
        "edit_key_hash": "0" * 64,
        "revision": 1,
        "created_at": now,
        "updated_at": now,
    }


BROKEN: dict[str, Callable[[int], Any]] = {
    "duplicate code": lambda _: insert(Book).values(**a_book()),
    "short code": lambda _: insert(Book).values(**a_book("22")),
    "page 7": lambda book: insert(Page).values(book_id=book, number=7, text=""),
    "page 0": lambda book: insert(Page).values(book_id=book, number=0, text=""),
    "second page 1": lambda book: insert(Page).values(book_id=book, number=1, text=""),
    "page of no book": lambda book: insert(Page).values(book_id=book + 99, number=2, text=""),
    "half an illustration": lambda book: (
        update(Page).values(master_key="k").where(Page.book_id == book)
    ),
}


async def new_book(session: AsyncSession) -> int:
    statement = insert(Book).values(**a_book()).returning(Book.id)
    book: int = (await session.execute(statement)).scalar_one()
    return book


@pytest.mark.parametrize("breakage", BROKEN)
async def test_broken_rows_are_refused(settings: Settings, breakage: str) -> None:
    database = Database(settings)
    try:
        async with database.session() as session:
            book = await new_book(session)
            await session.execute(insert(Page).values(book_id=book, number=1, text=""))
            await session.commit()
            with pytest.raises(IntegrityError):
                await session.execute(BROKEN[breakage](book))
            await session.rollback()
    finally:
        await database.close()


async def test_deleting_a_book_cascades_to_its_pages(settings: Settings) -> None:
    database = Database(settings)
    try:
        async with database.session() as session:
            book = await new_book(session)
            await session.execute(
                insert(Page), [{"book_id": book, "number": n, "text": ""} for n in (1, 2)]
            )
            await session.execute(delete(Book).where(Book.id == book))
            await session.commit()
            assert await session.scalar(select(func.count()).select_from(Page)) == 0
    finally:
        await database.close()
