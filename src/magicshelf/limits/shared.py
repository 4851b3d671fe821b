"""Limit windows counted in Redis, so every replica shares them, with memory behind them.

Loaded only when ``MAGICSHELF_REDIS_URL`` is set (``made.windows``): redis-py costs each
worker ~6 MB.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from magicshelf.limits.fallback import FallbackWindow, RedisHealth
from magicshelf.limits.redis_window import RedisWindow
from magicshelf.limits.window import Window

# A Redis hiccup may cost a request this much, never more: no retries, short timeouts.
REDIS_TIMEOUT_SECONDS = 0.25
# How long Redis is left alone after failing, before one request tries it again.
REDIS_RETRY_SECONDS = 5.0
# Connections per worker, opened as needed. A check holds one for a fraction of a
# millisecond; past this many at once, requests queue for one (up to the timeout) rather
# than opening connections without end. A wait past the timeout counts as Redis failing.
REDIS_CONNECTIONS = 100

# share(local, name, limit, window_seconds): the window counted in Redis, ``local`` while
# Redis fails.
Share = Callable[[Window, str, int, float], Window]


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
async def sharing(redis_url: str) -> AsyncIterator[Share]:
    """Yields ``share``; the Redis connections close after. One health for every window
    of the process, so Redis going down and coming back are logged once each."""
    client = redis_client(redis_url)
    health = RedisHealth(retry_seconds=REDIS_RETRY_SECONDS)

    def share(local: Window, name: str, limit: int, window_seconds: float) -> Window:
        counted = RedisWindow(client, name=name, limit=limit, window_seconds=window_seconds)
        return FallbackWindow(counted, local, health)

    try:
        yield share
    finally:
        await client.aclose()
