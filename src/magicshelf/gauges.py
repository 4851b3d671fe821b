"""Gauges read when /metrics is scraped, so requests pay nothing for them.

The database pools and the render queue are read from counters their owners keep
(``countingpool.py``, ``readpool.py``, ``renderer.py``); books and illustrations stored
are counted in the database when a scrape comes, at most once a minute per worker. Each
worker reports its own pools and queue; every worker reports the same stored counts
(take ``max`` across them, not ``sum``).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text

from magicshelf.books.models import Book, Page
from magicshelf.countingpool import CountingQueuePool
from magicshelf.db import Database
from magicshelf.renderer import Renderer

log = logging.getLogger(__name__)
# How old the stored counts may be: Prometheus scrapes every 15-60 s, and a count, small
# as it is (``count_stored``), is not worth making per scrape per worker.
COUNT_MAX_AGE_SECONDS = 60.0


class LiveGauges(Collector):
    """The database pools and the render queue of this worker, as they are right now."""

    def __init__(self, database: Database, renderer: Renderer) -> None:
        self._database = database
        self._renderer = renderer

    def collect(self) -> Iterator[GaugeMetricFamily]:
        families = {
            "size": GaugeMetricFamily(
                "magicshelf_db_pool_size", "Connections the pool may open", labels=["pool"]
            ),
            "in_use": GaugeMetricFamily(
                "magicshelf_db_pool_in_use", "Connections handed out now", labels=["pool"]
            ),
            "idle": GaugeMetricFamily(
                "magicshelf_db_pool_idle", "Open connections nobody uses now", labels=["pool"]
            ),
            "waiting": GaugeMetricFamily(
                "magicshelf_db_pool_waiting",
                "Requests waiting for a connection (the pool is full, or one is opening)",
                labels=["pool"],
            ),
        }
        # "orm": SQLAlchemy's pool, for writes and every query but the hot book reads.
        pool = self._database.engine.pool
        if isinstance(pool, CountingQueuePool):
            for name, value in (
                ("size", pool.size()),
                ("in_use", pool.checkedout()),
                ("idle", pool.checkedin()),
                ("waiting", pool.waiting),
            ):
                families[name].add_metric(["orm"], value)
        reads = self._database.read_pool
        if reads is not None:  # PostgreSQL's hot reads, on asyncpg directly
            for name, value in (
                ("size", reads.size),
                ("in_use", reads.in_use),
                ("idle", reads.idle),
                ("waiting", reads.waiting),
            ):
                families[name].add_metric(["reads"], value)
        yield from families.values()
        renderer = self._renderer
        yield GaugeMetricFamily(
            "magicshelf_render_slots", "Threads decoding pictures and drawing PDFs", renderer.slots
        )
        yield GaugeMetricFamily("magicshelf_render_busy", "Render slots at work", renderer.busy)
        yield GaugeMetricFamily(
            "magicshelf_render_queued", "Render jobs waiting for a free slot", renderer.queued
        )


class StoredCounts(Collector):
    """Books and illustrations stored, counted again when a scrape finds the count stale.

    Until the first count succeeds the gauges are absent; when a count fails (the
    database is down) the last one stays, and the count is tried again a minute later.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        self._counts: tuple[int, int] | None = None
        self._counted_at = -math.inf
        self._counting = asyncio.Lock()
        registry.register(self)

    async def refresh(self, database: Database, timeout_seconds: float) -> None:
        """Count again if the last count is older than a minute; one scrape counts at once."""
        if time.monotonic() - self._counted_at < COUNT_MAX_AGE_SECONDS:
            return
        async with self._counting:
            if time.monotonic() - self._counted_at < COUNT_MAX_AGE_SECONDS:
                return
            try:
                async with asyncio.timeout(timeout_seconds):
                    self._counts = await count_stored(database)
            except Exception as error:  # the scrape still answers, with the last count
                log.warning("could not count the books stored: %s", type(error).__name__)
            # Failed or not, the next try is a minute away: with the database down, a
            # scrape should not wait for its timeout every time.
            self._counted_at = time.monotonic()

    def collect(self) -> Iterable[GaugeMetricFamily]:
        if self._counts is None:
            return []
        books, illustrations = self._counts
        return [
            GaugeMetricFamily(
                "magicshelf_books_stored", "Books in the database (drafts too)", books
            ),
            GaugeMetricFamily(
                "magicshelf_illustrations_stored",
                "Pages with an illustration (three renditions each in storage)",
                illustrations,
            ),
        ]


# Below this many books (by PostgreSQL's estimate) both counts are exact and cheap.
EXACT_BELOW_BOOKS = 100_000
# PostgreSQL's planner statistics, kept by autovacuum: under 1 ms at any size and 0.4 %
# off for the illustrations, where exact counts of a million books and six million pages
# took 230 ms and 1.1 s (2-core machine). No statistics yet (never analysed): exact.
_ESTIMATES = text(
    """
    SELECT books.reltuples, pages.reltuples * (1 - stats.null_frac)
    FROM pg_class AS books, pg_class AS pages
    LEFT JOIN pg_stats AS stats ON stats.schemaname = current_schema()
        AND stats.tablename = 'pages' AND stats.attname = 'master_key'
    WHERE books.oid = 'books'::regclass AND pages.oid = 'pages'::regclass
    """
)


async def count_stored(
    database: Database, *, exact_below_books: int = EXACT_BELOW_BOOKS
) -> tuple[int, int]:
    """(books, illustrated pages): exact, or PostgreSQL's estimates (within ~1 %) once
    there are ``exact_below_books`` books or more."""
    async with database.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            books, illustrations = (await connection.execute(_ESTIMATES)).one()
            if illustrations is not None and books >= exact_below_books:
                return round(books), round(illustrations)
        books = await connection.scalar(select(func.count()).select_from(Book))
        illustrations = await connection.scalar(
            select(func.count()).select_from(Page).where(Page.master_key.is_not(None))
        )
    return int(books or 0), int(illustrations or 0)
