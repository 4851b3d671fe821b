"""Alembic: from empty to head and back to empty, on both databases."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import create_async_engine

from magicshelf import migrations
from magicshelf.books import models  # noqa: F401 - the tables join Base.metadata
from magicshelf.classes import models as class_models  # noqa: F401
from magicshelf.db import Base
from magicshelf.settings import Settings
from magicshelf.teachers import models as teacher_models  # noqa: F401


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


def _differences(sync_connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        sync_connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_build_exactly_what_the_models_describe(
    empty_database_url: str, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=empty_database_url)
    await asyncio.to_thread(migrations.upgrade, settings)
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []  # a model changed without a migration (or the other way round)
