"""Two ``magicshelf serve`` replicas behind one name: one PostgreSQL, one S3, one Redis.

Whatever one replica does, the other sees: a teacher's session, a book and its drawing,
edits and deletes, the miss limit and the login throttle. ``magicshelf gc`` run on either
afterwards keeps every drawing a page still uses.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from magicshelf.books import codes
from tests.books.test_api import NEW_BOOK, assert_problem
from tests.images import drawing, encode
from tests.s3server import S3Server
from tests.served import command, served

ANA = {"name": "Ana Lúcia", "email": "ana@escola.br", "password": "girassol-azul-42"}


def _replica_env(
    root: Path, name: str, database_url: str, s3: S3Server, redis_url: str
) -> dict[str, str]:
    # The session's moto fixture has put fake credentials in this process's environment.
    aws = {key: value for key, value in os.environ.items() if key.startswith("AWS_")}
    return {
        **aws,
        "MAGICSHELF_DATA_DIR": str(root / name),  # nothing shared through the local disk
        "MAGICSHELF_DATABASE_URL": database_url,
        "MAGICSHELF_STORAGE_URL": (
            f"s3://{s3.bucket}/{root.name}?endpoint={s3.endpoint}&region=us-east-1"
        ),
        "MAGICSHELF_REDIS_URL": redis_url,
        "MAGICSHELF_AUTO_MIGRATE": "false",
        "MAGICSHELF_MISS_LIMIT": "5",
        "MAGICSHELF_LOGIN_FAILURES_PER_ACCOUNT": "3",
    }


def _magicshelf(env: Mapping[str, str], *args: str) -> str:
    done = command(env, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _upload(seed: int) -> dict[str, Any]:
    return {"files": {"file": ("desenho.png", encode(drawing(seed=seed), "PNG"), "image/png")}}


def _drawing_urls(book: dict[str, Any]) -> list[str]:
    return [
        url
        for page in book["pages"]
        if page["illustration"]
        for url in (page["illustration"]["url"], page["illustration"]["thumbnail_url"])
    ]


@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
def test_two_replicas_behave_as_one_service(
    empty_database_url: str, s3_server: S3Server, redis_url: str, tmp_path: Path
) -> None:
    root = tmp_path / uuid.uuid4().hex[:12]  # also this test's prefix in the shared bucket
    env_a, env_b = (
        _replica_env(root, name, empty_database_url, s3_server, redis_url) for name in "ab"
    )
    assert "up to date" in _magicshelf(env_a, "migrate")  # once, before the replicas start
    with (
        served(env_a) as server_a,
        served(env_b) as server_b,
        httpx.Client(base_url=server_a.url, timeout=30) as a,
        httpx.Client(base_url=server_b.url, timeout=30) as b,
    ):
        # A teacher signs up and in through A; her cookie works on B (sessions live in
        # PostgreSQL), where she makes her class and edits a child's book.
        assert a.post("/api/teachers", json=ANA).status_code == 201
        signed_in = a.post(
            "/api/session", json={"email": ANA["email"], "password": ANA["password"]}
        )
        assert signed_in.status_code == 200
        b.cookies.set("magicshelf_session", signed_in.cookies["magicshelf_session"])
        turma = b.post("/api/classes", json={"name": "3º ano B"}).json()
        roster = b.post(f"/api/classes/{turma['id']}/roster", json={"names": ["Maria Souza"]})
        assert roster.status_code == 201, roster.text
        child = roster.json()["books"][0]["magic_code"]
        page = b.put(f"/api/books/{child}/pages/1", json={"text": "Era uma vez um dragão."})
        assert page.status_code == 200
        drawn = b.put(f"/api/books/{child}/pages/1/illustration", **_upload(seed=1))
        assert drawn.status_code == 200, drawn.text
        a.cookies.set("magicshelf_session", signed_in.cookies["magicshelf_session"])
        seen = a.get(f"/api/books/{child}").json()  # a draft: her session reads it
        assert seen["pages"][0]["text"] == "Era uma vez um dragão."
        kept = _drawing_urls(seen)
        kept_bytes = {url: a.get(url).content for url in kept}

        # A book made and illustrated through A is read, edited and deleted through B.
        made = a.post("/api/books", json=NEW_BOOK).json()
        code, key = made["magic_code"], {"Authorization": f"Bearer {made['edit_key']}"}
        assert a.put(
            f"/api/books/{code}/pages/2/illustration", headers=key, **_upload(2)
        ).is_success
        through_b = b.get(f"/api/books/{code}").json()
        (web, thumbnail) = _drawing_urls(through_b)
        assert b.get(web).content == a.get(web).content
        assert b.get(thumbnail).headers["content-type"].startswith("image/")
        renamed = b.patch(f"/api/books/{code}", json={"title": "O Dragão"}, headers=key)
        assert renamed.status_code == 200
        assert a.get(f"/api/books/{code}").json()["title"] == "O Dragão"
        assert b.delete(f"/api/books/{code}", headers=key).status_code == 204
        assert_problem(a.get(f"/api/books/{code}"), 404)

        # Failed sign-ins on A and B close the account on both.
        wrong = {"email": ANA["email"], "password": "nao-e-essa"}
        for replica in (a, b, a):
            assert replica.post("/api/session", json=wrong).status_code == 401
        right = {"email": ANA["email"], "password": ANA["password"]}
        for replica in (b, a):
            assert_problem(replica.post("/api/session", json=right), 429)

        # The first book's lookup was a miss (deleted); three more on A and one on B
        # make five: the next lookup, of any code, is 429 on either replica.
        for replica in (a, a, a, b):
            assert replica.get(f"/api/books/{codes.new_code()}").status_code == 404
        for replica in (a, b):
            blocked = assert_problem(replica.get(f"/api/books/{child}"), 429)
            assert blocked["type"] == "/problems/too-many-misses"

    # gc on either replica deletes the deleted book's drawing and keeps the child's
    # (each drawing is three renditions: print master, web and thumbnail).
    for env, deleted in ((env_b, 3), (env_a, 0)):
        collected = _magicshelf(env, "gc", "--grace", "0")
        assert f"Deleted {deleted} unreferenced blob(s)" in collected
        assert "; 3 old blob(s) are in use" in collected
    with served(env_a) as server_a, httpx.Client(base_url=server_a.url) as a:
        for url, content in kept_bytes.items():
            served_now = a.get(url)
            assert served_now.status_code == 200
            assert served_now.content == content
        assert a.get(web).status_code == 404
        assert a.get(thumbnail).status_code == 404
