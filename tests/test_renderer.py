"""The render threads: at most ``slots`` jobs at once, always on the same threads."""

from __future__ import annotations

import asyncio
import threading
import time
from contextlib import closing

import pytest

from magicshelf.renderer import Renderer


@pytest.mark.parametrize("slots", [1, 2])
async def test_at_most_slots_jobs_run_at_once_on_the_same_threads(slots: int) -> None:
    running = 0
    most = 0
    lock = threading.Lock()

    def job(number: int) -> tuple[int, str]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return number, threading.current_thread().name

    with closing(Renderer(slots)) as renderer:
        done = await asyncio.gather(*(renderer.run(job, n) for n in range(8)))
    assert [number for number, _ in done] == list(range(8))
    assert most == slots
    threads = {name for _, name in done}
    assert len(threads) == slots
    assert all(name.startswith("render") for name in threads)


async def test_errors_reach_the_caller_and_closing_drops_waiting_jobs() -> None:
    def fail() -> None:
        raise ValueError("broken picture")

    renderer = Renderer(1)
    with pytest.raises(ValueError, match="broken picture"):
        await renderer.run(fail)
    started = threading.Event()
    release = threading.Event()

    def block() -> str:
        started.set()
        release.wait(5)
        return "finished"

    running = asyncio.ensure_future(renderer.run(block))
    waiting = asyncio.ensure_future(renderer.run(time.sleep, 0))
    await asyncio.to_thread(started.wait, 5)
    renderer.close()
    release.set()
    assert await running == "finished"
    with pytest.raises(asyncio.CancelledError):
        await waiting


async def test_busy_slots_and_queued_jobs_are_counted_for_metrics() -> None:
    started = threading.Event()
    release = threading.Event()

    def job() -> bool:
        started.set()
        return release.wait(5)

    with closing(Renderer(1)) as renderer:
        assert (renderer.slots, renderer.busy, renderer.queued) == (1, 0, 0)
        jobs = [asyncio.ensure_future(renderer.run(job)) for _ in range(3)]
        await asyncio.to_thread(started.wait, 5)
        assert (renderer.busy, renderer.queued) == (1, 2)
        release.set()
        assert await asyncio.gather(*jobs) == [True, True, True]
        assert (renderer.busy, renderer.queued) == (0, 0)
