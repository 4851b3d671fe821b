"""``magicshelf gc``: the command-line side of garbage collection."""

from __future__ import annotations

from datetime import timedelta

from magicshelf.illustrations.service import Collected, collect_garbage
from magicshelf.resources import backends
from magicshelf.settings import Settings


async def run_gc(settings: Settings, *, grace_seconds: int) -> Collected:
    async with backends(settings) as (database, storage), database.session() as session:
        return await collect_garbage(
            session=session, storage=storage, grace=timedelta(seconds=grace_seconds)
        )
