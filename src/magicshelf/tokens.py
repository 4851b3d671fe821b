"""Secrets handed out once (edit keys, session cookies, invitation links): only digests kept.

A fast hash is right here, unlike for passwords: a token has 256 random bits, far more
than any brute force can cover, so slowing the hash would only slow honest requests.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return hmac.compare_digest(token_hash(token), stored_hash)
