"""Edit keys a person can keep: read aloud, written down, typed back on any keyboard.

A key is 28 symbols of Crockford's base32 (digits and letters without I, L, O and U: no
look-alikes), 140 bits, shown in seven groups of four: ``7KQ2-M9XD-4TPA-…``. It is
compared ignoring case, spaces and hyphens, and Crockford's readings of the look-alikes
(I and L as 1, O as 0) are taken too. Only a SHA-256 of the compact form is stored.

Keys made before this format (43 URL-safe characters, case-sensitive) keep working: a
typed key that is not a well-formed new key is compared exactly as typed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from magicshelf.tokens import token_hash, token_matches

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SYMBOLS, GROUP = 28, 4
_BITS = SYMBOLS * 5
_READINGS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_IGNORED = str.maketrans("", "", " -\u2010\u2011\u2012\u2013\u2014\u00a0\t")


def _encode(material: bytes) -> str:
    number = int.from_bytes(material, "big") >> (len(material) * 8 - _BITS)
    return shown("".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(SYMBOLS))))


def new_edit_key() -> str:
    return _encode(secrets.token_bytes(_BITS // 8 + 1))


def derived_edit_key(secret: bytes, purpose: str) -> str:
    """A key that only the holder of ``secret`` can compute, the same every time.

    An idempotent create rebuilds the key of its first answer this way, so the key is
    never stored in the clear to be replayed.
    """
    return _encode(hmac.new(secret, purpose.encode(), hashlib.sha256).digest())


def _compact(typed: str) -> str | None:
    """The key's 28 symbols, if what was typed is a new-format key."""
    compact = typed.translate(_IGNORED).upper().translate(_READINGS)
    if len(compact) == SYMBOLS and all(symbol in ALPHABET for symbol in compact):
        return compact
    return None


def shown(typed: str) -> str:
    """A key as people read it: a new-format key in its groups, an old one as it is."""
    compact = _compact(typed)
    if compact is None:
        return typed
    return "-".join(compact[i : i + GROUP] for i in range(0, SYMBOLS, GROUP))


def edit_key_hash(key: str) -> str:
    return token_hash(_compact(key) or key)


def edit_key_matches(typed: str, stored_hash: str) -> bool:
    compact = _compact(typed)
    return token_matches(compact if compact is not None else typed, stored_hash)
