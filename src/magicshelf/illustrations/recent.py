"""Recently served small renditions, kept in memory so the next family gets them at once.

A class's families open the same few books, so the same thumbnails are asked for again
and again. Keys are content hashes, so a cached answer can never be stale; a read from
the media folder costs a thread hop and three system calls, and one from S3 a network
round trip. Entries are bounded in total bytes (least recently used go first) and in
age, so a blob that ``magicshelf gc`` deleted stops being served soon after.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

# Far below gc's grace period (an hour by default), and long enough that re-reading a
# popular thumbnail once a minute costs nothing.
MAX_AGE_SECONDS = 60.0


class RecentBlobs:
    """An LRU of blob bytes by key, holding at most ``max_bytes``; 0 keeps nothing."""

    def __init__(
        self,
        *,
        max_bytes: int,
        max_age_seconds: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_bytes = max_bytes
        self._max_age = max_age_seconds
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.size = 0

    def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        stored_at, data = entry
        if self._clock() - stored_at > self._max_age:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self._max_bytes:
            return
        if key in self._entries:
            self._drop(key)
        self._entries[key] = (self._clock(), data)
        self.size += len(data)
        while self.size > self._max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        _, data = self._entries.pop(key)
        self.size -= len(data)
