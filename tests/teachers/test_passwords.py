"""Argon2id hashes, and an unknown account costing a real verification."""

from __future__ import annotations

import pytest

from magicshelf.teachers import passwords


async def test_passwords_are_argon2id_and_verify() -> None:
    stored = await passwords.hash_password("girassol-azul-42")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert await passwords.password_matches(stored, "girassol-azul-42")
    assert not await passwords.password_matches(stored, "girassol-azul-43")
    assert not await passwords.password_matches("not a hash", "x")


async def test_an_unknown_account_is_verified_against_a_real_hash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    real = passwords._hasher

    class Spy:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            checked.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(passwords, "_hasher", Spy())
    assert not await passwords.password_matches(None, "no account has this password")
    assert len(checked) == 1
    assert checked[0].startswith("$argon2id$")
