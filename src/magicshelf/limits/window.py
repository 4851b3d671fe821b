"""What every limiter answers, wherever it keeps its counts."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Literal

Decision = Literal["allowed", "limited"]
# Told of every decision: the limiter's name and what it decided (the metrics count them).
Decided = Callable[[str, Decision], None]


class Window(ABC):
    """At most ``limit`` events per key within any ``window_seconds``."""

    @abstractmethod
    async def retry_after(self, key: str) -> int | None:
        """Seconds this key must wait before it may go on, or None if it may go on now."""

    @abstractmethod
    async def record(self, key: str) -> None:
        """Count one event that has happened (a miss, a failed sign-in), over the limit too."""

    @abstractmethod
    async def acquire(self, key: str) -> int | None:
        """Count one event if the key is under its limit (None); else the seconds to wait,
        counting nothing. One step, so two racing requests cannot both take the last one."""


class Counted(Window):
    """Another window, with each of its decisions reported under a name."""

    def __init__(self, inner: Window, *, name: str, decided: Decided) -> None:
        self._inner = inner
        self._name = name
        self._decided = decided

    def _report(self, wait: int | None) -> int | None:
        self._decided(self._name, "allowed" if wait is None else "limited")
        return wait

    async def retry_after(self, key: str) -> int | None:
        return self._report(await self._inner.retry_after(key))

    async def record(self, key: str) -> None:
        await self._inner.record(key)

    async def acquire(self, key: str) -> int | None:
        return self._report(await self._inner.acquire(key))
