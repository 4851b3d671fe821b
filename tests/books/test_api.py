"""The books API end to end over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from magicshelf.books import codes
from magicshelf.books.models import Book, Page
from magicshelf.db import Database
from magicshelf.errors import FIELD_ERROR_CODES

NEW_BOOK = {
    "title": "A Árvore que Dançava",
    "author": "Maria Eduarda",
    "teacher": "Professora Ana Lúcia",
    "school": "EMEF Monteiro Lobato",
    "pages": [{"number": 1, "text": "Era uma vez uma árvore."}, {"number": 3, "text": "Fim?"}],
}


async def create(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/books", json={**NEW_BOOK, **changes})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def key(created: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['edit_key']}"}


def assert_problem(response: httpx.Response, status: int, *, mentions: str = "") -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["type"].startswith("/problems/")
    assert problem["title"]
    assert problem["detail"]
    assert mentions.lower() in problem["detail"].lower()
    return problem


async def count_rows(app: FastAPI, model: type[Book] | type[Page]) -> int:
    database: Database = app.resources.database
    async with database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_create_returns_code_key_and_the_whole_book(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/books", json=NEW_BOOK)
    assert response.status_code == 201
    created = response.json()
    code = created["magic_code"]
    assert codes.is_valid(code.replace("-", ""))
    assert code[3] == code[7] == "-"
    assert response.headers["location"] == f"/api/books/{code}"
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}", created["edit_key"])
    book = created["book"]
    assert book["magic_code"] == code
    assert (book["title"], book["school"]) == ("A Árvore que Dançava", "EMEF Monteiro Lobato")
    assert [p["number"] for p in book["pages"]] == [1, 2, 3, 4, 5, 6]
    assert [p["text"] for p in book["pages"]] == ["Era uma vez uma árvore.", "", "Fim?", "", "", ""]
    assert all(p["illustration"] is None for p in book["pages"])
    assert book["links"] == {"reader": f"/read/{code}", "pdf": f"/api/books/{code}/pdf"}
    assert book["created_at"].endswith("Z")
    assert book["created_at"] == book["updated_at"]


async def test_edit_key_is_stored_only_as_a_hash(client: httpx.AsyncClient, app: FastAPI) -> None:
    created = await create(client)
    database: Database = app.resources.database
    async with database.session() as session:
        stored = await session.scalar(select(Book.edit_key_hash))
    assert stored
    assert created["edit_key"] not in stored
    assert len(stored) == 64


@pytest.mark.parametrize("spelling", [str.lower, lambda c: c.replace("-", " "), lambda c: c])
async def test_read_by_code_written_any_way(client: httpx.AsyncClient, spelling: Any) -> None:
    created = await create(client)
    response = await client.get(f"/api/books/{spelling(created['magic_code'])}")
    assert response.status_code == 200
    assert response.json() == created["book"]
    assert response.headers["etag"]


async def test_etag_gives_304_and_changes_on_every_edit(client: httpx.AsyncClient) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}"
    first = (await client.get(url)).headers["etag"]
    not_modified = await client.get(url, headers={"If-None-Match": first})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == first

    await client.patch(url, json={"title": "Outro título"}, headers=key(created))
    second = (await client.get(url)).headers["etag"]
    assert second != first
    assert (await client.get(url, headers={"If-None-Match": first})).status_code == 200

    await client.put(f"{url}/pages/2", json={"text": "Nova página"}, headers=key(created))
    third = (await client.get(url)).headers["etag"]
    assert len({first, second, third}) == 3
    assert (await client.get(url, headers={"If-None-Match": f'W/"x", {third}'})).status_code == 304


async def test_patch_changes_only_what_is_sent(client: httpx.AsyncClient) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}"
    response = await client.patch(
        url, json={"title": "  O Sabiá  ", "school": None}, headers=key(created)
    )
    assert response.status_code == 200
    book = response.json()
    assert (book["title"], book["school"], book["author"]) == ("O Sabiá", None, "Maria Eduarda")
    assert book["updated_at"] > book["created_at"]
    assert (await client.get(url)).json() == book


async def test_put_page_text(client: httpx.AsyncClient) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}"
    decomposed = unicodedata.normalize("NFD", "  Coração de pão\r\nsegunda linha ")
    response = await client.put(f"{url}/pages/6", json={"text": decomposed}, headers=key(created))
    assert response.status_code == 200
    assert response.json() == {
        "number": 6,
        "text": "Coração de pão\nsegunda linha",
        "illustration": None,
        "audio": None,
    }
    pages = (await client.get(url)).json()["pages"]
    assert pages[5]["text"] == "Coração de pão\nsegunda linha"
    assert pages[0]["text"] == "Era uma vez uma árvore."


async def test_delete_removes_the_book_and_its_pages(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    keep = await create(client)
    gone = await create(client)
    url = f"/api/books/{gone['magic_code']}"
    response = await client.delete(url, headers=key(gone))
    assert response.status_code == 204
    assert response.content == b""
    assert_problem(await client.get(url), 404)
    assert await count_rows(app, Book) == 1
    assert await count_rows(app, Page) == 6  # only the other book's pages are left
    assert (await client.get(f"/api/books/{keep['magic_code']}")).status_code == 200


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("PATCH", "", {"title": "x"}),
        ("DELETE", "", None),
        ("PUT", "/pages/1", {"text": "x"}),
    ],
)
async def test_changes_need_the_right_key(
    client: httpx.AsyncClient, method: str, suffix: str, body: Any
) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}{suffix}"
    missing = await client.request(method, url, json=body)
    assert_problem(missing, 401, mentions="Bearer")
    assert missing.headers["www-authenticate"].startswith("Bearer")
    wrong = await client.request(method, url, json=body, headers={"Authorization": "Bearer nope"})
    assert_problem(wrong, 403)
    other = await create(client)
    assert_problem(await client.request(method, url, json=body, headers=key(other)), 403)
    basic = await client.request(method, url, json=body, headers={"Authorization": "Basic eDp5"})
    assert_problem(basic, 401)
    book = (await client.get(f"/api/books/{created['magic_code']}")).json()
    assert book == created["book"]  # nothing changed


async def test_unknown_and_malformed_codes(client: httpx.AsyncClient) -> None:
    unknown = codes.display(codes.new_code())
    assert_problem(await client.get(f"/api/books/{unknown}"), 404)
    assert_problem(await client.get("/api/books/ABC-DEF"), 400, mentions="9 letters")
    assert_problem(await client.get("/api/books/ABC-DEF-GH1"), 400, mentions="'1'")
    created = await create(client)
    code = created["magic_code"]
    typo = code[:-1] + ("2" if code[-1] != "2" else "3")
    assert_problem(await client.get(f"/api/books/{typo}"), 400, mentions="typo")
    # A key opens no book with an unknown code: refused as a key (reads say 404).
    patch = await client.patch(f"/api/books/{unknown}", json={"title": "x"}, headers=key(created))
    assert_problem(patch, 403)
    # Without a key, a change is refused for that first, whatever the code looks like.
    assert_problem(await client.patch("/api/books/ABC", json={"title": "x"}), 401)
    assert_problem(await client.delete(f"/api/books/{typo}"), 401)


async def test_too_many_misses_get_429_even_for_real_codes(client: httpx.AsyncClient) -> None:
    created = await create(client)
    for _ in range(20):
        assert (await client.get(f"/api/books/{codes.new_code()}")).status_code == 404
    blocked = await client.get(f"/api/books/{codes.new_code()}")
    problem = assert_problem(blocked, 429, mentions="wait")
    assert 1 <= int(blocked.headers["retry-after"]) <= 600
    assert problem["type"] == "/problems/too-many-misses"
    assert (await client.get(f"/api/books/{created['magic_code']}")).status_code == 429
    # A typo never reaches the database, so it is still told apart from an unknown code.
    assert (await client.get("/api/books/ABC")).status_code == 400


async def test_unknown_routes_and_methods_are_problems(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/api/nothing"), 404)
    refused = await client.put("/api/books")
    assert_problem(refused, 405)
    assert refused.headers["allow"] == "POST"
    # Allow names every method the address takes, across the routes that serve it.
    code = codes.display(codes.new_code())
    for method in ("OPTIONS", "POST", "PUT"):
        wrong = await client.request(method, f"/api/books/{code}")
        assert_problem(wrong, 405, mentions="DELETE, GET, HEAD, PATCH")
        assert wrong.headers["allow"] == "DELETE, GET, HEAD, PATCH"
    assert (await client.post("/media/x.jpg")).headers["allow"] == "GET, HEAD"


async def test_an_edit_key_can_be_checked_without_changing_anything(
    client: httpx.AsyncClient,
) -> None:
    created = await create(client)
    access = f"/api/books/{created['magic_code']}/access"
    checked = await client.get(access, headers=key(created))
    assert (checked.status_code, checked.content) == (204, b"")
    assert_problem(await client.get(access), 401)
    assert_problem(await client.get(access, headers={"Authorization": "Bearer nope"}), 403)
    other = await create(client)
    assert_problem(await client.get(access, headers=key(other)), 403)
    book = (await client.get(f"/api/books/{created['magic_code']}")).json()
    assert book["updated_at"] == created["book"]["updated_at"]  # nothing changed


JSON_BODY = {"content-type": "application/json"}
LONG = {"title": 121, "author": 81, "teacher": 81, "school": 121}


@pytest.mark.parametrize(
    ("body", "field", "code", "params"),
    [
        ({"title": 7}, "title", "wrong_type", {"expected": "string"}),
        ({"author": None}, "author", "wrong_type", {"expected": "string"}),
        ({"teacher": ["x"]}, "teacher", "wrong_type", {"expected": "string"}),
        ({"title": "   "}, "title", "empty", {}),
        ({"author": ""}, "author", "empty", {}),
        ({"title": "a\x00b"}, "title", "control_characters", {}),
        ({"teacher": "Ana\nLúcia"}, "teacher", "control_characters", {}),
        ({"title": "Ana \ud800"}, "title", "invalid_characters", {}),
        ({"colour": "blue"}, "colour", "unknown_field", {}),
        ({"pages": [{"number": 0, "text": "x"}]}, "pages.0.number", "out_of_range", {"min": 1}),
        ({"pages": [{"number": 7, "text": "x"}]}, "pages.0.number", "out_of_range", {"max": 6}),
        ({"pages": [{"number": "1", "text": "x"}]}, "pages.0.number", "wrong_type", {}),
        (
            {"pages": [{"number": 1, "text": "x" * 1501}]},
            "pages.0.text",
            "too_long",
            {"limit": 1500, "actual": 1501},
        ),
        ({"pages": [{"number": 1, "text": "a\x07"}]}, "pages.0.text", "control_characters", {}),
        ({"pages": [{"number": 1}]}, "pages.0.text", "required", {}),
        (
            {"pages": [{"number": 1, "text": "x"}, {"number": 1, "text": "y"}]},
            "pages",
            "duplicate",
            {"value": 1},
        ),
        (
            {"pages": [{"number": n, "text": ""} for n in [1, 2, 3, 4, 5, 6, 1]]},
            "pages",
            "too_many",
            {"limit": 6, "actual": 7},
        ),
        *[
            ({name: "x" * length}, name, "too_long", {"limit": length - 1, "actual": length})
            for name, length in LONG.items()
        ],
    ],
)
async def test_bad_books_are_refused_with_the_field_and_a_stable_code(
    client: httpx.AsyncClient,
    app: FastAPI,
    body: dict[str, Any],
    field: str,
    code: str,
    params: dict[str, Any],
) -> None:
    # ASCII JSON, so that an unpaired surrogate can travel as the escape a client sends.
    content = json.dumps({**NEW_BOOK, **body})
    response = await client.post("/api/books", content=content, headers=JSON_BODY)
    problem = assert_problem(response, 422)
    [error] = [e for e in problem["errors"] if e["field"] == field]
    assert error["code"] == code
    assert params.items() <= error["params"].items()
    assert error["code"] in FIELD_ERROR_CODES
    assert error["message"] in problem["detail"]
    assert await count_rows(app, Book) == 0


async def test_a_book_keeps_its_title_author_and_teacher(client: httpx.AsyncClient) -> None:
    created = await create(client)
    path = f"/api/books/{created['magic_code']}"
    for name in ("title", "author", "teacher"):
        refused = await client.patch(path, json={name: None}, headers=key(created))
        [error] = assert_problem(refused, 422)["errors"]
        assert (error["field"], error["code"]) == (name, "cannot_remove")
    removed = await client.patch(path, json={"school": None}, headers=key(created))
    assert removed.json()["school"] is None


async def test_required_fields_missing(client: httpx.AsyncClient) -> None:
    problem = assert_problem(await client.post("/api/books", json={}), 422)
    assert {e["field"] for e in problem["errors"]} == {"title", "author", "teacher"}
    assert {e["code"] for e in problem["errors"]} == {"required"}


async def test_lengths_count_characters_after_normalising(client: httpx.AsyncClient) -> None:
    # 120 "é" typed as e + combining accent are 240 code points but 120 characters.
    title = unicodedata.normalize("NFD", "é" * 120)
    text = "  " + "ç" * 1500 + "  "
    created = await create(
        client,
        title=title,
        author="a" * 80,
        teacher="b" * 80,
        school="c" * 120,
        pages=[{"number": 1, "text": text}],
    )
    assert created["book"]["title"] == "é" * 120
    assert created["book"]["pages"][0]["text"] == "ç" * 1500


async def test_unreadable_bodies(client: httpx.AsyncClient) -> None:
    headers = {"content-type": "application/json"}
    assert_problem(
        await client.post("/api/books", content=b'{"title": ', headers=headers),
        400,
        mentions="JSON",
    )
    assert_problem(await client.post("/api/books", content=b"[1, 2]", headers=headers), 422)
    assert_problem(await client.post("/api/books", content=b"\xff\xfe", headers=headers), 400)


async def test_bodies_over_one_megabyte_get_413(client: httpx.AsyncClient, app: FastAPI) -> None:
    big = {**NEW_BOOK, "title": "x" * 1_100_000}
    assert_problem(await client.post("/api/books", json=big), 413, mentions="1 MB")

    async def chunked() -> Any:  # no Content-Length: the limit must hold mid-stream
        yield b'{"title": "'
        for _ in range(20):
            yield b"x" * 100_000
        yield b'"}'

    streamed = await client.post(
        "/api/books", content=chunked(), headers={"content-type": "application/json"}
    )
    assert_problem(streamed, 413)
    assert await count_rows(app, Book) == 0


@pytest.mark.parametrize("number", ["0", "7", "-1", "x"])
async def test_page_numbers_outside_1_to_6(client: httpx.AsyncClient, number: str) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}/pages/{number}"
    response = await client.put(url, json={"text": "oi"}, headers=key(created))
    assert response.status_code in (404, 422)
    assert_problem(response, response.status_code)


async def test_page_text_rules(client: httpx.AsyncClient) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}/pages/2"
    assert_problem(
        await client.put(url, json={"text": "x" * 1501}, headers=key(created)), 422, mentions="1500"
    )
    assert_problem(await client.put(url, json={"text": 5}, headers=key(created)), 422)
    assert_problem(await client.put(url, json={}, headers=key(created)), 422)
    assert_problem(await client.put(url, json={"text": "", "x": 1}, headers=key(created)), 422)
    ok = await client.put(url, json={"text": "<script>alert(1)</script>"}, headers=key(created))
    assert ok.json()["text"] == "<script>alert(1)</script>"  # stored as typed; pages escape it


async def test_patch_cannot_remove_required_fields(client: httpx.AsyncClient) -> None:
    created = await create(client)
    url = f"/api/books/{created['magic_code']}"
    assert_problem(
        await client.patch(url, json={"title": None}, headers=key(created)), 422, mentions="title"
    )
    assert_problem(await client.patch(url, json={"magic_code": "X"}, headers=key(created)), 422)


async def test_fifty_concurrent_creates_get_fifty_codes(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    responses = await asyncio.gather(*(client.post("/api/books", json=NEW_BOOK) for _ in range(50)))
    assert [r.status_code for r in responses] == [201] * 50
    assert len({r.json()["magic_code"] for r in responses}) == 50
    assert await count_rows(app, Page) == 300


async def test_a_code_collision_draws_again(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = (await create(client))["magic_code"].replace("-", "")
    fresh = codes.new_code()
    drawn = iter([taken, taken, fresh])
    monkeypatch.setattr(codes, "new_code", lambda: next(drawn))
    created = await create(client)
    assert created["magic_code"].replace("-", "") == fresh
    assert await count_rows(app, Book) == 2
    assert await count_rows(app, Page) == 12


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"


async def test_openapi_has_portuguese_examples(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    assert schemas["BookCreate"]["examples"][0]["title"] == "A Árvore que Dançava"
    assert "/api/books/{code}/pages/{number}" in spec["paths"]
    assert (await client.get("/docs")).status_code == 200


async def test_metrics_count_requests_by_route_template(client: httpx.AsyncClient) -> None:
    created = await create(client)
    await client.get(f"/api/books/{created['magic_code']}")
    await client.get("/api/books/ABC")
    text = (await client.get("/metrics")).text
    assert (
        'magicshelf_http_requests_total{method="POST",route="/api/books",status="201"} 1.0' in text
    )
    assert 'route="/api/books/{code}",status="200"} 1.0' in text
    assert 'route="/api/books/{code}",status="400"} 1.0' in text
    assert created["magic_code"] not in text


async def test_head_requests_are_counted_under_their_route(client: httpx.AsyncClient) -> None:
    created = await create(client)
    assert (await client.head(f"/api/books/{created['magic_code']}")).status_code == 200
    text = (await client.get("/metrics")).text
    assert 'method="GET",route="/api/books/{code}",status="200"} 1.0' in text
    assert 'route="unmatched"' not in text
