"""Limits that survive Redis going away: answered from memory until it is back.

A limiter must never make a request fail or hang because Redis is down: the client's
short timeouts bound each try, and after a failure Redis is left alone for a few seconds
(one request then tries again) instead of every request paying the timeout. Meanwhile
each process counts on its own, as it would without Redis, and starts from nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import RedisError

from magicshelf.limits.window import Window

log = logging.getLogger(__name__)
_Answer = TypeVar("_Answer")


class RedisHealth:
    """Whether Redis answered lately, shared by every window of a process, so that going
    down and coming back are logged once each, not once per limiter or per request."""

    def __init__(
        self, *, retry_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._down = False
        self._next_try = 0.0

    def worth_trying(self) -> bool:
        if not self._down:
            return True
        now = self._clock()
        if now < self._next_try:
            return False
        self._next_try = now + self._retry_seconds  # this caller tries; the others wait
        return True

    def failed(self, error: RedisError) -> None:
        self._next_try = self._clock() + self._retry_seconds
        if not self._down:
            self._down = True
            log.warning(
                "Redis is unreachable or too slow (%s: %s): limits are counted per "
                "process until it answers; trying again every %g s",
                type(error).__name__,
                error,
                self._retry_seconds,
            )

    def answered(self) -> None:
        if self._down:
            self._down = False
            log.info("Redis answers again: limits are shared by every replica once more")


class FallbackWindow(Window):
    def __init__(self, shared: Window, local: Window, health: RedisHealth) -> None:
        self._shared = shared
        self._local = local
        self._health = health

    async def _answer(self, ask: Callable[[Window], Awaitable[_Answer]]) -> _Answer:
        if self._health.worth_trying():
            try:
                answer = await ask(self._shared)
            except RedisError as error:
                self._health.failed(error)
            else:
                self._health.answered()
                return answer
        return await ask(self._local)

    async def retry_after(self, key: str) -> int | None:
        return await self._answer(lambda window: window.retry_after(key))

    async def record(self, key: str) -> None:
        await self._answer(lambda window: window.record(key))

    async def acquire(self, key: str) -> int | None:
        return await self._answer(lambda window: window.acquire(key))
