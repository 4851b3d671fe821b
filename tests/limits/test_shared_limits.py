"""Two app instances on one Redis spend one budget: misses, failed sign-ins and writes."""

from __future__ import annotations

from contextlib import AsyncExitStack

import httpx

from magicshelf.books import codes
from tests.books.test_api import assert_problem, create, key
from tests.conftest import Client
from tests.illustrations.test_api import put_drawing
from tests.images import drawing, encode

ANA = {"name": "Ana", "email": "ana@escola.br", "password": "girassol-azul-42"}


async def _two(
    stack: AsyncExitStack, client: Client, **settings: object
) -> list[httpx.AsyncClient]:
    return [await stack.enter_async_context(client(**settings)) for _ in range(2)]


async def _miss(http: httpx.AsyncClient) -> httpx.Response:
    return await http.get(f"/api/books/{codes.new_code()}")


async def test_misses_on_either_app_count_against_one_limit(
    teachers_client: Client, redis_url: str
) -> None:
    async with AsyncExitStack() as stack:
        a, b = await _two(stack, teachers_client, redis_url=redis_url, miss_limit=5)
        real = (await create(a))["magic_code"]
        for http in (a, a, a, b, b):
            assert (await _miss(http)).status_code == 404
        for http in (a, b):
            blocked = await http.get(f"/api/books/{real}")  # hits too, once over the limit
            problem = assert_problem(blocked, 429)
            assert problem["type"] == "/problems/too-many-misses"
            assert 590 <= int(blocked.headers["retry-after"]) <= 600


async def test_without_redis_each_app_counts_alone(teachers_client: Client) -> None:
    async with AsyncExitStack() as stack:
        a, b = await _two(stack, teachers_client, miss_limit=2)
        for _ in range(2):
            assert (await _miss(a)).status_code == 404
        assert (await _miss(a)).status_code == 429
        assert (await _miss(b)).status_code == 404  # what the shared limit is for


async def test_failed_sign_ins_on_either_app_close_the_account(
    teachers_client: Client, redis_url: str
) -> None:
    async with AsyncExitStack() as stack:
        a, b = await _two(stack, teachers_client, redis_url=redis_url, login_failures_per_account=3)
        assert (await a.post("/api/teachers", json=ANA)).status_code == 201
        wrong = {"email": ANA["email"], "password": "wrong-one"}
        for http in (a, b, a):
            assert (await http.post("/api/session", json=wrong)).status_code == 401
        right = {"email": ANA["email"], "password": ANA["password"]}
        for http in (a, b):
            problem = assert_problem(await http.post("/api/session", json=right), 429)
            assert problem["type"] == "/problems/too-many-logins"


async def test_creates_and_uploads_share_one_write_budget(
    teachers_client: Client, redis_url: str
) -> None:
    picture = encode(drawing(), "PNG")
    async with AsyncExitStack() as stack:
        a, b = await _two(stack, teachers_client, redis_url=redis_url, write_limit=3)
        book = await create(a)
        assert (await put_drawing(b, book, 1, picture)).status_code == 200
        assert (await put_drawing(a, book, 2, picture)).status_code == 200
        refused = await put_drawing(b, book, 3, picture)
        problem = assert_problem(refused, 429, mentions="wait")
        assert problem["type"] == "/problems/too-many-writes"
        assert 1 <= int(refused.headers["retry-after"]) <= 600
        assert_problem(await a.post("/api/books", json={"title": "x"}), 429)  # before validation
        # Reading and editing texts are not writes of this kind: they go on.
        code = book["magic_code"]
        assert (await b.get(f"/api/books/{code}")).status_code == 200
        text = await a.put(f"/api/books/{code}/pages/2", json={"text": "Sol"}, headers=key(book))
        assert text.status_code == 200
        # Each process counts its own decisions: B let one upload through and refused one.
        exposed = (await b.get("/metrics")).text
        for decision in ("allowed", "limited"):
            counted = f'decisions_total{{decision="{decision}",limiter="writes"}} 1.0'
            assert f"magicshelf_limiter_{counted}" in exposed


async def test_classes_and_rosters_spend_the_same_write_budget(
    teachers_client: Client, redis_url: str
) -> None:
    async with AsyncExitStack() as stack:
        a, b = await _two(stack, teachers_client, redis_url=redis_url, write_limit=2)
        signed_up = await a.post("/api/teachers", json=ANA)  # signing up is not a write here
        b.cookies.set("magicshelf_session", signed_up.cookies["magicshelf_session"])
        turma = (await a.post("/api/classes", json={"name": "3º ano B"})).json()
        roster = f"/api/classes/{turma['id']}/roster"
        assert (await b.post(roster, json={"names": ["Maria Souza"]})).status_code == 201
        refused = await a.post(roster, json={"names": ["João Lima"]})
        assert assert_problem(refused, 429)["type"] == "/problems/too-many-writes"
        assert_problem(await b.post("/api/classes", json={"name": "4º ano"}), 429)
        (only,) = (await b.get(f"/api/classes/{turma['id']}")).json()["books"]
        assert only["author"] == "Maria Souza"  # the refused roster made nothing
