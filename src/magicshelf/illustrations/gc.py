"""``magicshelf gc``: the command-line side of garbage collection."""

from __future__ import annotations

from datetime import timedelta

from magicshelf.db import Database
from magicshelf.illustrations.service import Collected, collect_garbage
from magicshelf.illustrations.storage import storage_from_url
from magicshelf.settings import Settings


async def run_gc(settings: Settings, *, grace_seconds: int) -> Collected:
    database = Database(settings)
    storage = storage_from_url(settings.storage_url)
    try:
        async with database.session() as session:
            return await collect_garbage(
                session=session, storage=storage, grace=timedelta(seconds=grace_seconds)
            )
    finally:
        await storage.close()
        await database.close()
