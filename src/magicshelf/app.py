"""The ASGI application: routers, middleware and the resources that live with the process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from magicshelf import health
from magicshelf.books import api as books_api
from magicshelf.books.misses import InMemoryMissLimiter
from magicshelf.db import Database
from magicshelf.errors import install_problem_handlers
from magicshelf.http import BodyLimit
from magicshelf.settings import Settings

DESCRIPTION = """
Children write and draw six-page books at school; every book gets a **magic code**
(código mágico) that the family types to read it. Changes need the book's edit key as
`Authorization: Bearer <edit_key>`. Errors are `application/problem+json` (RFC 9457).
"""


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database(settings)
        app.state.database = database
        try:
            yield
        finally:
            await database.close()

    app = FastAPI(
        title="MagicShelf",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.misses = InMemoryMissLimiter(
        limit=settings.miss_limit, window_seconds=settings.miss_window_seconds
    )
    install_problem_handlers(app)
    app.add_middleware(BodyLimit, limit_for=lambda _path: settings.max_body_bytes)
    app.include_router(books_api.router)
    app.include_router(health.router)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for uvicorn (``--factory``), also used by worker processes."""
    return create_app(Settings())
