"""Connections for the hot reads on PostgreSQL, kept apart from SQLAlchemy's pool.

A book read is one SELECT with no transaction and no session state. Checking a
connection out of SQLAlchemy's async pool and back costs a greenlet switch plus the
pool's bookkeeping, ~30 µs of CPU per read, as much as the query itself
(bench/NOTES.md). Here a read takes the newest idle asyncpg connection from a list,
with a semaphore bounding how many are open; a connection that failed in any way,
or was cancelled mid-query, is dropped rather than reused.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints

# Like the ORM pool's pool_recycle: no connection lives longer (server-side memory,
# load balancers that cut old connections).
MAX_AGE_SECONDS = 1800.0
# How a connection that died while idle fails on its next use. InternalClientError: the
# server's "terminating connection" arrived while it sat idle (PostgreSQL stopping), and
# asyncpg refuses the next statement ("another operation is in progress").
_DEAD = (
    OSError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)
_CONNECT_ARGS = frozenset(inspect.signature(asyncpg.connect).parameters)


class ReadPool:
    """Up to ``size`` asyncpg connections, opened when needed, newest reused first."""

    def __init__(self, connect_args: Mapping[str, Any], size: int) -> None:
        # SQLAlchemy's URL translation, minus the options only its adapter understands.
        self._connect_args = {k: v for k, v in connect_args.items() if k in _CONNECT_ARGS}
        self.size = size
        self._slots = asyncio.Semaphore(size)
        self._idle: list[tuple[asyncpg.Connection, float]] = []
        # For /metrics, read when scraped: two integer updates per read, no lock or await.
        self._in_use = 0
        self._asking = 0  # reads in acquire; only those blocked on a full pool are seen

    @property
    def in_use(self) -> int:
        """Reads holding a slot now (on a connection, or opening one)."""
        return self._in_use

    @property
    def idle(self) -> int:
        return len(self._idle)

    @property
    def waiting(self) -> int:
        """Reads blocked until another one gives its slot back."""
        return self._asking

    async def fetch(self, sql: str, *args: object) -> Sequence[Any]:
        """The rows of one read-only statement."""
        self._asking += 1
        try:
            await self._slots.acquire()
        finally:
            self._asking -= 1
        self._in_use += 1
        try:
            if self._idle:
                connection, opened = self._idle.pop()
                try:
                    return await self._run(connection, opened, sql, args)
                except _DEAD:
                    # PostgreSQL restarted, or something cut the connection while it sat
                    # idle: the others idle as long are likely gone too. A read is safe
                    # to repeat on a new connection.
                    self._drop_idle()
            connection, opened = await asyncpg.connect(**self._connect_args), time.monotonic()
            return await self._run(connection, opened, sql, args)
        finally:
            self._in_use -= 1
            self._slots.release()

    async def _run(
        self, connection: asyncpg.Connection, opened: float, sql: str, args: tuple[object, ...]
    ) -> Sequence[Any]:
        try:
            rows: Sequence[Any] = await connection.fetch(sql, *args)
        except BaseException:
            connection.terminate()
            raise
        if time.monotonic() - opened < MAX_AGE_SECONDS:
            self._idle.append((connection, opened))
        else:
            await connection.close()
        return rows

    def _drop_idle(self) -> None:
        idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.terminate()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        await asyncio.gather(*(connection.close() for connection, _ in idle))
