"""The read pool against a real PostgreSQL: bounded, newest first, nothing broken reused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]
import pytest

from magicshelf import readpool
from magicshelf.db import Database, read_pool_size
from magicshelf.readpool import ReadPool
from magicshelf.settings import Settings

PID = "SELECT pg_backend_pid()"


@pytest.fixture
async def settings(postgres_server: str) -> Settings:
    return Settings(database_url=postgres_server, db_pool_size=8)


@pytest.fixture
async def pool(settings: Settings) -> AsyncIterator[ReadPool]:
    database = Database(settings)
    pool = database._reads
    assert pool is not None
    yield pool
    await database.close()


async def pid(pool: ReadPool) -> int:
    return int((await pool.fetch(PID))[0][0])


async def test_reads_use_at_most_a_quarter_more_than_the_pool_size(
    pool: ReadPool, settings: Settings
) -> None:
    assert read_pool_size(settings) == 2
    rows = await asyncio.gather(
        *(pool.fetch("SELECT pg_backend_pid(), pg_sleep(0.05)") for _ in range(12))
    )
    assert len({row[0][0] for row in rows}) == 2
    assert await pid(pool) in {row[0][0] for row in rows}  # reused, not reopened


async def test_a_failed_statement_drops_its_connection(pool: ReadPool) -> None:
    before = await pid(pool)
    with pytest.raises(asyncpg.exceptions.DivisionByZeroError):
        await pool.fetch("SELECT 1 / $1::int", 0)
    assert await pid(pool) != before
    assert (await pool.fetch("SELECT 1 / $1::int", 1))[0][0] == 1


async def test_connections_killed_while_idle_are_replaced(
    pool: ReadPool, postgres_server: str
) -> None:
    first, second = await asyncio.gather(
        pool.fetch("SELECT pg_backend_pid(), pg_sleep(0.05)"),
        pool.fetch("SELECT pg_backend_pid(), pg_sleep(0.05)"),
    )
    killed = {first[0][0], second[0][0]}
    admin = await asyncpg.connect(postgres_server)
    try:
        await admin.execute("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) pid", killed)
    finally:
        await admin.close()
    await asyncio.sleep(0.1)
    assert await pid(pool) not in killed  # one failed try, then a fresh connection
    assert await pid(pool) not in killed


async def test_old_connections_are_closed_after_use(
    pool: ReadPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readpool, "MAX_AGE_SECONDS", 0.0)
    assert await pid(pool) != await pid(pool)


async def test_a_cancelled_read_leaves_no_busy_connection(pool: ReadPool) -> None:
    task = asyncio.create_task(pool.fetch("SELECT pg_sleep(5)"))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await asyncio.wait_for(pool.fetch("SELECT 42"), 2))[0][0] == 42


async def test_reads_in_use_and_waiting_are_counted_for_metrics(pool: ReadPool) -> None:
    assert (pool.size, pool.in_use, pool.waiting, pool.idle) == (2, 0, 0, 0)
    reads = [asyncio.create_task(pool.fetch("SELECT pg_sleep(0.3)")) for _ in range(3)]
    await asyncio.sleep(0.1)
    assert (pool.in_use, pool.waiting) == (2, 1)  # the third waits for a slot
    await asyncio.gather(*reads)
    assert (pool.in_use, pool.waiting, pool.idle) == (0, 0, 2)


async def test_a_read_cancelled_while_waiting_is_no_longer_counted(pool: ReadPool) -> None:
    busy = [asyncio.create_task(pool.fetch("SELECT pg_sleep(0.3)")) for _ in range(2)]
    await asyncio.sleep(0.05)
    waiting = asyncio.create_task(pool.fetch("SELECT 1"))
    await asyncio.sleep(0.05)
    assert pool.waiting == 1
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert (pool.waiting, pool.in_use) == (0, 2)
    await asyncio.gather(*busy)
    assert pool.in_use == 0
