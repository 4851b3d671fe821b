"""Where pictures are decoded and PDFs drawn: a few threads of the worker's own.

Decoding is what makes a worker big: a 12 MP phone photo needs ~80 MB while it is
processed. ``slots`` threads bound how many run at once; other jobs wait in line, an
upload with its bytes on disk. Keeping the work on the same threads also keeps the memory
it frees in the same malloc arena, where the next picture reuses it: spread over
asyncio's default pool, each thread's arena kept its own copy (237 MB peak RSS against
188 MB here, for one worker taking 12 MP photos two at a time; bench/NOTES.md).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")


class Renderer:
    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._threads = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="render")
        # For /metrics: jobs handed over and not yet answered (counted on the event loop),
        # and those of them running on a thread (counted there, hence the lock).
        self._submitted = 0
        self._running = 0
        self._running_lock = threading.Lock()

    @property
    def busy(self) -> int:
        """Render slots running a job now."""
        return self._running

    @property
    def queued(self) -> int:
        """Jobs waiting for a free slot."""
        return max(0, self._submitted - self._running)

    async def run(self, job: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """``job(*args, **kwargs)`` on a render thread, once one is free."""
        loop = asyncio.get_running_loop()
        self._submitted += 1
        try:
            call = partial(job, *args, **kwargs)
            return await loop.run_in_executor(self._threads, self._counted, call)
        finally:
            self._submitted -= 1

    def _counted(self, call: Callable[[], _T]) -> _T:
        with self._running_lock:
            self._running += 1
        try:
            return call()
        finally:
            with self._running_lock:
                self._running -= 1

    def close(self) -> None:
        """Drop the jobs still waiting; a running one finishes on its own thread."""
        self._threads.shutdown(wait=False, cancel_futures=True)
