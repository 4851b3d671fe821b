"""Security headers for every HTML response the app sends.

The pages carry no inline script or style, so the policy can forbid both outright. A
response that brings its own policy (the API docs, the studio's microphone) keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# blob: in img-src and media-src: the studio previews a drawing and plays back a fresh
# recording before they are sent.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
    "script-src 'self'; style-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
_PERMISSIONS = "camera=(), microphone={}, geolocation=(), payment=(), usb=()"
PERMISSIONS_POLICY = _PERMISSIONS.format("()")
# Only the studio records (a child reading a page); every other page keeps the microphone off.
STUDIO_PERMISSIONS_POLICY = _PERMISSIONS.format("(self)")
HEADERS = {
    # Reader URLs hold the magic code: it must not travel to other sites in Referer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
}


class HTMLSecurityHeaders:
    """ASGI middleware adding ``HEADERS`` and the CSP to text/html responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and _is_html(message["headers"]):
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_html(raw_headers: Iterable[tuple[bytes, bytes]]) -> bool:
    # Raw bytes, no Headers object: this runs for every answer, pictures and JSON included.
    return any(
        name == b"content-type" and value.startswith(b"text/html") for name, value in raw_headers
    )
