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
    app.add_middleware(HTMLSecurityHeaders)
