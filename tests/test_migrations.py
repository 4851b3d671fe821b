"""Alembic: from empty to head and back to empty, on both databases."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from magicshelf import migrations
from magicshelf.settings import Settings


async def _tables(settings: Settings) -> set[str]:
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await engine.dispose()
    return set(names) - {"alembic_version"}


async def test_upgrade_from_empty_and_downgrade_to_empty(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=empty_database_url)
    # Migrations run their own event loop, hence the threads.
    assert await _tables(settings) == set()
    await asyncio.to_thread(migrations.upgrade, settings)
    assert {"books", "pages"} <= await _tables(settings)
    await asyncio.to_thread(migrations.downgrade, settings)
    assert await _tables(settings) == set()
    await asyncio.to_thread(migrations.upgrade, settings)  # and up again, cleanly
    assert {"books", "pages"} <= await _tables(settings)
