"""The hottest reads, answered by small routes placed ahead of FastAPI's own.

Families open a book (``GET /api/books/{code}``) and its pictures (``GET /media/{key}``)
far more often than anything else happens. For each request FastAPI's route builds a
dependency graph's inputs and wraps the endpoint in exit-stack and exception layers:
about 60 µs of CPU, as much as the rest of a book read (bench/NOTES.md). A ``HotRoute``
calls the *same* endpoint function with its path segment and ``If-None-Match``, and
nothing else differs: it sits in the router, so routing (``root_path`` included), the
app's exception handlers and every middleware apply to it exactly as to the FastAPI
route, which stays in the router behind it and documents the operation.

A hot endpoint takes exactly ``(request, <one path segment>, if_none_match)`` as plain
strings with no dependencies or constraints, so calling it directly skips nothing; that
is checked at start-up (a validation added later to the parameter is refused there).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.datastructures import URLPath
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

HotEndpoint = Callable[[Request, str, str | None], Awaitable[Response]]


def _plain_parameters(route: APIRoute) -> bool:
    dependant = route.dependant
    params = [*dependant.path_params, *dependant.header_params]
    return not dependant.dependencies and all(not p.field_info.metadata for p in params)


class HotRoute(BaseRoute):
    """GET on ``<prefix>/{name}`` with one non-empty segment, straight to the endpoint."""

    def __init__(self, route: APIRoute) -> None:
        prefix, _, name = route.path.rpartition("/{")
        parameters = list(inspect.signature(route.endpoint).parameters)
        if (
            not name.endswith("}")
            or parameters != ["request", name[:-1], "if_none_match"]
            or not _plain_parameters(route)
        ):
            raise TypeError(f"{route.path} cannot be served hot: {parameters}")
        self.route = route
        self.path = route.path  # what metrics label the request with, as for the route
        self.path_format = route.path_format
        self.name = route.name
        self._prefix = prefix + "/"
        self._parameter = name[:-1]
        self._endpoint: HotEndpoint = route.endpoint

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope["method"] != "GET":
            return Match.NONE, {}
        path = get_route_path(scope)
        if not path.startswith(self._prefix):
            return Match.NONE, {}
        segment = path[len(self._prefix) :]
        if not segment or "/" in segment:
            return Match.NONE, {}
        return Match.FULL, {"route": self, "path_params": {self._parameter: segment}}

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        return self.route.url_path_for(name, **path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        segment: str = scope["path_params"][self._parameter]
        response = await self._endpoint(request, segment, request.headers.get("if-none-match"))
        await response(scope, receive, send)


def hot_routes(routers: Iterable[APIRouter], *, endpoints: Sequence[object]) -> list[HotRoute]:
    """Hot routes for the routes of these routers that call one of ``endpoints``."""
    found = [
        route
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute) and route.endpoint in endpoints
    ]
    if len(found) != len(endpoints):
        raise LookupError(f"hot endpoints without a route: {endpoints} → {found}")
    return [HotRoute(route) for route in found]
