"""What a running app holds for its requests: one typed object, built by the lifespan.

Dependencies (``deps.py``) and the fast lane (``hot.py``) both reach the database, the
storage, the renderer, the limiters and the settings through ``resources(request)``,
so there is one way to get each and the type checker sees what it gets.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import HTTPConnection

import magicshelf.tables  # noqa: F401  (every table, for foreign keys by name)
from magicshelf.db import Database
from magicshelf.gauges import LiveGauges
from magicshelf.illustrations.measured import MeasuredStorage
from magicshelf.illustrations.recent import RecentBlobs
from magicshelf.illustrations.storage import BlobStorage, storage_from_url
from magicshelf.limits.made import windows
from magicshelf.limits.window import Window
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
    misses: Window  # unknown magic codes per client address
    recent_media: RecentBlobs
    logins: LoginThrottle
    writes: Window  # creates, uploads and rosters per client address
    metrics: Metrics


@asynccontextmanager
async def backends(settings: Settings) -> AsyncIterator[tuple[Database, BlobStorage]]:
    """The database and blob storage, opened for the app or a command and closed after."""
    database = Database(settings)
    storage = storage_from_url(
        settings.storage_url, timeout_seconds=settings.storage_timeout_seconds
    )
    try:
        yield database, storage
    finally:
        await storage.close()
        await database.close()


@asynccontextmanager
async def open_resources(settings: Settings, metrics: Metrics) -> AsyncIterator[Resources]:
    """Everything the app's requests use, for as long as the app runs."""
    async with (
        backends(settings) as (database, storage),
        windows(settings.redis_url, metrics.limiter_decided) as window,
    ):
        renderer = Renderer(settings.render_slots)
        login_window = settings.login_window_seconds
        gauges = LiveGauges(database, renderer)  # pools and render queue, read at /metrics
        metrics.registry.register(gauges)
        try:
            yield Resources(
                settings=settings,
                database=database,
                storage=MeasuredStorage(storage, metrics.storage),
                renderer=renderer,
                misses=window("misses", settings.miss_limit, settings.miss_window_seconds),
                recent_media=RecentBlobs(max_bytes=settings.media_cache_bytes),
                logins=LoginThrottle(
                    accounts=window(
                        "login-account", settings.login_failures_per_account, login_window
                    ),
                    addresses=window(
                        "login-address", settings.login_failures_per_address, login_window
                    ),
                ),
                writes=window("writes", settings.write_limit, settings.write_window_seconds),
                metrics=metrics,
            )
        finally:
            metrics.registry.unregister(gauges)
            renderer.close()


def resources(connection: HTTPConnection) -> Resources:
    """The resources of the app serving this request (``MagicShelfApp.resources``)."""
    found = getattr(connection.app, "resources", None)
    if not isinstance(found, Resources):
        raise RuntimeError("the app's lifespan has not started: no resources yet")
    return found
