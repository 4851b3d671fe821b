"""Redis stopped and started again under the limiters: memory meanwhile, one line each way."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from redis.asyncio import Redis

from magicshelf.limits.made import windows
from magicshelf.limits.shared import REDIS_RETRY_SECONDS, REDIS_TIMEOUT_SECONDS
from magicshelf.limits.window import Decision
from tests.redisserver import redis_server


async def test_limits_fall_back_to_memory_and_return_to_redis(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="magicshelf.limits")
    decisions: list[tuple[str, Decision]] = []
    with redis_server() as server:
        async with windows(server.url, lambda *decision: decisions.append(decision)) as make:
            misses, writes = make("misses", 2, 60), make("writes", 3, 60)
            await misses.record("10.0.0.9")
            await misses.record("10.0.0.9")
            assert await misses.retry_after("10.0.0.9") == 60  # counted in Redis

            server.stop()
            started = time.monotonic()
            # Memory starts from nothing: the client may go on, and writes still count.
            assert await misses.retry_after("10.0.0.9") is None
            assert [await writes.acquire("10.0.0.9") for _ in range(4)] == [None] * 3 + [60]
            for _ in range(50):
                await misses.record("10.0.0.8")
            assert await misses.retry_after("10.0.0.8") == 60
            assert time.monotonic() - started < 1  # nobody waits on a Redis that is gone
            down = [r for r in caplog.records if r.levelno == logging.WARNING]
            assert [r.name for r in down] == ["magicshelf.limits.fallback"]  # once, not 55 times
            assert "per process" in down[0].getMessage()

            server.start()  # same port, empty: nothing was saved
            await asyncio.sleep(REDIS_RETRY_SECONDS + 0.2)
            await misses.record("10.0.0.7")
            await misses.record("10.0.0.7")
            async with Redis.from_url(server.url) as direct:
                (key,) = await direct.keys("magicshelf:limit:misses:*")
                assert await direct.zcard(key) == 2  # shared again
            back = [r for r in caplog.records if r.levelno == logging.INFO]
            assert len(back) == 1
            assert "shared" in back[0].getMessage()
    assert decisions.count(("misses", "limited")) == 2
    assert decisions.count(("writes", "limited")) == 1


async def test_a_hung_redis_costs_one_timeout_then_nothing() -> None:
    with redis_server() as server:
        async with windows(server.url, lambda *_: None) as make:
            misses = make("misses", 2, 60)
            assert await misses.retry_after("10.0.0.9") is None
            server.pause()  # accepts connections, answers nothing
            try:
                started = time.monotonic()
                assert await misses.retry_after("10.0.0.9") is None
                first = time.monotonic() - started
                started = time.monotonic()
                for _ in range(20):
                    await misses.retry_after("10.0.0.9")
                rest = time.monotonic() - started
            finally:
                server.resume()
    assert REDIS_TIMEOUT_SECONDS <= first < REDIS_TIMEOUT_SECONDS + 0.5
    assert rest < 0.1  # left alone until the next try
