"""The app's limit windows, as its settings ask: in Redis when configured, else in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from magicshelf.limits.fallback import FallbackWindow, RedisHealth
from magicshelf.limits.memory import MemoryWindow
from magicshelf.limits.redis_window import RedisWindow
from magicshelf.limits.window import Counted, Decided, Window

# A Redis hiccup may cost a request this much, never more: no retries, short timeouts.
REDIS_TIMEOUT_SECONDS = 0.25
# How long Redis is left alone after failing, before one request tries it again.
REDIS_RETRY_SECONDS = 5.0
# Connections per worker, opened as needed. A check holds one for a fraction of a
# millisecond; past this many at once, requests queue for one (up to the timeout) rather
# than opening connections without end. A wait past the timeout counts as Redis failing.
REDIS_CONNECTIONS = 100

MakeWindow = Callable[[str, int, float], Window]


def redis_client(redis_url: str) -> Redis:
    """A client that fails fast: bounded waits for a connection and for every answer."""
    pool = BlockingConnectionPool.from_url(
        redis_url,
        max_connections=REDIS_CONNECTIONS,
        timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    return Redis.from_pool(pool)


@asynccontextmanager
async def windows(redis_url: str, decided: Decided) -> AsyncIterator[MakeWindow]:
    """Yields ``make(name, limit, window_seconds)``; the Redis connections close after."""
    client = redis_client(redis_url) if redis_url else None
    health = RedisHealth(retry_seconds=REDIS_RETRY_SECONDS)

    def make(name: str, limit: int, window_seconds: float) -> Window:
        window: Window = MemoryWindow(limit=limit, window_seconds=window_seconds)
        if client is not None:
            shared = RedisWindow(client, name=name, limit=limit, window_seconds=window_seconds)
            window = FallbackWindow(shared, window, health)
        return Counted(window, name=name, decided=decided)

    try:
        yield make
    finally:
        if client is not None:
            await client.aclose()
