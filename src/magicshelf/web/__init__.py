"""Web pages for people (landing, reader, studio), server-rendered in pt-BR or English."""

from __future__ import annotations

from fastapi import FastAPI

from magicshelf.web.assets import MOUNT_PATH
from magicshelf.web.render import assets
from magicshelf.web.routes import router


def install(app: FastAPI) -> None:
    """Add the pages and their static files (app.py adds the HTML security headers)."""
    app.include_router(router)
    app.mount(MOUNT_PATH, assets, name="static")
