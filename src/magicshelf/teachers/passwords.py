"""Passwords, hashed with Argon2id (argon2-cffi's defaults: 64 MiB, 3 passes, 4 lanes).

Hashing takes ~50 ms of CPU and 64 MiB on purpose, so it runs in a thread, never on the
event loop. Signing in with an unknown email verifies against a hash made at start-up,
so it costs the same time as a wrong password and says nothing about who has an account.
"""

from __future__ import annotations

import asyncio
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # Argon2id


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


@cache
def _nobodys_hash() -> str:
    return _hasher.hash("no account has this password")


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _nobodys_hash(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


async def password_matches(stored: str | None, password: str) -> bool:
    """Whether ``password`` opens ``stored`` (None: no such account, same time spent)."""
    return await asyncio.to_thread(_verify, stored, password)
