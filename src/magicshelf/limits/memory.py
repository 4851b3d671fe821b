"""A sliding window in this process only: each replica and worker counts on its own."""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from magicshelf.limits.window import Window


class MemoryWindow(Window):
    """Event times per key, the newest ``limit`` only; the oldest keys forgotten first.

    No call awaits between reading and writing the counts, so each is atomic on the loop.
    """

    def __init__(
        self,
        *,
        limit: int,
        window_seconds: float,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window_seconds
        self._max_keys = max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        events = self._events.get(key)
        if events is None:
            return None
        while events and events[0] <= now - self._window:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def _wait(self, key: str, now: float) -> int | None:
        events = self._recent(key, now)
        if events is None or len(events) < self._limit:
            return None
        # At most `limit` events are kept, so the key is free once the oldest expires.
        return max(1, math.ceil(events[0] + self._window - now))

    def _add(self, key: str, now: float) -> None:
        events = self._recent(key, now) or deque()
        events.append(now)
        # Only the newest `limit` events can matter for the answer.
        while len(events) > self._limit:
            events.popleft()
        self._events[key] = events
        self._events.move_to_end(key)
        while len(self._events) > self._max_keys:
            self._events.popitem(last=False)

    async def retry_after(self, key: str) -> int | None:
        return self._wait(key, self._clock())

    async def record(self, key: str) -> None:
        self._add(key, self._clock())

    async def acquire(self, key: str) -> int | None:
        now = self._clock()
        wait = self._wait(key, now)
        if wait is None:
            self._add(key, now)
        return wait
