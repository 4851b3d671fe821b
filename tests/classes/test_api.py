"""Classes over HTTP: each teacher sees her own and the ones shared with her, nobody else's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from magicshelf.classes.models import CoTeacher, SchoolClass
from tests.books.test_api import assert_problem
from tests.conftest import Client
from tests.teachers.test_api import ANA, BIA, _count

TURMA = {"name": "3º ano B", "school": "EMEF Monteiro Lobato", "year": 2026}


async def _two_teachers(http: httpx.AsyncClient) -> tuple[str, str]:
    """Ana (admin) and Bia (invited) signed up; their session cookies."""
    assert (await http.post("/api/teachers", json=ANA)).status_code == 201
    ana = http.cookies["magicshelf_session"]
    link = (await http.post("/api/invitations", json={"email": BIA["email"]})).json()
    http.cookies.clear()
    joined = await http.post("/api/teachers", json={**BIA, "invitation": link["token"]})
    assert joined.status_code == 201
    bia = http.cookies["magicshelf_session"]
    http.cookies.clear()
    return ana, bia


def _as(token: str) -> dict[str, str]:
    return {"Cookie": f"magicshelf_session={token}"}


async def test_a_teacher_creates_reads_changes_and_deletes_her_class(
    teachers_client: Client,
) -> None:
    async with teachers_client() as http:
        assert_problem(await http.post("/api/classes", json=TURMA), 401)
        ana, bia = await _two_teachers(http)
        made = await http.post("/api/classes", json=TURMA, headers=_as(ana))
        assert made.status_code == 201, made.text
        turma: dict[str, Any] = made.json()
        assert made.headers["location"] == f"/api/classes/{turma['id']}"
        assert len(turma["id"]) == 16
        assert {k: turma[k] for k in TURMA} == TURMA
        assert turma["teachers"] == [{"email": "ana@escola.br", "name": "Ana Lúcia", "owner": True}]
        path = f"/api/classes/{turma['id']}"
        assert (await http.get(path, headers=_as(ana))).json() == turma
        listed = (await http.get("/api/classes", headers=_as(ana))).json()
        assert [c["name"] for c in listed["classes"]] == ["3º ano B"]

        # Another teacher's class does not exist for Bia, whatever she tries.
        assert (await http.get("/api/classes", headers=_as(bia))).json() == {"classes": []}
        for method in ("GET", "PATCH", "DELETE"):
            body = {"name": "x"} if method == "PATCH" else None
            answer = await http.request(method, path, json=body, headers=_as(bia))
            assert_problem(answer, 404)

        changed = await http.patch(path, json={"name": "3º ano C", "year": None}, headers=_as(ana))
        assert (changed.json()["name"], changed.json()["year"]) == ("3º ano C", None)
        assert changed.json()["school"] == "EMEF Monteiro Lobato"
        [error] = assert_problem(
            await http.patch(path, json={"name": None}, headers=_as(ana)), 422
        )["errors"]
        assert error["code"] == "cannot_remove"

        assert (await http.delete(path, headers=_as(ana))).status_code == 204
        assert_problem(await http.get(path, headers=_as(ana)), 404)
        assert await _count(http, SchoolClass) == 0


async def test_a_class_is_shared_with_a_co_teacher(teachers_client: Client) -> None:
    async with teachers_client() as http:
        ana, bia = await _two_teachers(http)
        turma = (await http.post("/api/classes", json=TURMA, headers=_as(ana))).json()
        path = f"/api/classes/{turma['id']}"
        # Shared by email: Cida has no account yet, and sees the class once she signs up.
        for email in ("BIA@escola.br", "cida@escola.br", "bia@escola.br", "ana@escola.br"):
            shared = await http.post(f"{path}/teachers", json={"email": email}, headers=_as(ana))
            assert shared.status_code == 200, shared.text
        assert [(t["email"], t["name"], t["owner"]) for t in shared.json()["teachers"]] == [
            ("ana@escola.br", "Ana Lúcia", True),
            ("bia@escola.br", "Bia", False),
            ("cida@escola.br", None, False),
        ]
        invite = {"email": "cida@escola.br"}
        link = (await http.post("/api/invitations", json=invite, headers=_as(ana))).json()
        cida = {"name": "Cida", "email": "cida@escola.br", "password": "cravo-branco-3"}
        joined = await http.post("/api/teachers", json={**cida, "invitation": link["token"]})
        assert joined.status_code == 201
        cida_cookie = http.cookies["magicshelf_session"]
        http.cookies.clear()
        seen = (await http.get(path, headers=_as(cida_cookie))).json()
        assert seen["teachers"][2]["name"] == "Cida"

        # Bia sees and edits it, but only Ana shares or deletes it.
        listed = (await http.get("/api/classes", headers=_as(bia))).json()["classes"]
        assert [(c["id"], c["owner"]) for c in listed] == [(turma["id"], False)]
        renamed = await http.patch(path, json={"name": "Girassóis"}, headers=_as(bia))
        assert renamed.status_code == 200
        assert_problem(await http.delete(path, headers=_as(bia)), 403)
        bia_path = f"{path}/teachers/Bia@escola.br"
        assert_problem(await http.delete(bia_path, headers=_as(bia)), 403)
        assert (await http.delete(bia_path, headers=_as(ana))).status_code == 204
        assert_problem(await http.get(path, headers=_as(bia)), 404)
        assert await _count(http, CoTeacher) == 1  # Cida's


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"name": ""}, "name", "empty"),
        ({"name": "x" * 81}, "name", "too_long"),
        ({"year": 1999}, "year", "out_of_range"),
        ({"year": "2026"}, "year", "wrong_type"),
        ({"year": 2026.5}, "year", "wrong_type"),
        ({"colour": "azul"}, "colour", "unknown_field"),
    ],
)
async def test_bad_classes_name_the_field(
    teachers_client: Client, body: dict[str, object], field: str, code: str
) -> None:
    async with teachers_client() as http:
        await http.post("/api/teachers", json=ANA)
        problem = assert_problem(await http.post("/api/classes", json={**TURMA, **body}), 422)
        [error] = [e for e in problem["errors"] if e["field"] == field]
        assert error["code"] == code
        assert await _count(http, SchoolClass) == 0


async def test_a_year_may_be_written_as_any_json_number(teachers_client: Client) -> None:
    async with teachers_client() as http:
        await http.post("/api/teachers", json=ANA)
        made = await http.post("/api/classes", json={**TURMA, "year": 2026.0})
        assert (made.status_code, made.json()["year"]) == (201, 2026)


async def test_cross_site_class_changes_are_refused(teachers_client: Client) -> None:
    async with teachers_client() as http:
        await http.post("/api/teachers", json=ANA)
        evil = {"Origin": "https://evil.example"}
        assert_problem(await http.post("/api/classes", json=TURMA, headers=evil), 403)
        assert await _count(http, SchoolClass) == 0
