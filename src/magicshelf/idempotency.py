"""``Idempotency-Key`` on creates: the same key within 24 hours answers the first result.

A phone on a school's Wi-Fi sends a create, loses the answer and sends it again; a child
taps twice. With the header, the second request gets the first one's answer (status,
code, body) and nothing more is created. The first answer is stored in the database, so
this holds across replicas, and under concurrent replays too: the unique (scope, key)
row is written in the same transaction as what it creates, so of two racing requests one
commits and the other rolls back and replays it.

No secret is stored to be replayed. An edit key in an answer is derived from the
server's secret and the idempotency key (``books.edit_keys.derived_edit_key``), and the
replay derives it again. The same key with a different request gets 409.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import Header, Response
from sqlalchemy import Integer, SmallInteger, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from magicshelf.books.models import UTCDateTime, utcnow
from magicshelf.db import Base
from magicshelf.errors import IdempotencyKeyReused
from magicshelf.http import JSON

WINDOW = timedelta(hours=24)
REPLAYED = "Idempotent-Replayed"

# Absent is "" rather than None: an optional header typed `str | None` is documented as
# nullable, and a header cannot carry a null (clients would send the text "null").
KeyHeader = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        description=(
            "A random value per intended create, such as a UUID (16 to 255 visible ASCII "
            "characters): sent again within 24 hours with the same request, it answers "
            "the first result, edit key included, and creates nothing more. Keep it as "
            "secret as the edit key it brings back."
        ),
        # Long enough to be random: a replay hands back an edit key.
        pattern=r"^[!-~]{16,255}$",
        examples=["5f0c3c1e-8f7a-4d52-9a0b-2f4e2a1d9c11"],
    ),
]


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("scope", "key_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))  # the operation, and its class
    key_hash: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))  # of the request it answered
    status: Mapped[int] = mapped_column(SmallInteger)
    body: Mapped[str] = mapped_column(Text)  # JSON, with no secret in it
    location: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServerSecret(Base):
    __tablename__ = "server_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Claim:
    """A create sent with an Idempotency-Key: where, the key, and what was asked."""

    scope: str
    key: str
    fingerprint: str

    @classmethod
    def of(cls, scope: str, key: str, request: Any) -> Claim | None:
        if not key:
            return None
        return cls(scope, key, _digest(orjson.dumps(request).decode()))

    @property
    def purpose(self) -> str:
        """What a derived secret of this request is derived for."""
        return f"{self.scope}\x00{self.key}"


async def first_answer(session: AsyncSession, claim: Claim) -> IdempotentRequest | None:
    """The stored answer to this key, if it is fresh; 409 if it answered another request."""
    found = await session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.scope == claim.scope,
            IdempotentRequest.key_hash == _digest(claim.key),
        )
    )
    if found is None:
        return None
    if found.created_at <= utcnow() - WINDOW:
        await session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == found.id))
        await session.commit()
        return None
    if found.fingerprint != claim.fingerprint:
        raise IdempotencyKeyReused()
    return found


def remember(
    claim: Claim, status: int, body: dict[str, Any], location: str | None
) -> IdempotentRequest:
    """The row to store with what the request creates, in the same transaction."""
    return IdempotentRequest(
        scope=claim.scope,
        key_hash=_digest(claim.key),
        fingerprint=claim.fingerprint,
        status=status,
        body=orjson.dumps(body).decode(),
        location=location,
        created_at=utcnow(),
    )


def replay(found: IdempotentRequest, **secrets: str) -> JSON:
    """The first answer again, with its secrets derived anew (never stored)."""
    headers = {REPLAYED: "true"}
    if found.location:
        headers["Location"] = found.location
    body = {**orjson.loads(found.body), **secrets}
    return JSON(body, status_code=found.status, headers=headers)


async def server_secret(session: AsyncSession) -> bytes:
    value = await session.scalar(select(ServerSecret.value).where(ServerSecret.name == "edit-keys"))
    if value is None:
        raise RuntimeError("the server secret is missing: run 'magicshelf migrate'")
    return bytes.fromhex(value)


async def at_most_once(
    session: AsyncSession,
    claim: Claim,
    create: Callable[[], Awaitable[Response]],
    **secrets: str,
) -> Response:
    """The first answer to this claim if there is one, else ``create()``'s, made once.

    ``create`` stores its ``remember`` row in its own transaction: when a concurrent
    request with the same key committed first, the unique row makes this commit fail,
    everything it made is rolled back, and the winner's answer is replayed.
    """
    found = await first_answer(session, claim)
    if found is not None:
        return replay(found, **secrets)
    try:
        return await create()
    except IntegrityError:
        await session.rollback()
        found = await first_answer(session, claim)
        if found is None:
            raise
        return replay(found, **secrets)
