"""Edit keys: 256 random bits handed out once; only a SHA-256 digest is stored.

A fast hash is right here (unlike passwords): the key is random with far more entropy
than any brute force can cover, so slowing the hash would only slow honest requests.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_edit_key() -> str:
    return secrets.token_urlsafe(32)


def hash_edit_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def edit_key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_edit_key(key), stored_hash)
