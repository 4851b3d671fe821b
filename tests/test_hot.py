"""The hot lane (magicshelf.hot) answers exactly as FastAPI's own routing would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Path, Request, Response

from magicshelf.app import create_app
from magicshelf.books import codes, service
from magicshelf.errors import BookNotFound
from magicshelf.hot import HotRoutes, hot_routes
from magicshelf.settings import Settings
from tests.books.test_api import NEW_BOOK, assert_problem
from tests.illustrations.test_api import put_drawing
from tests.images import drawing, encode


@pytest.fixture
async def routed(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The same app on the same database, without its hot routes: FastAPI's routes answer."""
    plain = create_app(settings)
    plain.router.routes = [r for r in plain.router.routes if not isinstance(r, HotRoutes)]
    async with plain.router.lifespan_context(plain):
        transport = httpx.ASGITransport(app=plain)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def test_hot_and_routed_answers_are_byte_identical(
    client: httpx.AsyncClient, routed: httpx.AsyncClient
) -> None:
    created = (await client.post("/api/books", json=NEW_BOOK)).json()
    assert (await put_drawing(client, created, 2, encode(drawing(640, 480), "PNG"))).is_success
    code = created["magic_code"]
    book = (await client.get(f"/api/books/{code}")).json()
    thumbnail = book["pages"][1]["illustration"]["thumbnail_url"]
    tag = (await client.get(f"/api/books/{code}")).headers["etag"]
    media_tag = (await client.get(thumbnail)).headers["etag"]
    requests = [
        (f"/api/books/{code}", {}),
        (f"/api/books/{code.lower().replace('-', ' ')}", {}),
        (f"/api/books/{code}", {"If-None-Match": tag}),
        (f"/api/books/{code}", {"If-None-Match": '"stale.1"'}),
        (f"/api/books/{codes.display(codes.new_code())}", {}),
        (f"/api/books/{codes.display(codes.new_code())}", {"If-None-Match": tag}),
        ("/api/books/ABC-DEF-GH1", {}),
        (thumbnail, {}),
        (thumbnail, {"If-None-Match": media_tag}),
        ("/media/" + "0" * 64 + ".jpg", {}),
        ("/media/../../etc/passwd", {}),
    ]
    for number, (path, extra) in enumerate(requests):
        # The same id on both sides (the test client is a trusted proxy), or ids differ.
        same_id = {**extra, "X-Request-ID": f"compare-{number}"}
        hot = await client.get(path, headers=same_id)
        plain = await routed.get(path, headers=same_id)
        assert (hot.status_code, hot.content) == (plain.status_code, plain.content), path
        assert hot.headers.multi_items() == plain.headers.multi_items(), path


async def test_other_methods_and_deeper_paths_pass_through(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/books", json=NEW_BOOK)).json()
    code = created["magic_code"]
    assert (await client.get(f"/api/books/{code}/pdf")).headers["content-type"] == (
        "application/pdf"
    )
    assert_problem(await client.post(f"/api/books/{code}"), 405)
    assert (await client.get("/api/books/")).status_code == 307  # FastAPI drops the slash
    assert (await client.head(f"/api/books/{code}")).status_code == 200


async def test_a_crash_in_a_hot_route_is_a_500_problem(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(**_: object) -> service.BookRecord:
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr(service, "read_book", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get(f"/api/books/{codes.display(codes.new_code())}")
    problem = assert_problem(response, 500)
    assert "fire" not in response.text
    assert problem["type"] == "/problems/internal-error"


async def test_the_apps_exception_handlers_and_root_path_apply_to_hot_routes(
    app: FastAPI,
) -> None:
    async def kinder(_: Request, exc: Exception) -> Response:
        return Response("no such book, sorry", status_code=404)

    app.add_exception_handler(BookNotFound, kinder)  # off the contract, so a plain client
    unknown = codes.display(codes.new_code())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get(f"/api/books/{unknown}")).text == "no such book, sorry"
        assert (await client.get(f"/api/books/{unknown}/pdf")).text == "no such book, sorry"
        code = (await client.post("/api/books", json=NEW_BOOK)).json()["magic_code"]

    transport = httpx.ASGITransport(app=app, root_path="/shelf")
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as mounted:
        read = await mounted.get(f"/shelf/api/books/{code}")
        assert (read.status_code, read.json()["magic_code"]) == (200, code)


async def _dependency() -> str:
    return "x"


def test_only_plain_endpoints_taking_request_segment_and_if_none_match_can_be_hot() -> None:
    router = APIRouter()

    @router.get("/things/{name}")
    async def thing(request: Request, name: str, if_none_match: str | None = None) -> Response:
        return Response()

    @router.get("/others/{name}")
    async def other(name: str, request: Request) -> Response:
        return Response()

    @router.get("/deep/{name}/more")
    async def deep(request: Request, name: str, if_none_match: str | None = None) -> Response:
        return Response()

    @router.get("/checked/{name}")
    async def checked(
        request: Request, name: Annotated[str, Path(max_length=9)], if_none_match: str | None
    ) -> Response:
        return Response()

    @router.get("/depending/{name}", dependencies=[Depends(_dependency)])
    async def depending(request: Request, name: str, if_none_match: str | None) -> Response:
        return Response()

    hot = hot_routes([router], endpoints=[thing])
    assert hot.url_path_for("thing", name="x") == "/things/x"
    for refused in (other, deep, checked, depending):
        with pytest.raises(TypeError, match="cannot be served hot"):
            hot_routes([router], endpoints=[refused])
    with pytest.raises(LookupError):
        hot_routes([router], endpoints=[thing, print])
