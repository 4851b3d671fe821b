"""A class's roster: the four ways names come in, Excel's CSVs, and all-or-nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from magicshelf.books.models import Book
from magicshelf.classes.roster import ROSTER_LIMIT, read_text
from magicshelf.errors import InvalidInput
from tests.books.test_api import assert_problem
from tests.classes.test_api import TURMA, _as, _two_teachers
from tests.conftest import Client
from tests.teachers.test_api import _count

EXCEL_ROWS = [["Nº", "Nome", "Nascimento"], ["1", "João Conceição", "12/03/2018"]]


def _csv(rows: list[list[str]], delimiter: str = ";") -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize(
    ("data", "declared", "names", "understood"),
    [
        (
            b"Ana Souza\n\n  Bruno   Lima \nAna Souza\n",
            False,
            ("Ana Souza", "Bruno Lima", "Ana Souza"),
            {"format": "text", "encoding": "utf-8", "delimiter": None, "header": False},
        ),
        (
            b"1. Ana Souza\n2) Bruno Lima\n10 - Caio Prado\n",
            False,
            ("Ana Souza", "Bruno Lima", "Caio Prado"),
            {"format": "text", "header": False},
        ),
        (
            _csv(EXCEL_ROWS).encode("cp1252"),
            True,
            ("João Conceição",),
            {"format": "csv", "encoding": "windows-1252", "delimiter": ";", "header": True},
        ),
        (
            b"\xef\xbb\xbf" + _csv(EXCEL_ROWS).encode(),
            True,
            ("João Conceição",),
            {"encoding": "utf-8-sig", "header": True, "column": 2},
        ),
        (
            _csv([["1", "Ana Souza", "3º B"], ["2", "Íris Müller", "3º B"]]).encode(),
            True,
            ("Ana Souza", "Íris Müller"),
            {"format": "csv", "header": False, "column": 2},
        ),
        (
            _csv([["Nome", "Nome social"], ["Carlos Silva", "Carla Silva"]]).encode(),
            True,
            ("Carla Silva",),
            {"header": True, "column": 2},
        ),
        (
            _csv([["Aluno", "Idade"], ["Ana Souza", "7"]], ",").encode(),
            True,
            ("Ana Souza",),
            {"format": "csv", "delimiter": ",", "header": True, "column": 1},
        ),
        (
            "\ufeffName\tAge\nZoë O’Brien\t7\n".encode("utf-16"),
            True,
            ("Zoë O’Brien",),
            {"encoding": "utf-16", "delimiter": "\t", "header": True, "column": 1},
        ),
    ],
)
def test_rosters_are_read_the_way_excel_and_teachers_write_them(
    data: bytes, declared: bool, names: tuple[str, ...], understood: dict[str, Any]
) -> None:
    roster = read_text(data, csv_declared=declared, field="body")
    assert roster.names == names
    seen = {key: getattr(roster.understood, key) for key in understood}
    assert seen == understood


def test_quoted_cells_lose_their_quotes() -> None:
    data = _csv([['"Nome"', '"Turma"'], ['"Ana Souza"', '"3º; B"']]).encode()
    assert read_text(data, csv_declared=True, field="f").names == ("Ana Souza",)


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ("Ana\nBruno 😀\n".encode(), "line 2", "invalid_characters"),
        (b"Ana\nCaio 2\n", "line 2", "invalid_characters"),
        (b"Ana\n---\n", "line 2", "invalid_characters"),
        # Pasted, a comma separates nothing: "Souza, Ana" is refused, not split.
        (b"Souza, Ana\n", "line 1", "invalid_characters"),
        (("A" * 81 + "\n").encode(), "line 1", "too_long"),
        ("  \n\t\n \u00a0\n".encode(), "names", "empty"),
        (b"", "names", "empty"),
        ("\n".join(["Ana"] * (ROSTER_LIMIT + 1)).encode(), "names", "too_many"),
        (b"Ana\x81\x8d\n", "body", "wrong_encoding"),
    ],
)
def test_bad_rosters_name_the_line_to_fix(data: bytes, field: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        read_text(data, csv_declared=False, field="body")
    assert [(e.field, e.code) for e in caught.value.errors] == [(field, code)]


async def _class(http: httpx.AsyncClient) -> tuple[str, str, str]:
    ana, bia = await _two_teachers(http)
    made = await http.post("/api/classes", json=TURMA, headers=_as(ana))
    return made.json()["id"], ana, bia


async def test_a_roster_makes_one_draft_book_per_child(teachers_client: Client) -> None:
    async with teachers_client() as http:
        class_id, ana, _ = await _class(http)
        path = f"/api/classes/{class_id}/roster"
        body = _csv([*EXCEL_ROWS, ["2", "Ana Souza", ""], ["3", "Ana Souza", ""]]).encode("cp1252")
        headers = {**_as(ana), "Content-Type": "text/csv"}

        preview = await http.post(f"{path}?preview=true", content=body, headers=headers)
        assert preview.status_code == 200, preview.text
        assert preview.json()["names"] == ["João Conceição", "Ana Souza", "Ana Souza"]
        assert preview.json()["understood"]["encoding"] == "windows-1252"
        assert preview.json()["books"] == []
        assert await _count(http, Book) == 0

        made = await http.post(path, content=body, headers=headers)
        assert made.status_code == 201, made.text
        books = made.json()["books"]
        assert [b["author"] for b in books] == ["João Conceição", "Ana Souza", "Ana Souza"]
        assert books[1]["magic_code"] != books[2]["magic_code"]
        assert books[0]["title"] == "O livro de João Conceição"
        assert {b["published"] for b in books} == {False}

        book = (await http.get(books[0]["links"]["book"], headers=_as(ana))).json()
        assert (book["author"], book["teacher"], book["school"]) == (
            "João Conceição",
            "Ana Lúcia",
            "EMEF Monteiro Lobato",
        )

        # A second roster goes after the first; JSON and a multipart file work alike.
        more = await http.post(path, json={"names": ["Zoë"]}, headers=_as(ana))
        assert more.status_code == 201, more.text
        files = {"file": ("turma.csv", "Nome\nÍcaro\n".encode(), "application/octet-stream")}
        upload = await http.post(path, files=files, headers=_as(ana))
        assert upload.status_code == 201, upload.text
        assert upload.json()["understood"]["header"] is True
        overview = (await http.get(f"/api/classes/{class_id}", headers=_as(ana))).json()
        assert [b["author"] for b in overview["books"]] == [
            "João Conceição",
            "Ana Souza",
            "Ana Souza",
            "Zoë",
            "Ícaro",
        ]


async def test_a_bad_roster_makes_nothing(teachers_client: Client) -> None:
    async with teachers_client() as http:
        class_id, ana, bia = await _class(http)
        path = f"/api/classes/{class_id}/roster"
        text = {**_as(ana), "Content-Type": "text/plain"}

        bad_line = await http.post(path, content="Ana\nBia 🌻\nCaio\n".encode(), headers=text)
        problem = assert_problem(bad_line, 422)
        assert problem["errors"][0]["field"] == "line 2"
        assert problem["errors"][0]["params"] == {"found": "“🌻”"}

        too_many = {"names": ["Ana"] * 2000}
        assert_problem(await http.post(path, json=too_many, headers=_as(ana)), 422)
        spaces = assert_problem(
            await http.post(path, json={"names": ["  "]}, headers=_as(ana)), 422
        )
        assert spaces["errors"][0]["field"] == "names.0"
        assert_problem(await http.post(path, json={"names": []}, headers=_as(ana)), 422)
        assert_problem(
            await http.post(
                path, content=b"{", headers={**_as(ana), "Content-Type": "application/json"}
            ),
            400,
        )
        wrong_type = {**_as(ana), "Content-Type": "application/xml"}
        assert_problem(await http.post(path, content=b"<a/>", headers=wrong_type), 415)
        empty_form = {**_as(ana), "Content-Type": "multipart/form-data; boundary=b"}
        no_file = await http.post(path, content=b"--b--\r\n", headers=empty_form)
        assert assert_problem(no_file, 422)["errors"][0]["field"] == "file"
        extra = await http.post(
            path, files={"file": ("x.txt", b"Ana")}, data={"turma": "B"}, headers=_as(ana)
        )
        assert assert_problem(extra, 422)["errors"][0]["code"] == "unknown_field"

        # Another teacher's class, no session, a cross-site form: nothing either.
        assert_problem(await http.post(path, json={"names": ["Ana"]}, headers=_as(bia)), 404)
        assert_problem(await http.post(path, json={"names": ["Ana"]}), 401)
        cross = {**_as(ana), "Origin": "https://evil.example", "Content-Type": "text/plain"}
        assert_problem(await http.post(path, content=b"Ana", headers=cross), 403)
        assert await _count(http, Book) == 0


async def test_a_class_holds_at_most_the_roster_limit(teachers_client: Client) -> None:
    async with teachers_client() as http:
        class_id, ana, _ = await _class(http)
        path = f"/api/classes/{class_id}/roster"
        full = await http.post(path, json={"names": ["Ana"] * ROSTER_LIMIT}, headers=_as(ana))
        assert full.status_code == 201, full.text
        one_more = await http.post(
            path, content=b"Bia", headers={**_as(ana), "Content-Type": "text/plain"}
        )
        problem = assert_problem(one_more, 422)
        assert problem["errors"][0]["params"] == {"limit": ROSTER_LIMIT, "actual": ROSTER_LIMIT + 1}
        assert await _count(http, Book) == ROSTER_LIMIT
