"""Web pages for people (landing, reader, studio), server-rendered in pt-BR or English."""

from __future__ import annotations

from fastapi import FastAPI

from magicshelf.web.assets import MOUNT_PATH
from magicshelf.web.render import assets
from magicshelf.web.routes import router
from magicshelf.web.security import HTMLSecurityHeaders


def install(app: FastAPI) -> None:
    """Add the pages, their static files and the security headers every HTML answer gets."""
    app.include_router(router)
    app.mount(MOUNT_PATH, assets, name="static")
    docs = (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    app.add_middleware(HTMLSecurityHeaders, csp_exempt=[path for path in docs if path])
