"""What a running server logs: JSON lines an operator can use, and no secret in any of them.

One real ``magicshelf serve`` is driven through everything that carries a secret (a
password, session cookies, invitation and reset links, children's names, magic codes,
edit keys old and new, unknown codes tried) and through a 4xx and a 5xx; then its whole
output is searched for each secret, and its access lines are checked against the
responses the tour saw.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from magicshelf.app import create_app
from magicshelf.books import codes
from magicshelf.logs import AccessLog
from magicshelf.settings import Settings
from tests.images import drawing, encode
from tests.served import command, served

# Distinctive, so that finding one in the log cannot be a coincidence.
PASSWORD = "jabuticaba-Voadora-8812"
NEW_PASSWORD = "pitanga-Saltitante-4471"
CHILDREN = ["Zuleica Brandão Tavares", "Quintino Ybarra Mendes"]
AUTHOR = "Xisto Quevedo Ramalho"
DATABASE_PASSWORD = "Senha-do-Banco-5120"
ACCESS_FIELDS = {"method", "route", "status", "duration_ms", "request_id", "client"}


class Tour:
    """Requests to one server, remembering every response and every secret seen."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.secrets: set[str] = {PASSWORD, NEW_PASSWORD, AUTHOR, *CHILDREN}
        self.responses: list[httpx.Response] = []
        self.clients: list[httpx.Client] = []

    def keep(self, *secrets: str) -> None:
        self.secrets |= set(secrets)

    def client(self) -> httpx.Client:
        self.clients.append(httpx.Client(base_url=self.url, event_hooks={"response": [self._seen]}))
        return self.clients[-1]

    def close(self) -> None:
        for client in self.clients:
            client.close()

    def _seen(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(response)

    def code_forms(self, code: str) -> None:
        """A code as it may appear in a path: dashes or not, any case."""
        plain = code.replace("-", "")
        self.keep(code, plain, plain.lower(), code.lower())


def _teachers(tour: Tour, env: dict[str, str]) -> tuple[httpx.Client, httpx.Client]:
    ana, bia = tour.client(), tour.client()
    signed_up = ana.post(
        "/api/teachers", json={"name": "Ana", "email": "ana@escola.br", "password": PASSWORD}
    )
    assert signed_up.status_code == 201, signed_up.text
    login = {"email": "ana@escola.br", "password": PASSWORD}
    assert ana.post("/api/session", json=login).is_success
    invited = ana.post("/api/invitations", json={"email": "bia@escola.br"}).json()
    tour.keep(invited["token"], invited["url"])
    joined = bia.post(
        "/api/teachers",
        json={
            "name": "Bia",
            "email": "bia@escola.br",
            "password": PASSWORD,
            "invitation": invited["token"],
        },
    )
    assert joined.status_code == 201, joined.text
    # A reset link from the command line, used over HTTP.
    printed = command(env, "teacher", "reset", "bia@escola.br")
    assert printed.returncode == 0, printed.stderr
    reset_url = printed.stdout.strip().splitlines()[-1]
    reset_token = reset_url.rsplit("/", 1)[-1].rsplit("=", 1)[-1]
    tour.keep(reset_url, reset_token)
    reset = bia.post("/api/password-resets", json={"token": reset_token, "password": NEW_PASSWORD})
    assert reset.status_code == 204, reset.text
    relogin = {"email": "bia@escola.br", "password": NEW_PASSWORD}
    assert bia.post("/api/session", json=relogin).is_success
    tour.keep(ana.cookies["magicshelf_session"], bia.cookies["magicshelf_session"])
    return ana, bia


def _class_and_book(tour: Tour, ana: httpx.Client, bia: httpx.Client) -> dict[str, Any]:
    turma = ana.post("/api/classes", json={"name": "3º ano B", "year": 2026}).json()
    roster = ana.post(f"/api/classes/{turma['id']}/roster", json={"names": CHILDREN})
    assert roster.status_code == 201, roster.text
    for book in roster.json()["books"]:
        tour.code_forms(book["magic_code"])
    assert bia.get(f"/api/classes/{turma['id']}").status_code in (200, 404)

    family = tour.client()
    created: dict[str, Any] = family.post(
        "/api/books", json={"title": "O Tatu", "author": AUTHOR, "teacher": "Ana Lúcia"}
    ).json()
    tour.code_forms(created["magic_code"])
    tour.keep(created["edit_key"])
    code, key = created["magic_code"], {"Authorization": f"Bearer {created['edit_key']}"}
    picture = {"file": ("d.png", encode(drawing(400, 300), "PNG"), "image/png")}
    put = family.put(f"/api/books/{code}/pages/1/illustration", headers=key, files=picture)
    assert put.status_code == 200, put.text
    assert family.get(f"/api/books/{code.replace('-', '').lower()}").status_code == 200
    assert family.get(f"/read/{code}").status_code == 200
    thumbnail = family.get(f"/api/books/{code}").json()["pages"][0]["illustration"]
    assert family.get(thumbnail["thumbnail_url"]).status_code == 200
    rekeyed = family.post(f"/api/books/{code}/edit-key", headers=key).json()
    tour.keep(rekeyed["edit_key"])
    assert family.patch(f"/api/books/{code}", headers=key, json={"title": "x"}).status_code == 403
    for _ in range(3):  # misses: codes that exist nowhere
        guess = codes.display(codes.new_code())
        tour.code_forms(guess)
        assert family.get(f"/api/books/{guess}").status_code == 404
    return created


def _server_error(tour: Tour, media: Path, created: dict[str, Any]) -> httpx.Response:
    """A 500, honestly: a stored drawing damaged on disk behind the app's back."""
    for blob in media.rglob("*"):
        if blob.is_file():
            blob.write_bytes(b"not an image any more")
    # Behind a trusted proxy (the test, on 127.0.0.1): its id and the family's address.
    forwarded = {"X-Request-ID": "proxy-7.a:b", "X-Forwarded-For": "198.51.100.7"}
    crashed = tour.client().get(f"/api/books/{created['magic_code']}/pdf", headers=forwarded)
    assert crashed.status_code == 500, crashed.text
    return crashed


def _log_lines(output: str) -> list[dict[str, Any]]:
    lines = []
    for line in output.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pytest.fail(f"not a JSON log line: {line!r}")
    return lines


def test_a_servers_log_is_json_and_holds_no_secret(tmp_path: Path, empty_database_url: str) -> None:
    database_url = empty_database_url
    if database_url.startswith("postgresql://"):
        # The test cluster trusts local connections: any password gets in, none may show.
        database_url = database_url.replace("postgres@", f"postgres:{DATABASE_PASSWORD}@", 1)
    env = {"MAGICSHELF_DATA_DIR": str(tmp_path), "MAGICSHELF_DATABASE_URL": database_url}
    with served(env) as server:
        tour = Tour(server.url)
        tour.keep(DATABASE_PASSWORD)
        try:
            ana, bia = _teachers(tour, env)
            created = _class_and_book(tour, ana, bia)
            crashed = _server_error(tour, tmp_path / "media", created)
            assert bia.delete("/api/session").status_code == 204
        finally:
            tour.close()
    assert server.returncode == 0, server.output

    for secret in sorted(tour.secrets):
        assert secret not in server.output, f"{secret!r} is in the log"
    lines = _log_lines(server.output)
    for line in lines:
        assert {"time", "level", "logger", "message"} <= line.keys(), line
        assert datetime.fromisoformat(line["time"]).tzinfo == UTC, line

    [started] = [line for line in lines if line["message"].endswith(" starting")]
    assert started["storage"] == (tmp_path / "media").as_uri()
    assert started["workers"] == 1
    assert started["access_log"] is True

    access = {line["request_id"]: line for line in lines if line["logger"] == "magicshelf.access"}
    assert all(line.keys() >= ACCESS_FIELDS for line in access.values())
    for response in tour.responses:
        request_id = response.headers["X-Request-ID"]
        line = access[request_id]  # one line per response, found by its id
        assert (line["method"], line["status"]) == (response.request.method, response.status_code)
        assert line["duration_ms"] >= 0
        if response.headers.get("content-type") == "application/problem+json":
            assert response.json()["request_id"] == request_id
    routes = {line["route"] for line in access.values()}
    assert {"/api/books/{code}", "/media/{key}", "/read/{code}", "/api/teachers"} <= routes

    assert crashed.headers["X-Request-ID"] == "proxy-7.a:b"
    assert crashed.json()["request_id"] == "proxy-7.a:b"
    assert "Traceback" not in crashed.text
    assert access["proxy-7.a:b"]["client"] == "198.51.100.7"
    assert access["proxy-7.a:b"]["route"] == "/api/books/{code}/pdf"
    errors = [line for line in lines if line["level"] == "error"]
    assert len(errors) == 1, errors
    [error] = errors
    assert error["request_id"] == "proxy-7.a:b"
    assert error["traceback"].startswith("Traceback")


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, access_log=False)


