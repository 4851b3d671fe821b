"""Edit keys: the format people keep, typed back any way, and the old keys still opening."""

from __future__ import annotations

import io
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from pypdf import PdfReader
from sqlalchemy import update

from magicshelf.books import codes
from magicshelf.books.edit_keys import (
    derived_edit_key,
    edit_key_hash,
    edit_key_matches,
    new_edit_key,
)
from magicshelf.books.models import Book
from magicshelf.tokens import new_token, token_hash
from tests.books.test_api import NEW_BOOK, assert_problem
from tests.classes.test_api import _as
from tests.classes.test_roster import _class
from tests.conftest import Client
from tests.test_cli import magicshelf

KEY_SHAPE = re.compile(r"([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}")


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_new_key_has_140_bits_in_seven_groups_without_look_alikes() -> None:
    keys = {new_edit_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(KEY_SHAPE.fullmatch(key) for key in keys)
    assert not set("ILOU") & set("".join(keys))


@pytest.mark.parametrize(
    "typed",
    [
        lambda k: k,
        lambda k: k.lower(),
        lambda k: k.replace("-", ""),
        lambda k: k.replace("-", " "),
        lambda k: " ".join(k.replace("-", "")),
        lambda k: k.replace("1", "l").replace("0", "o"),  # Crockford's readings
    ],
)
def test_a_key_is_typed_back_any_way(typed: object) -> None:
    key = "7KQ2-M9XD-4TPA-1B0C-ZZ55-HJKM-NPQR"
    assert edit_key_matches(typed(key), edit_key_hash(key))  # type: ignore[operator]


def test_a_wrong_symbol_or_an_old_key_typed_differently_does_not_open() -> None:
    key = "7KQ2-M9XD-4TPA-1B0C-ZZ55-HJKM-NPQR"
    assert not edit_key_matches(key.replace("7", "8"), edit_key_hash(key))
    old = new_token()
    assert edit_key_matches(old, token_hash(old))
    assert not edit_key_matches(old.swapcase(), token_hash(old))  # old keys: exact


def test_a_derived_key_is_repeatable_and_secret_bound() -> None:
    first = derived_edit_key(b"s" * 32, "books:abc")
    assert first == derived_edit_key(b"s" * 32, "books:abc")
    assert KEY_SHAPE.fullmatch(first)
    assert first != derived_edit_key(b"t" * 32, "books:abc")
    assert first != derived_edit_key(b"s" * 32, "books:abd")


async def test_a_book_made_with_an_old_key_keeps_opening(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    created = (await client.post("/api/books", json=NEW_BOOK)).json()
    old = new_token()
    async with app.resources.database.session() as session:  # type: ignore[attr-defined]
        compact = codes.parse(created["magic_code"])
        await session.execute(
            update(Book).where(Book.magic_code == compact).values(edit_key_hash=token_hash(old))
        )
        await session.commit()
    access = f"/api/books/{created['magic_code']}/access"
    assert (await client.get(access, headers={"Authorization": f"Bearer {old}"})).status_code == 204
    new = created["edit_key"]
    assert (await client.get(access, headers={"Authorization": f"Bearer {new}"})).status_code == 403
    spaced = {"Authorization": f"Bearer {old.lower()}"}
    assert (await client.get(access, headers=spaced)).status_code == 403


async def test_a_lost_key_is_replaced_by_the_class_teacher(teachers_client: Client) -> None:
    async with teachers_client() as http:
        class_id, ana, bia = await _class(http)
        made = await http.post(
            f"/api/classes/{class_id}/roster", json={"names": ["Ana Souza"]}, headers=_as(ana)
        )
        book = made.json()["books"][0]["links"]["book"]

        # Nobody else can: not another teacher, not a cross-site page with her cookie.
        assert_problem(await http.post(f"{book}/edit-key", headers=_as(bia)), 401)
        cross = {**_as(ana), "Origin": "https://evil.example"}
        assert_problem(await http.post(f"{book}/edit-key", headers=cross), 403)

        first = await http.post(f"{book}/edit-key", headers=_as(ana))
        assert first.status_code == 200, first.text
        key = first.json()["edit_key"]
        assert KEY_SHAPE.fullmatch(key)
        assert (await http.get(f"{book}/access", headers=_bearer(key))).status_code == 204
        second = (await http.post(f"{book}/edit-key", headers=_bearer(key))).json()["edit_key"]
        assert_problem(await http.get(f"{book}/access", headers=_bearer(key)), 403)
        assert (await http.get(f"{book}/access", headers=_bearer(second))).status_code == 204
        code = made.json()["books"][0]["magic_code"]
        assert (await http.get(book, headers=_as(ana))).json()["magic_code"] == code

        # The key card prints the key it was sent, grouped, whichever way it was typed.
        card = await http.get(f"{book}/key-card.pdf", headers=_bearer(second.lower()))
        assert card.status_code == 200
        assert card.headers["content-type"] == "application/pdf"
        assert card.headers["cache-control"] == "no-store"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(card.content)).pages)
        for shown_text in (second, code, "O livro de Ana Souza"):
            assert shown_text in text
        assert_problem(await http.get(f"{book}/key-card.pdf", headers=_as(ana)), 401)


def test_the_cli_replaces_a_key(empty_database_url: str, tmp_path: Path) -> None:
    made = magicshelf(tmp_path, empty_database_url, "demo")
    code = next(line for line in made.stdout.splitlines() if line.startswith("Magic code"))
    typed = code.split(":")[1].strip().lower().replace("-", " ")
    rekeyed = magicshelf(tmp_path, empty_database_url, "book", "rekey", typed)
    assert rekeyed.returncode == 0, rekeyed.stderr
    assert KEY_SHAPE.fullmatch(rekeyed.stdout.splitlines()[-1])
    unknown = magicshelf(tmp_path, empty_database_url, "book", "rekey", "ABC-DEF-GH3")
    assert (unknown.returncode, unknown.stderr.strip()) == (
        2,
        "magicshelf: no book has the code ABC-DEF-GH3",
    )
