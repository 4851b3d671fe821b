"""The app's limit windows, as its settings ask: in Redis when configured, else in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import TYPE_CHECKING

from magicshelf.limits.memory import MemoryWindow
from magicshelf.limits.window import Counted, Decided, Window

if TYPE_CHECKING:
    from magicshelf.limits.shared import Share

MakeWindow = Callable[[str, int, float], Window]


@asynccontextmanager
async def windows(redis_url: str, decided: Decided) -> AsyncIterator[MakeWindow]:
    """Yields ``make(name, limit, window_seconds)``; the Redis connections close after."""
    async with _sharing(redis_url) as share:

        def make(name: str, limit: int, window_seconds: float) -> Window:
            window: Window = MemoryWindow(limit=limit, window_seconds=window_seconds)
            if share is not None:
                window = share(window, name, limit, window_seconds)
            return Counted(window, name=name, decided=decided)

        yield make


def _sharing(redis_url: str) -> AbstractAsyncContextManager[Share | None]:
    if not redis_url:
        return nullcontext(None)
    # Imported only when used: redis-py costs each worker ~6 MB.
    from magicshelf.limits.shared import sharing

    return sharing(redis_url)
