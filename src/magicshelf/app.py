"""The ASGI application: routers, middleware and the resources that live with the process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from magicshelf import health, metrics
from magicshelf.books import api as books_api
from magicshelf.books.misses import InMemoryMissLimiter
from magicshelf.db import Database
from magicshelf.docs import install as install_docs
from magicshelf.errors import install_problem_handlers
from magicshelf.hot import HotRoutes, hot_routes
from magicshelf.http import BodyLimit, HeadAsGet
from magicshelf.illustrations import api as illustrations_api
from magicshelf.illustrations import media
from magicshelf.illustrations.recent import RecentBlobs
from magicshelf.illustrations.storage import BlobStorage, storage_from_url
from magicshelf.metrics import Metrics, MetricsMiddleware
from magicshelf.printing import api as printing_api
from magicshelf.renderer import Renderer
from magicshelf.settings import Settings
from magicshelf.web import install as install_web
from magicshelf.web.security import HTMLSecurityHeaders

DESCRIPTION = """
Children write and draw six-page books at school; every book gets a **magic code**
(código mágico) that the family types to read it. Changes need the book's edit key as
`Authorization: Bearer <edit_key>`. Errors are `application/problem+json` (RFC 9457).
"""


def _body_limit(settings: Settings, path: str) -> int | None:
    # Uploads are limited by receive_upload, exactly and while they stream.
    return None if path.endswith("/illustration") else settings.max_body_bytes


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


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with backends(settings) as (app.state.database, app.state.storage):
            app.state.renderer = Renderer(settings.render_slots)
            try:
                yield
            finally:
                app.state.renderer.close()

    app = FastAPI(
        title="MagicShelf",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # /metrics is the monitoring; FastAPI's OpenTelemetry hooks would be checked per request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.misses = InMemoryMissLimiter(
        limit=settings.miss_limit, window_seconds=settings.miss_window_seconds
    )
    app.state.metrics = Metrics()
    app.state.recent_media = RecentBlobs(max_bytes=settings.media_cache_bytes)
    install_problem_handlers(app)
    routers = [
        books_api.router,
        illustrations_api.router,
        media.router,
        printing_api.router,
        health.router,
        metrics.router,
    ]
    for router in routers:
        app.include_router(router)
    install_docs(app)
    install_web(app)
    # Added last, runs first: metrics see every request, including refused bodies and hot
    # reads, and HEAD requests reach them all as the GET they stand for.
    app.add_middleware(
        HotRoutes, routes=hot_routes(routers, endpoints=[books_api.read_book, media.media])
    )
    app.add_middleware(BodyLimit, limit_for=partial(_body_limit, settings))
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(HeadAsGet)
    app.add_middleware(HTMLSecurityHeaders)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn (``--factory``), also used by worker processes."""
    return create_app(Settings())
