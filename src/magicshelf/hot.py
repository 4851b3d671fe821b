"""The hottest reads, answered by one small route placed ahead of FastAPI's own.

Families open a book (``GET /api/books/{code}``) and its pictures (``GET /media/{key}``)
far more often than anything else happens. For each request FastAPI's route builds a
dependency graph's inputs and wraps the endpoint in exit-stack and exception layers:
about 60 µs of CPU, as much as the rest of a book read (bench/NOTES.md). ``HotRoutes``
calls the *same* endpoint functions with their path segment and ``If-None-Match``, and
nothing else differs: it sits in the router, so routing (``root_path`` included), the
app's exception handlers and every middleware apply to it exactly as to the FastAPI
routes, which stay in the router behind it and document the operations.

A hot endpoint takes exactly ``(request, <one path segment>, if_none_match)`` as plain
strings with no dependencies or constraints, so calling it directly skips nothing; that
is checked at start-up (a validation added later to the parameter is refused there).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

HotEndpoint = Callable[[Request, str, str | None], Awaitable[Response]]


def _plain_parameters(route: APIRoute) -> bool:
    dependant = route.dependant
    params = [*dependant.path_params, *dependant.header_params]
    return not dependant.dependencies and all(not p.field_info.metadata for p in params)


@dataclass(frozen=True)
class _Hot:
    route: APIRoute
    prefix: str  # the template up to its one parameter: "/api/books/"
    parameter: str
    endpoint: HotEndpoint

    @staticmethod
    def of(route: APIRoute) -> _Hot:
        prefix, _, name = route.path.rpartition("/{")
        parameters = list(inspect.signature(route.endpoint).parameters)
        if (
            not name.endswith("}")
            or parameters != ["request", name[:-1], "if_none_match"]
            or not _plain_parameters(route)
        ):
            raise TypeError(f"{route.path} cannot be served hot: {parameters}")
        return _Hot(route, prefix + "/", name[:-1], route.endpoint)


def _if_none_match(scope: Scope) -> str | None:
    # The raw header list, as Request.headers would read it, without building a Headers.
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return str(value.decode("latin-1"))
    return None


class HotRoutes(BaseRoute):
    """GET on ``<prefix>/{name}`` (one non-empty segment), straight to the endpoint."""

    def __init__(self, routes: Sequence[APIRoute]) -> None:
        self._hot = [_Hot.of(route) for route in routes]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope["method"] == "GET":
            path = get_route_path(scope)
            for hot in self._hot:
                if path.startswith(hot.prefix):
                    segment = path[len(hot.prefix) :]
                    if segment and "/" not in segment:
                        # "route": what metrics label the request with, as for the route.
                        return Match.FULL, {
                            "route": hot.route,
                            "endpoint": hot.endpoint,
                            "path_params": {hot.parameter: segment},
                        }
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for hot in self._hot:
            if hot.route.name == name:
                return hot.route.url_path_for(name, **path_params)
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint: HotEndpoint = scope["endpoint"]
        [segment] = scope["path_params"].values()
        response = await endpoint(Request(scope, receive), segment, _if_none_match(scope))
        await response(scope, receive, send)


def hot_routes(routers: Iterable[APIRouter], *, endpoints: Sequence[object]) -> HotRoutes:
    """One route serving the routes of these routers that call one of ``endpoints``."""
    found = [
        route
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and route.endpoint in endpoints
    ]
    if len(found) != len(endpoints):
        raise LookupError(f"hot endpoints without a route: {endpoints} → {found}")
    return HotRoutes(found)
