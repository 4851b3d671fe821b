"""What happens to every request: an id, trusted proxy headers, metrics and an access line.

One middleware does all four, timing each request once for both metrics and log, ahead
of everything that can answer (routes, the hot lane, body limits, the problem handlers),
so every response carries ``X-Request-ID`` and every request is counted and logged once.
The 500 handler is the one exception: Starlette runs it outside all middleware, so it
adds the header itself (``errors.install_problem_handlers``).

Proxy headers are applied here rather than by uvicorn's server: deciding whether a
request's own ``X-Request-ID`` may be kept needs the peer *before* ``X-Forwarded-For``
replaces it, and the app then behaves the same under ``serve`` and in tests.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from magicshelf import request_ids
from magicshelf.http import ASKED_METHOD
from magicshelf.logs import AccessLog, route_template
from magicshelf.metrics import Metrics


class RequestLog:
    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics,
        access_log: AccessLog | None,
        forwarded_allow_ips: str,
    ) -> None:
        self.app = ProxyHeadersMiddleware(app, trusted_hosts=forwarded_allow_ips)  # type: ignore[arg-type]  # uvicorn's own ASGI types, the same protocol
        self.trusted = self.app.trusted_hosts
        self.metrics = metrics
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # type: ignore[arg-type]
            return
        peer = scope.get("client")
        request_id = (
            peer is not None and peer[0] in self.trusted and request_ids.forwarded(scope["headers"])
        ) or request_ids.new()
        request_ids.current.set(request_id)
        header = (request_ids.HEADER, request_id.encode())
        started = time.perf_counter()
        status = 500

        async def observing_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, observing_send)  # type: ignore[arg-type]
        finally:
            elapsed = time.perf_counter() - started
            method, template = scope["method"], route_template(scope)
            self.metrics.observe(method, template, status, elapsed)
            if self.access_log is not None:
                # After the proxy headers: the family's address, not the load balancer's.
                client = scope.get("client")
                address = client[0] if client else "unknown"
                asked = scope.get(ASKED_METHOD, method)
                self.access_log.write(asked, template, status, elapsed, request_id, address)
