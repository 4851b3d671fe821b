"""Small HTTP helpers: fast JSON responses and the request body limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from magicshelf.errors import PayloadTooLarge, render_problem


class JSON(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


RawHeaders = list[tuple[bytes, bytes]]


class Prepared(Response):
    """A body with headers already as lower-case byte pairs, for the hot answers.

    Starlette lower-cases and encodes every header name and value of every response; for
    a thumbnail served from memory that was a tenth of the worker's own CPU. Content-Length
    is added here, as Starlette would.
    """

    def __init__(self, body: bytes, headers: RawHeaders, *, status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.body = body
        if status_code != 304:
            headers.append((b"content-length", str(len(body)).encode()))
        self.raw_headers = headers


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge.over(limit, "The request body", "")


class BodyLimit:
    """Refuse request bodies over a limit with 413, counting bytes as they arrive.

    Content-Length is checked up front; chunked bodies are cut off mid-stream, so a huge
    body is never read into memory. ``limit_for`` gives None for routes that enforce
    their own limit while streaming (uploads), so their messages can be specific. The
    mid-stream refusal is an HTTPException because FastAPI turns any other exception
    raised while reading the body into a 400; the problem handlers make it the same
    PayloadTooLarge again.
    """

    def __init__(self, app: ASGIApp, *, limit_for: Callable[[str], int | None]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            problem = _too_large(limit)
            problem.headers["Connection"] = "close"
            await render_problem(problem)(scope, receive, send)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, detail=_too_large(limit).detail)
            return message

        await self.app(scope, limited_receive, send)


# The scope key where HeadAsGet keeps the method a request came with.
ASKED_METHOD = "magicshelf.asked_method"


class HeadAsGet:
    """Answer HEAD like GET without the body, for every GET route (curl -I, link checkers)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # The method asked stays known, for the access log; metrics count HEAD as GET.
        await self.app({**scope, "method": "GET", ASKED_METHOD: "HEAD"}, receive, headers_only)
