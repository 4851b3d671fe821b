"""The ASGI application: routers, middleware and the resources that live with the process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from fastapi import FastAPI

from magicshelf import health, metrics
from magicshelf.books import api as books_api
from magicshelf.classes import api as classes_api
from magicshelf.docs import install as install_docs
from magicshelf.docs import operation_id
from magicshelf.errors import install_problem_handlers
from magicshelf.faults import install_fault_handlers
from magicshelf.hot import hot_routes
from magicshelf.http import BodyLimit, HeadAsGet
from magicshelf.illustrations import api as illustrations_api
from magicshelf.illustrations import media
from magicshelf.logs import AccessLog
from magicshelf.metrics import Metrics
from magicshelf.printing import api as printing_api
from magicshelf.printing import classes as printing_classes
from magicshelf.request_log import RequestLog
from magicshelf.resources import Resources, open_resources
from magicshelf.settings import Settings
from magicshelf.teachers import api as teachers_api
from magicshelf.voices import api as voices_api
from magicshelf.web import install as install_web
from magicshelf.web.security import HTMLSecurityHeaders

DESCRIPTION = """
Children write and draw six-page books at school; every book gets a **magic code**
(código mágico) that the family types to read it. Changes need the book's edit key as
`Authorization: Bearer <edit_key>`. Errors are `application/problem+json` (RFC 9457).
"""


def _body_limit(settings: Settings, path: str) -> int | None:
    # Uploads are limited by receive_upload, exactly and while they stream.
    return None if path.endswith(("/illustration", "/audio")) else settings.max_body_bytes


class MagicShelfApp(FastAPI):
    """The app, holding its resources while its lifespan runs (``resources.resources``)."""

    resources: Resources | None = None


def create_app(settings: Settings) -> MagicShelfApp:
    app_metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: MagicShelfApp) -> AsyncIterator[None]:
        async with open_resources(settings, app_metrics) as app.resources:
            try:
                yield
            finally:
                app.resources = None

    app = MagicShelfApp(
        title="MagicShelf",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=operation_id,
        # /metrics is the monitoring; FastAPI's OpenTelemetry hooks would be checked per request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_problem_handlers(app)
    install_fault_handlers(app)
    routers = [
        books_api.router,
        illustrations_api.router,
        voices_api.router,
        media.router,
        printing_api.router,
        teachers_api.router,
        classes_api.router,
        printing_classes.router,
        health.router,
        metrics.router,
    ]
    for router in routers:
        app.include_router(router)
    install_docs(app)
    install_web(app)
    # Ahead of FastAPI's routes for the same paths, which stay to document them.
    app.router.routes.insert(0, hot_routes(routers, endpoints=[books_api.read_book, media.media]))
    # Added last, runs first: the request log sees every request, including refused
    # bodies, and HEAD requests reach it all as the GET they stand for (logged as HEAD).
    app.add_middleware(BodyLimit, limit_for=partial(_body_limit, settings))
    app.add_middleware(
        RequestLog,
        metrics=app_metrics,
        access_log=AccessLog(settings.log_format) if settings.access_log else None,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    app.add_middleware(HeadAsGet)
    app.add_middleware(HTMLSecurityHeaders)
    return app


def create_app_from_env() -> MagicShelfApp:
    """Factory for uvicorn (``--factory``), also used by worker processes."""
    return create_app(Settings())
