"""Rendering a page: the Jinja2 templates, the negotiated language and the response headers."""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from magicshelf.web.assets import STATIC_DIR, VersionedStaticFiles
from magicshelf.web.i18n import negotiate, script_messages, translator
from magicshelf.web.images import responsive_image

# Pages show the child's work: never stored by shared caches, always revalidated.
PRIVATE = "private, no-cache"
# The studio may show an edit key: keep it out of every cache, the back/forward one too.
NO_STORE = "no-store"

assets = VersionedStaticFiles(STATIC_DIR)
templates = Environment(
    loader=PackageLoader("magicshelf.web", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.globals.update(
    static=assets.url, responsive_image=responsive_image, script_messages=script_messages
)


def render(
    request: Request,
    name: str,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    cache: str = PRIVATE,
    **context: object,
) -> HTMLResponse:
    locale = negotiate(request.headers.get("accept-language"))
    html = templates.get_template(name).render(locale=locale, t=translator(locale), **context)
    return HTMLResponse(
        html,
        status_code=status,
        headers={
            "Content-Language": locale,
            "Vary": "Accept-Language",
            "Cache-Control": cache,
            **(headers or {}),
        },
    )