@pytest.mark.parametrize(
    ("peer", "sent", "kept"),
    [
        ("127.0.0.1", "lb-42:7", True),  # a trusted proxy's id
        ("127.0.0.1", "x" * 128, True),
        ("127.0.0.1", "x" * 129, False),  # too long to be a proxy's
        ("127.0.0.1", "two words", False),  # a space, a quote or a brace could forge lines
        ("127.0.0.1", '{"level":"error"}', False),
        ("203.0.113.9", "lb-42:7", False),  # a client's own: never taken
    ],
)
async def test_a_request_id_is_taken_only_from_a_trusted_proxy(
    app_settings: Settings, peer: str, sent: str, kept: bool
) -> None:
    app = create_app(app_settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(peer, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            answers = [
                await http.get("/api/books/ABC", headers={"X-Request-ID": sent}),  # a problem
                await http.get("/healthz", headers={"X-Request-ID": sent}),
                await http.get("/", headers={"X-Request-ID": sent}),  # a page
            ]
    for answer in answers:
        request_id = answer.headers["X-Request-ID"]
        assert (request_id == sent) is kept
        if not kept:
            assert re.fullmatch("[0-9a-f]{32}", request_id)
    assert answers[0].json()["request_id"] == answers[0].headers["X-Request-ID"]
    fresh = {a.headers["X-Request-ID"] for a in answers}
    assert len(fresh) == (1 if kept else 3)  # a new id for every request


def test_text_lines_are_for_people(tmp_path: Path) -> None:
    reading, writing = os.pipe()
    AccessLog("text", fd=writing).write("GET", "/read/{code}", 200, 0.0042, "ab12", "10.0.0.9")
    os.close(writing)
    with os.fdopen(reading) as pipe:
        access = pipe.read()
    assert re.fullmatch(
        r"\S+Z INFO magicshelf\.access: GET /read/\{code\} 200 duration_ms=4\.2 "
        r"request_id=ab12 client=10\.0\.0\.9\n",
        access,
    )
    environment = {"MAGICSHELF_DATA_DIR": str(tmp_path), "MAGICSHELF_LOG_FORMAT": "text"}
    migrated = command(environment, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    lines = migrated.stdout.splitlines()
    assert lines
    assert all(re.match(r"\S+Z INFO \S+: ", line) for line in lines), lines
    assert lines[-1].endswith(
        f"INFO magicshelf: Database is up to date. database=sqlite+aiosqlite:///{tmp_path}"
        "/magicshelf.sqlite3"
    )


async def test_every_kind_of_answer_has_its_id_and_its_access_line(
    client: httpx.AsyncClient, capfd: pytest.CaptureFixture[str]
) -> None:
    capfd.readouterr()  # only this test's lines
    answers = {
        "HEAD /healthz": await client.head("/healthz"),
        "413 from the body limit": await client.post(
            "/api/books", content=b"x" * 1_000_001, headers={"Content-Type": "application/json"}
        ),
        "unknown address": await client.get("/nowhere"),
        "wrong method": await client.delete("/healthz"),
        "hot lane": await client.get("/media/" + "0" * 64 + ".jpg"),
        "HTML page": await client.get("/"),
    }
    lines = [json.loads(line) for line in capfd.readouterr().out.splitlines()]
    access = {line["request_id"]: line for line in lines if line["logger"] == "magicshelf.access"}
    for what, answer in answers.items():
        request_id = answer.headers["X-Request-ID"]
        line = access[request_id]
        assert (line["method"], line["status"]) == (answer.request.method, answer.status_code)
        if answer.headers.get("content-type") == "application/problem+json":
            assert answer.json()["request_id"] == request_id, what
    statuses = [answer.status_code for answer in answers.values()]
    assert statuses == [200, 413, 404, 405, 404, 200]
    assert access[answers["unknown address"].headers["X-Request-ID"]]["route"] == "unmatched"
    assert access[answers["hot lane"].headers["X-Request-ID"]]["route"] == "/media/{key}"
