"""The hottest reads, answered without FastAPI's per-request machinery.

Families open a book (``GET /api/books/{code}``) and its pictures (``GET /media/{key}``)
far more often than anything else happens. For each request FastAPI walks its route
list, builds a dependency graph's inputs, and wraps the endpoint in exception and
exit-stack layers: about 60 µs of CPU, which is as much as the rest of a book read
(bench/NOTES.md). This layer sits inside the app's own middleware (security headers,
HEAD, metrics, body limit) and calls the *same* endpoint functions directly, so both
ways in give byte-identical answers and FastAPI still documents the routes.

A hot endpoint takes exactly ``(request, <one path segment>, if_none_match)`` with
plain strings, so calling it directly skips no validation; that is checked at start-up.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import cast

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from magicshelf.errors import MagicShelfError, render_problem

HotEndpoint = Callable[[Request, str, str | None], Awaitable[Response]]


class _HotRoute:
    def __init__(self, route: APIRoute) -> None:
        prefix, _, name = route.path.rpartition("/{")
        parameters = list(inspect.signature(route.endpoint).parameters)
        if not name.endswith("}") or parameters != ["request", name[:-1], "if_none_match"]:
            raise TypeError(f"{route.path} cannot be served hot: {parameters}")
        self.route = route
        self.prefix = prefix + "/"
        self.endpoint = cast(HotEndpoint, route.endpoint)

    def segment(self, path: str) -> str | None:
        """The path parameter, if ``path`` is this route's (one non-empty segment)."""
        if not path.startswith(self.prefix):
            return None
        rest = path[len(self.prefix) :]
        return rest if rest and "/" not in rest else None


def hot_routes(routers: Iterable[APIRouter], *, endpoints: Sequence[object]) -> list[APIRoute]:
    """The routes of these routers that call one of ``endpoints``; each must be found."""
    found = [
        route
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and route.endpoint in endpoints
    ]
    if len(found) != len(endpoints):
        raise LookupError(f"hot endpoints without a route: {endpoints} → {found}")
    return found


class HotRoutes:
    """Serve GET for the given FastAPI routes directly; everything else passes through."""

    def __init__(self, app: ASGIApp, *, routes: Sequence[APIRoute]) -> None:
        self.app = app
        self.routes = [_HotRoute(route) for route in routes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            for hot in self.routes:
                segment = hot.segment(path)
                if segment is not None:
                    await self._serve(hot, segment, scope, receive, send)
                    return
        await self.app(scope, receive, send)

    @staticmethod
    async def _serve(
        hot: _HotRoute, segment: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        scope["route"] = hot.route  # metrics label the request by its template, as routed
        request = Request(scope, receive)
        try:
            response = await hot.endpoint(request, segment, request.headers.get("if-none-match"))
        except MagicShelfError as error:
            response = render_problem(error)
        await response(scope, receive, send)
