"""Counting unknown magic codes per client, so nobody can walk the code space.

Once a client is over the limit, *every* lookup it makes gets 429, hits included:
answering hits normally would still tell a guesser which codes exist.
"""

from __future__ import annotations

import asyncio
import math
import time
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Callable


class MissLimiter(ABC):
    """Where misses are remembered. A shared store (Redis, PostgreSQL) can implement it."""

    @abstractmethod
    async def retry_after(self, client: str) -> int | None:
        """Seconds this client must wait before its next lookup, or None if it may go on."""

    @abstractmethod
    async def record_miss(self, client: str) -> None: ...


class InMemoryMissLimiter(MissLimiter):
    """Sliding window per client, in this process only; oldest clients forgotten first."""

    def __init__(
        self,
        *,
        limit: int,
        window_seconds: float,
        max_clients: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window_seconds
        self._max_clients = max_clients
        self._clock = clock
        self._misses: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = asyncio.Lock()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        misses = self._misses.get(client)
        if misses is None:
            return None
        while misses and misses[0] <= now - self._window:
            misses.popleft()
        if not misses:
            del self._misses[client]
            return None
        return misses

    async def retry_after(self, client: str) -> int | None:
        now = self._clock()
        async with self._lock:
            misses = self._recent(client, now)
            if misses is None or len(misses) < self._limit:
                return None
            # At most `limit` misses are kept, so the client is free once the oldest expires.
            return max(1, math.ceil(misses[0] + self._window - now))

    async def record_miss(self, client: str) -> None:
        now = self._clock()
        async with self._lock:
            misses = self._recent(client, now) or deque()
            misses.append(now)
            # Only the newest `limit` misses can matter for the answer.
            while len(misses) > self._limit:
                misses.popleft()
            self._misses[client] = misses
            self._misses.move_to_end(client)
            while len(self._misses) > self._max_clients:
                self._misses.popitem(last=False)
