"""The Redis window against a real redis-server: the memory window's answers, atomically."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import BlockingConnectionPool, Redis

from magicshelf.limits.memory import MemoryWindow
from magicshelf.limits.redis_window import RedisWindow
from magicshelf.limits.shared import redis_client
from magicshelf.limits.window import Window


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Redis]:
    connection = redis_client(redis_url)
    yield connection
    await connection.aclose()


async def _story(window: Window) -> list[int | None]:
    """Misses and writes of two clients, then the same after the window has slid by."""
    answers: list[int | None] = []
    for _ in range(3):
        answers.append(await window.retry_after("a"))
        await window.record("a")
    answers += [await window.retry_after("a"), await window.retry_after("b")]
    answers += [await window.acquire("b") for _ in range(4)]
    await asyncio.sleep(2.1)
    answers += [await window.retry_after("a"), await window.acquire("b")]
    return answers


async def test_answers_as_the_memory_window_does(client: Redis) -> None:
    shared = RedisWindow(client, name="story", limit=3, window_seconds=2)
    local = MemoryWindow(limit=3, window_seconds=2)
    in_redis, in_memory = await asyncio.gather(_story(shared), _story(local))
    assert in_redis == in_memory == [None, None, None, 2, None, None, None, None, 2, None, None]


async def test_racing_replicas_count_every_event_and_never_pass_the_limit(
    redis_url: str,
) -> None:
    # Two replicas, each with its own pool of 20 connections. Unlike the app's client they
    # wait as long as it takes: on a loaded test machine a burst of hundreds may take
    # longer than the app's 0.25 s, and what is checked here is the script's atomicity.
    replicas = [
        Redis.from_pool(BlockingConnectionPool.from_url(redis_url, max_connections=20))
        for _ in range(2)
    ]
    try:
        racing = [
            RedisWindow(connection, name="race", limit=10, window_seconds=60)
            for connection in replicas
        ]
        granted = await asyncio.gather(*(racing[i % 2].acquire("school") for i in range(60)))
        assert granted.count(None) == 10
        assert all(wait == 60 for wait in granted if wait is not None)

        counting = [
            RedisWindow(connection, name="count", limit=500, window_seconds=60)
            for connection in replicas
        ]
        await asyncio.gather(*(counting[i % 2].record("guesser") for i in range(300)))
        (key,) = await replicas[0].keys("magicshelf:limit:count:*")
        assert await replicas[0].zcard(key) == 300
    finally:
        for connection in replicas:
            await connection.aclose()


async def test_keys_hold_no_address_or_email_and_expire(client: Redis, redis_url: str) -> None:
    window = RedisWindow(client, name="login-account", limit=3, window_seconds=900)
    await window.record("ana@escola.br")
    await window.record("10.1.2.3")
    async with Redis.from_url(redis_url, decode_responses=True) as operator:
        keys = [str(key) for key in await operator.keys("*")]  # decoded already
        assert len(keys) == 2
        assert all(key.startswith("magicshelf:limit:login-account:") for key in keys)
        assert not any("ana" in key or "10.1.2.3" in key for key in keys)
        for key in keys:
            assert 0 < await operator.pttl(key) <= 900_000


async def test_a_check_costs_one_round_trip(client: Redis) -> None:
    window = RedisWindow(client, name="misses", limit=20, window_seconds=600)
    await window.retry_after("warm-up")  # loads the script once
    calls = 500
    started = time.perf_counter()
    for _ in range(calls):
        await window.retry_after("10.0.0.7")
    per_call = (time.perf_counter() - started) / calls
    print(f"retry_after against local Redis: {per_call * 1e6:.0f} µs per call")
    assert per_call < 0.005  # generous for a shared machine; a hang would be 100× more
