"""The in-memory miss limiter: sliding window, per client, bounded memory."""

from __future__ import annotations

from magicshelf.books.misses import InMemoryMissLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_blocks_after_the_limit_and_frees_when_the_window_slides() -> None:
    clock = Clock()
    limiter = InMemoryMissLimiter(limit=3, window_seconds=60, clock=clock)
    for step in range(3):
        assert await limiter.retry_after("a") is None
        await limiter.record_miss("a")
        clock.now += 10 * (step + 1)  # misses at 1000, 1010, 1030
    clock.now = 1040.0
    assert await limiter.retry_after("a") == 20  # the miss at 1000 leaves at 1060
    assert await limiter.retry_after("b") is None  # other clients are not affected
    clock.now = 1060.0
    assert await limiter.retry_after("a") is None


async def test_memory_is_bounded() -> None:
    limiter = InMemoryMissLimiter(limit=100, window_seconds=60, max_clients=10)
    for client in range(50):
        for _ in range(200):
            await limiter.record_miss(str(client))
    assert len(limiter._misses) == 10
    assert all(len(misses) <= 100 for misses in limiter._misses.values())
