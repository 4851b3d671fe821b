"""What a running app holds for its requests: one typed object, built by the lifespan.

Dependencies (``deps.py``) and the fast lane (``hot.py``) both reach the database, the
storage, the renderer, the miss limiter and the settings through ``resources(request)``,
so there is one way to get each and the type checker sees what it gets.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

import magicshelf.tables  # noqa: F401  (every table, for foreign keys by name)
from magicshelf.books.misses import InMemoryMissLimiter, MissLimiter
from magicshelf.db import Database
from magicshelf.illustrations.recent import RecentBlobs
from magicshelf.illustrations.storage import BlobStorage, storage_from_url
from magicshelf.renderer import Renderer
from magicshelf.settings import Settings
from magicshelf.teachers.throttle import LoginThrottle

if TYPE_CHECKING:  # metrics.py serves /metrics from these resources
    from magicshelf.metrics import Metrics


@dataclass(frozen=True, slots=True)
class Resources:
    settings: Settings
    database: Database
    storage: BlobStorage
    renderer: Renderer
    misses: MissLimiter
    recent_media: RecentBlobs
    logins: LoginThrottle
    metrics: Metrics


@asynccontextmanager
async def backends(settings: Settings) -> AsyncIterator[tuple[Database, BlobStorage]]:
    """The database and blob storage, opened for the app or a command and closed after."""
    database = Database(settings)
    storage = storage_from_url(settings.storage_url)
    try:
        yield database, storage
    finally:
        await storage.close()
        await database.close()


@asynccontextmanager
async def open_resources(settings: Settings, metrics: Metrics) -> AsyncIterator[Resources]:
    """Everything the app's requests use, for as long as the app runs."""
    async with backends(settings) as (database, storage):
        renderer = Renderer(settings.render_slots)
        try:
            yield Resources(
                settings=settings,
                database=database,
                storage=storage,
                renderer=renderer,
                misses=InMemoryMissLimiter(
                    limit=settings.miss_limit, window_seconds=settings.miss_window_seconds
                ),
                recent_media=RecentBlobs(max_bytes=settings.media_cache_bytes),
                logins=LoginThrottle(settings),
                metrics=metrics,
            )
        finally:
            renderer.close()


def resources(connection: HTTPConnection) -> Resources:
    """The resources of the app serving this request (``MagicShelfApp.resources``)."""
    found = getattr(connection.app, "resources", None)
    if not isinstance(found, Resources):
        raise RuntimeError("the app's lifespan has not started: no resources yet")
    return found
