"""``magicshelf gc``: the command-line side of garbage collection."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from magicshelf.illustrations.service import Collected, collect_garbage
from magicshelf.illustrations.storage import remove_old_files
from magicshelf.illustrations.upload import SPOOL_PREFIX
from magicshelf.resources import backends
from magicshelf.settings import Settings

# gc reads every page's keys in one statement: a request's database timeout (a 503 after
# 2 s) does not fit a job over a whole network's shelf.
GC_DATABASE_TIMEOUT_SECONDS = 300.0


async def run_gc(settings: Settings, *, grace_seconds: int) -> Collected:
    timeout = max(settings.database_timeout_seconds, GC_DATABASE_TIMEOUT_SECONDS)
    patient = settings.model_copy(update={"database_timeout_seconds": timeout})
    grace = timedelta(seconds=grace_seconds)
    async with backends(patient) as (database, storage), database.session() as session:
        collected = await collect_garbage(session=session, storage=storage, grace=grace)
    cutoff = datetime.now(UTC) - grace
    spools = await asyncio.to_thread(remove_old_files, settings.upload_dir, SPOOL_PREFIX, cutoff)
    return dataclasses.replace(collected, unfinished=collected.unfinished + spools)
