"""PostgreSQL's own time per book read, from EXPLAIN ANALYZE, and where its pages came from.

The HTTP numbers mix the app, the queue and the database; this isolates the database:
for random codes it runs the app's read query under ``EXPLAIN (ANALYZE, BUFFERS)`` and
reports the server's execution time and how many buffers were found in
``shared_buffers`` (hit) or had to be read from the OS (read).
"""

from __future__ import annotations

import json
import random
import statistics

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg

from magicshelf.books.service import READ_BOOK

SAMPLES = 1_000
WARM_UP = 2_000  # reads first, as the load runs do before they measure


async def read_cost(url: str, codes: list[str]) -> dict[str, float]:
    """Execution time p50/p99 (µs) and buffers hit/read per read, over random codes."""
    dialect = PGDialect_asyncpg()  # type: ignore[no-untyped-call]  # SQLAlchemy leaves it unannotated
    sql = str(READ_BOOK.compile(dialect=dialect))
    rng = random.Random(5)
    connection = await asyncpg.connect(url)
    try:
        for code in rng.choices(codes, k=WARM_UP):
            await connection.fetch(sql, code)
        plans = [
            json.loads(
                await connection.fetchval(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", code)
            )[0]
            for code in rng.choices(codes, k=SAMPLES)
        ]
    finally:
        await connection.close()
    times = statistics.quantiles([plan["Execution Time"] * 1000 for plan in plans], n=100)
    return {
        "p50_us": times[49],
        "p99_us": times[98],
        "hit": statistics.mean(plan["Plan"]["Shared Hit Blocks"] for plan in plans),
        "read": statistics.mean(plan["Plan"]["Shared Read Blocks"] for plan in plans),
    }
