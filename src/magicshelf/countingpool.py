"""SQLAlchemy's async connection pool, also counting the checkouts still waiting.

SQLAlchemy reports connections checked out and idle, but not how many requests are
queued for one, which is what says a pool is too small before requests start timing
out. A checkout that finds an idle connection returns without yielding to the event
loop, so at scrape time the count holds only checkouts blocked on a full pool or
opening a new connection.
"""

from __future__ import annotations

from sqlalchemy.pool import AsyncAdaptedQueuePool, ConnectionPoolEntry


class CountingQueuePool(AsyncAdaptedQueuePool):
    _waiting = 0  # per pool: SQLAlchemy recreates the pool (same class) after a disconnect

    @property
    def waiting(self) -> int:
        return self._waiting

    def _do_get(self) -> ConnectionPoolEntry:
        self._waiting += 1
        try:
            return super()._do_get()
        finally:
            self._waiting -= 1
