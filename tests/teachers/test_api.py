"""Teacher accounts over HTTP: sign-up policies, the session cookie, CSRF, throttling, links."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update

from magicshelf.books.models import utcnow
from magicshelf.db import Database
from magicshelf.teachers import service
from magicshelf.teachers.models import Link, Teacher, TeacherSession
from tests.books.test_api import assert_problem
from tests.conftest import Client

ANA = {"name": "Ana Lúcia", "email": "Ana@Escola.br", "password": "girassol-azul-42"}
LOGIN = {"email": "ana@escola.br", "password": "girassol-azul-42"}
BIA = {"name": "Bia", "email": "bia@escola.br", "password": "margarida-roxa-7"}


def _database(http: httpx.AsyncClient) -> Database:
    app: FastAPI = http.app  # type: ignore[attr-defined]
    database: Database = app.resources.database  # type: ignore[attr-defined]
    return database


def _session(token: str) -> dict[str, str]:
    return {"Cookie": f"magicshelf_session={token}"}


async def _count(http: httpx.AsyncClient, model: type[Any]) -> int:
    async with _database(http).session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _invite(http: httpx.AsyncClient, email: str, purpose: str = "invite") -> dict[str, Any]:
    made = await http.post("/api/invitations", json={"email": email, "purpose": purpose})
    assert made.status_code == 201, made.text
    link: dict[str, Any] = made.json()
    return link


async def test_the_first_teacher_signs_up_as_admin_and_stays_signed_in(
    teachers_client: Client,
) -> None:
    async with teachers_client() as http:
        made = await http.post("/api/teachers", json=ANA)
        assert made.status_code == 201, made.text
        assert made.json() == {
            "id": 1,
            "name": "Ana Lúcia",
            "email": "ana@escola.br",
            "is_admin": True,
        }
        cookie = made.headers["set-cookie"]
        assert cookie.startswith("magicshelf_session=")
        for attribute in ("HttpOnly", "SameSite=lax", "Path=/", "Max-Age=1209600"):
            assert attribute in cookie
        assert "Secure" not in cookie  # plain http without MAGICSHELF_PUBLIC_URL
        assert (await http.get("/api/me")).json()["email"] == "ana@escola.br"

        token = http.cookies["magicshelf_session"]
        async with _database(http).session() as session:
            teacher = await session.scalar(select(Teacher))
            stored = await session.scalar(select(TeacherSession.token_hash))
        assert teacher is not None
        assert teacher.password_hash.startswith("$argon2id$")
        assert ANA["password"] not in teacher.password_hash
        assert stored == hashlib.sha256(token.encode()).hexdigest()

        # Later teachers need an invitation (MAGICSHELF_SIGNUP=first, the default).
        refused = await http.post("/api/teachers", json=BIA)
        assert_problem(refused, 403, mentions="invitation")
        assert await _count(http, Teacher) == 1


@pytest.mark.parametrize(("policy", "first_needs_invitation"), [("open", False), ("invite", True)])
async def test_sign_up_policies(
    teachers_client: Client, policy: str, first_needs_invitation: bool
) -> None:
    async with teachers_client(signup=policy) as http:
        first = await http.post("/api/teachers", json=ANA)
        assert first.status_code == (403 if first_needs_invitation else 201)
        if policy == "open":
            second = await http.post("/api/teachers", json=BIA)
            assert (second.status_code, second.json()["is_admin"]) == (201, False)


async def test_a_first_sign_up_waits_for_one_in_progress_elsewhere(
    teachers_client: Client, database_url: str
) -> None:
    # Replica A is half-way through the school's first sign-up when B's arrives: B must wait
    # for A's commit and then see that the school has a teacher (needs an invitation).
    async with teachers_client(signup="first") as http, _database(http).session() as a:
        assert await service._nobody_signed_up(a)
        a.add(Teacher(name="Ana", email="ana@escola.br", password_hash="x", is_admin=True))
        await a.flush()
        b = asyncio.create_task(http.post("/api/teachers", json=BIA))
        await asyncio.sleep(0.5)
        if database_url.startswith("postgresql"):
            assert not b.done()  # SQLite: A holds the write lock, so B waits there instead
        await a.commit()
        assert_problem(await b, 403)
        assert await _count(http, Teacher) == 1


async def test_signing_in_and_out(teachers_client: Client) -> None:
    async with teachers_client() as http:
        await http.post("/api/teachers", json=ANA)
        old = http.cookies["magicshelf_session"]
        http.cookies.clear()
        assert_problem(await http.get("/api/me"), 401)
        signed = await http.post(
            "/api/session", json={"email": "ana@escola.br", "password": ANA["password"]}
        )
        assert signed.status_code == 200
        assert signed.json()["name"] == "Ana Lúcia"
        assert (await http.get("/api/me")).status_code == 200

        out = await http.delete("/api/session")
        assert out.status_code == 204
        assert (
            'magicshelf_session=""' in out.headers["set-cookie"]
            or "Max-Age=0" in out.headers["set-cookie"]
        )
        assert_problem(await http.delete("/api/session"), 401)
        # The first session still works until it is ended or expires; a forged one never.
        assert (await http.get("/api/me", headers=_session(old))).status_code == 200
        assert_problem(await http.get("/api/me", headers=_session(old[:-3] + "abc")), 401)

        async with _database(http).session() as session:
            await session.execute(update(TeacherSession).values(expires_at=utcnow()))
            await session.commit()
        assert_problem(await http.get("/api/me", headers=_session(old)), 401)


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    teachers_client: Client,
) -> None:
    async with teachers_client() as http:
        await http.post("/api/teachers", json=ANA)
        http.cookies.clear()
        same_id = {"X-Request-ID": "sign-in"}  # the bodies differ by nothing else then
        wrong = await http.post(
            "/api/session", json={"email": ANA["email"], "password": "nope"}, headers=same_id
        )
        unknown = await http.post(
            "/api/session", json={"email": "x@y.br", "password": "nope"}, headers=same_id
        )
        assert_problem(wrong, 401)
        assert wrong.json() == unknown.json()
        assert "set-cookie" not in wrong.headers
        assert await _count(http, TeacherSession) == 1  # only the sign-up's


async def test_failed_sign_ins_are_throttled_per_account_and_per_address(
    teachers_client: Client,
) -> None:
    async with teachers_client(login_failures_per_account=3, login_failures_per_address=5) as http:
        await http.post("/api/teachers", json=ANA)
        right = {"email": ANA["email"], "password": ANA["password"]}
        for _ in range(3):
            bad = await http.post("/api/session", json={**right, "password": "wrong-one"})
            assert bad.status_code == 401
        blocked = await http.post("/api/session", json=right)
        assert_problem(blocked, 429, mentions="wait")
        assert 1 <= int(blocked.headers["retry-after"]) <= 900
        # Other accounts from the same address: two more failures close the address too.
        for _ in range(2):
            bad = await http.post("/api/session", json={"email": "c@d.br", "password": "x"})
            assert bad.status_code == 401
        assert_problem(
            await http.post("/api/session", json={"email": "e@f.br", "password": "x"}), 429
        )


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"Origin": "https://evil.example"}, False),
        ({"Origin": "null"}, False),
        ({"Sec-Fetch-Site": "cross-site"}, False),
        ({"Origin": "http://test"}, True),
        ({"Sec-Fetch-Site": "same-origin"}, True),
        ({}, True),  # not a browser: no Origin, no Sec-Fetch-Site
    ],
)
async def test_cross_site_requests_are_refused(
    teachers_client: Client, headers: dict[str, str], allowed: bool
) -> None:
    async with teachers_client() as http:
        await http.post("/api/teachers", json=ANA)
        answer = await http.delete("/api/session", headers=headers)
        if allowed:
            assert answer.status_code == 204
        else:
            assert_problem(answer, 403, mentions="own pages")
            assert (await http.get("/api/me", headers=headers)).status_code == 200  # reads pass
        login = {"email": ANA["email"], "password": ANA["password"]}
        assert (await http.post("/api/session", json=login, headers=headers)).status_code == (
            200 if allowed else 403
        )


async def test_behind_https_the_cookie_is_secure_and_the_origin_is_the_public_url(
    teachers_client: Client,
) -> None:
    async with teachers_client(public_url="https://livros.escola.example/") as http:
        made = await http.post(
            "/api/teachers", json=ANA, headers={"Origin": "https://livros.escola.example"}
        )
        assert made.status_code == 201, made.text
        assert "Secure" in made.headers["set-cookie"]
        other = await http.post(
            "/api/session",
            json={"email": ANA["email"], "password": ANA["password"]},
            headers={"Origin": "http://test"},
        )
        assert_problem(other, 403)


async def test_an_admin_invites_a_teacher_with_a_one_time_link(teachers_client: Client) -> None:
    async with teachers_client() as http:
        assert_problem(await http.post("/api/invitations", json={"email": "bia@escola.br"}), 401)
        await http.post("/api/teachers", json=ANA)
        link = await _invite(http, "Bia@escola.br")
        assert link["email"] == "bia@escola.br"
        assert link["url"] == f"http://test/studio?invitation={link['token']}"
        async with _database(http).session() as session:
            stored = await session.scalar(select(Link.token_hash))
        assert stored == hashlib.sha256(link["token"].encode()).hexdigest()

        http.cookies.clear()
        wrong_email = await http.post(
            "/api/teachers", json={**BIA, "email": "eve@escola.br", "invitation": link["token"]}
        )
        assert_problem(wrong_email, 403, mentions="link")
        joined = await http.post("/api/teachers", json={**BIA, "invitation": link["token"]})
        assert (joined.status_code, joined.json()["is_admin"]) == (201, False)
        assert_problem(await http.post("/api/invitations", json={"email": "z@z.br"}), 403)

        http.cookies.clear()
        again = await http.post(
            "/api/teachers", json={**BIA, "email": "bia2@escola.br", "invitation": link["token"]}
        )
        assert_problem(again, 403, mentions="already used")
        assert await _count(http, Teacher) == 2


async def test_expired_links_and_taken_emails(teachers_client: Client) -> None:
    async with teachers_client() as http:
        await http.post("/api/teachers", json=ANA)
        link = await _invite(http, "bia@escola.br")
        taken = await _invite(http, "ana@escola.br")
        async with _database(http).session() as session:
            await session.execute(
                update(Link)
                .where(Link.email == "bia@escola.br")
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
            await session.commit()
        http.cookies.clear()
        expired = await http.post("/api/teachers", json={**BIA, "invitation": link["token"]})
        assert_problem(expired, 403)
        twice = await http.post(
            "/api/teachers", json={**ANA, "email": "ana@escola.br", "invitation": taken["token"]}
        )
        assert_problem(twice, 409)
        assert await _count(http, Teacher) == 1
        async with _database(http).session() as session:  # the link was not spent
            assert (
                await session.scalar(select(Link.used_at).where(Link.email == "ana@escola.br"))
                is None
            )


async def test_a_forgotten_password_is_reset_with_a_link(teachers_client: Client) -> None:
    async with teachers_client() as http:
        await http.post("/api/teachers", json=ANA)
        old_session = http.cookies["magicshelf_session"]
        reset = await _invite(http, "ana@escola.br", purpose="reset")
        assert reset["url"].endswith(f"/studio?reset={reset['token']}")
        assert_problem(
            await http.post(
                "/api/password-resets", json={"token": reset["token"], "password": "short"}
            ),
            422,
        )
        done = await http.post(
            "/api/password-resets", json={"token": reset["token"], "password": "uma-senha-nova-1"}
        )
        assert done.status_code == 204
        http.cookies.clear()
        assert_problem(await http.get("/api/me", headers=_session(old_session)), 401)
        old = await http.post(
            "/api/session", json={"email": ANA["email"], "password": ANA["password"]}
        )
        assert_problem(old, 401)
        new = await http.post(
            "/api/session", json={"email": ANA["email"], "password": "uma-senha-nova-1"}
        )
        assert new.status_code == 200
        reused = await http.post(
            "/api/password-resets", json={"token": reset["token"], "password": "outra-senha-2"}
        )
        assert_problem(reused, 403)


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"email": "ana at escola"}, "email", "invalid"),
        ({"email": "ana @escola.br"}, "email", "invalid"),
        ({"password": "curta"}, "password", "too_short"),
        ({"password": "x" * 257}, "password", "too_long"),
        ({"name": "  "}, "name", "empty"),
        ({"invitation": "not-a-token"}, "invitation", "invalid"),
    ],
)
async def test_bad_sign_ups_name_the_field(
    teachers_client: Client, body: dict[str, str], field: str, code: str
) -> None:
    async with teachers_client() as http:
        problem = assert_problem(await http.post("/api/teachers", json={**ANA, **body}), 422)
        [error] = [e for e in problem["errors"] if e["field"] == field]
        assert error["code"] == code
        assert await _count(http, Teacher) == 0
