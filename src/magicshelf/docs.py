"""Interactive API docs at /docs, served from the package: no CDN, so they work offline.

Swagger UI's page boots with one inline script, so /docs gets its own, looser policy
(inline allowed, nothing from other origins) instead of the pages' strict one.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi_offline import __file__ as _fastapi_offline_init
from starlette.staticfiles import StaticFiles

ASSETS = "/docs-assets"
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# fastapi-offline ships Swagger UI 5 (needed for OpenAPI 3.1); only its files are used.
SWAGGER_UI_FILES = Path(_fastapi_offline_init).parent / "static"
router = APIRouter(include_in_schema=False)


@router.get("/docs")
async def swagger_ui() -> Response:
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="MagicShelf API",
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon.png",
    )
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page


def install(app: FastAPI) -> None:
    """Requires ``FastAPI(docs_url=None, redoc_url=None)``: these docs replace the CDN ones."""
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=SWAGGER_UI_FILES), name="docs-assets")
