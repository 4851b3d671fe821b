"""``magicshelf gc``: the command-line side of garbage collection."""

from __future__ import annotations

from datetime import timedelta

from magicshelf.illustrations.service import Collected, collect_garbage
from magicshelf.resources import backends
from magicshelf.settings import Settings

# gc reads every page's keys in one statement: a request's database timeout (a 503 after
# 2 s) does not fit a job over a whole network's shelf.
GC_DATABASE_TIMEOUT_SECONDS = 300.0


async def run_gc(settings: Settings, *, grace_seconds: int) -> Collected:
    timeout = max(settings.database_timeout_seconds, GC_DATABASE_TIMEOUT_SECONDS)
    patient = settings.model_copy(update={"database_timeout_seconds": timeout})
    async with backends(patient) as (database, storage), database.session() as session:
        return await collect_garbage(
            session=session, storage=storage, grace=timedelta(seconds=grace_seconds)
        )
