"""Alembic migrations: the only way the schema changes. ``magicshelf migrate`` applies them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.ext.asyncio import create_async_engine

from magicshelf.settings import Settings

HERE = Path(__file__).parent


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", settings.database_url)
    return config


async def _run(settings: Settings, revision: str, *, downgrade: bool) -> None:
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(settings.database_url)
    try:
        async with engine.begin() as connection:
            config = alembic_config(settings)

            def migrate(sync_connection: object) -> None:
                config.attributes["connection"] = sync_connection
                (command.downgrade if downgrade else command.upgrade)(config, revision)

            await connection.run_sync(migrate)
    finally:
        await engine.dispose()


def upgrade(settings: Settings, revision: str = "head") -> None:
    asyncio.run(_run(settings, revision, downgrade=False))


def downgrade(settings: Settings, revision: str = "base") -> None:
    asyncio.run(_run(settings, revision, downgrade=True))
