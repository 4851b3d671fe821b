"""The app's resources: one typed object, there exactly while the lifespan runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.requests import Request

from magicshelf.app import create_app
from magicshelf.db import Database
from magicshelf.resources import Resources, resources
from magicshelf.settings import Settings


def _request_to(app: object) -> Request:
    return Request({"type": "http", "app": app, "headers": [], "method": "GET", "path": "/"})


async def test_resources_exist_while_the_app_runs(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    app = create_app(settings)
    with pytest.raises(RuntimeError, match="lifespan has not started"):
        resources(_request_to(app))
    async with app.router.lifespan_context(app):
        held = resources(_request_to(app))
        assert isinstance(held, Resources)
        assert held.settings is settings
        assert isinstance(held.database, Database)
        await held.database.ping()
        await held.storage.check()
    with pytest.raises(RuntimeError):
        resources(_request_to(app))  # closed with the lifespan
