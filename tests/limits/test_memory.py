"""The in-memory window: sliding, per key, bounded memory."""

from __future__ import annotations

from magicshelf.limits.memory import MemoryWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_blocks_after_the_limit_and_frees_when_the_window_slides() -> None:
    clock = Clock()
    window = MemoryWindow(limit=3, window_seconds=60, clock=clock)
    for step in range(3):
        assert await window.retry_after("a") is None
        await window.record("a")
        clock.now += 10 * (step + 1)  # misses at 1000, 1010, 1030
    clock.now = 1040.0
    assert await window.retry_after("a") == 20  # the miss at 1000 leaves at 1060
    assert await window.retry_after("b") is None  # other keys are not affected
    clock.now = 1060.0
    assert await window.retry_after("a") is None


async def test_acquire_counts_only_what_it_lets_through() -> None:
    clock = Clock()
    window = MemoryWindow(limit=2, window_seconds=60, clock=clock)
    assert [await window.acquire("a") for _ in range(4)] == [None, None, 60, 60]
    clock.now = 1059.5
    assert await window.acquire("a") == 1  # never 0: a client waits at least a second
    clock.now = 1060.0  # both leave at once: the refused ones were never counted
    assert [await window.acquire("a") for _ in range(3)] == [None, None, 60]


async def test_memory_is_bounded() -> None:
    window = MemoryWindow(limit=100, window_seconds=60, max_keys=10)
    for key in range(50):
        for _ in range(200):
            await window.record(str(key))
    assert len(window._events) == 10
    assert all(len(events) <= 100 for events in window._events.values())
