"""Idempotency-Key on creates: one book however often, and concurrently, it is sent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from magicshelf.books.models import Book, utcnow
from magicshelf.idempotency import IdempotentRequest
from tests.books.test_api import NEW_BOOK, assert_problem, count_rows
from tests.classes.test_api import _as
from tests.classes.test_roster import _class
from tests.conftest import Client
from tests.teachers.test_api import _count

KEY = "5f0c3c1e-8f7a-4d52-9a0b-2f4e2a1d9c11"


def _with_key(key: str = KEY) -> dict[str, str]:
    return {"Idempotency-Key": key}


async def test_a_repeated_create_answers_the_first_book(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    first = await client.post("/api/books", json=NEW_BOOK, headers=_with_key())
    again = await client.post("/api/books", json=NEW_BOOK, headers=_with_key())
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()  # the same code and the same edit key
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert again.headers["location"] == first.headers["location"]
    assert await count_rows(app, Book) == 1
    access = f"{first.headers['location']}/access"
    bearer = {"Authorization": f"Bearer {again.json()['edit_key']}"}
    assert (await client.get(access, headers=bearer)).status_code == 204

    # Another key is another book; the same key with another request is refused.
    other = await client.post("/api/books", json=NEW_BOOK, headers=_with_key(KEY[::-1]))
    assert other.json()["magic_code"] != first.json()["magic_code"]
    changed = {**NEW_BOOK, "title": "Outro"}
    conflict = await client.post("/api/books", json=changed, headers=_with_key())
    assert assert_problem(conflict, 409)["type"] == "/problems/idempotency-key-reused"
    assert_problem(await client.post("/api/books", json=NEW_BOOK, headers=_with_key("1")), 422)
    assert await count_rows(app, Book) == 2


async def test_concurrent_replays_make_one_book(client: httpx.AsyncClient, app: FastAPI) -> None:
    answers = await asyncio.gather(
        *(client.post("/api/books", json=NEW_BOOK, headers=_with_key()) for _ in range(8))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({(a.json()["magic_code"], a.json()["edit_key"]) for a in answers}) == 1
    assert await count_rows(app, Book) == 1


async def test_after_24_hours_the_key_makes_a_new_book(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    first = await client.post("/api/books", json=NEW_BOOK, headers=_with_key())
    async with app.resources.database.session() as session:  # type: ignore[attr-defined]
        await session.execute(
            update(IdempotentRequest).values(created_at=utcnow() - timedelta(hours=25))
        )
        await session.commit()
    later = await client.post("/api/books", json=NEW_BOOK, headers=_with_key())
    assert later.status_code == 201
    assert "idempotent-replayed" not in later.headers
    assert later.json()["magic_code"] != first.json()["magic_code"]


async def test_a_repeated_roster_makes_its_books_once(teachers_client: Client) -> None:
    async with teachers_client() as http:
        class_id, ana, _ = await _class(http)
        path = f"/api/classes/{class_id}/roster"
        headers = {**_as(ana), **_with_key()}
        names = {"names": ["Ana Souza", "Bruno Lima"]}
        answers = await asyncio.gather(
            *(http.post(path, json=names, headers=headers) for _ in range(4))
        )
        assert {a.status_code for a in answers} == {201}
        assert len({str(a.json()["books"]) for a in answers}) == 1
        assert await _count(http, Book) == 2
        conflict = await http.post(path, json={"names": ["Caio"]}, headers=headers)
        assert_problem(conflict, 409)
