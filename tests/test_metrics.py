"""What /metrics tells an operator beyond requests: storage, pools, render queue, books.

Read back through the Prometheus text parser, as Prometheus would read it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from magicshelf.app import create_app
from magicshelf.db import Database
from magicshelf.gauges import count_stored
from magicshelf.illustrations.measured import OPERATIONS
from magicshelf.settings import Settings
from tests.books.test_api import create
from tests.conftest import Client, make_settings
from tests.contract.wire import Contract
from tests.illustrations.test_api import put_drawing
from tests.images import drawing, encode
from tests.served import free_port


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of /metrics, by name and labels."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


@asynccontextmanager
async def client_for(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app with these settings (any database URL); answers are checked
    against the contract, as the fixtures' are."""
    app = create_app(settings)
    contract = Contract(app.openapi())

    async def check(response: httpx.Response) -> None:
        await response.aread()
        contract.check(response)

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://test",
            event_hooks={"response": [check]},
        ) as client,
    ):
        yield client


def value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples[(name, frozenset(labels.items()))]


@pytest.mark.parametrize("storage_url", ["file", "s3"], indirect=True)
async def test_uploads_and_reads_are_timed_per_storage_operation(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    for operation in OPERATIONS:  # there from the start, so a rate has a zero to start from
        assert value(before, "magicshelf_storage_errors_total", operation=operation) == 0
    created = await create(client)
    response = await put_drawing(client, created, 2, encode(drawing(), "PNG"))
    assert response.status_code == 200, response.text
    media = response.json()["thumbnail_url"]
    assert (await client.get(media)).status_code == 200

    after = await scrape(client)
    name = "magicshelf_storage_operation_duration_seconds_count"
    assert value(after, name, operation="put") == 3  # master, web and thumbnail
    assert value(after, name, operation="read_small") == 1
    assert value(after, "magicshelf_storage_operation_duration_seconds_sum", operation="put") > 0
    assert value(after, "magicshelf_storage_errors_total", operation="put") == 0


async def test_a_storage_that_cannot_store_counts_errors(tmp_path: Path, database_url: str) -> None:
    (tmp_path / "not-a-folder").write_bytes(b"")
    media = (tmp_path / "not-a-folder" / "media").as_uri()
    async with client_for(make_settings(tmp_path, database_url, storage_url=media)) as client:
        assert (await client.get("/readyz")).status_code == 503
        samples = await scrape(client)
    assert value(samples, "magicshelf_storage_errors_total", operation="check") == 1
    assert value(samples, "magicshelf_storage_errors_total", operation="put") == 0


async def test_books_and_illustrations_stored_are_counted(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    books = [await create(client, title=f"Livro {number}") for number in range(3)]
    for number in (1, 4):
        response = await put_drawing(client, books[0], number, encode(drawing(), "PNG"))
        assert response.status_code == 200, response.text
    samples = await scrape(client)
    assert value(samples, "magicshelf_books_stored") == 3
    assert value(samples, "magicshelf_illustrations_stored") == 2


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_large_tables_are_counted_from_postgresql_statistics(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    books = [await create(client, title=f"Livro {number}") for number in range(4)]
    response = await put_drawing(client, books[1], 6, encode(drawing(), "PNG"))
    assert response.status_code == 200, response.text
    database: Database = app.resources.database
    async with database.engine.connect() as connection:
        # What autovacuum does on its own once enough rows have changed.
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("ANALYZE books, pages"))
        # Statistics that say ten times more books than there are: used once books are many.
        await connection.execute(text("UPDATE pg_class SET reltuples = 40 WHERE relname = 'books'"))
    assert await count_stored(database, exact_below_books=1000) == (4, 1)  # small: exact
    assert await count_stored(database, exact_below_books=10) == (40, 1)


async def test_pool_gauges_show_requests_waiting_for_a_connection(teachers_client: Client) -> None:
    # One connection (SQLite always has one), waited for long enough to be seen waiting.
    async with teachers_client(db_pool_size=1, database_timeout_seconds=10) as client:
        app = client.app  # type: ignore[attr-defined]
        idle = await scrape(
            client
        )  # also counts the books now, so later scrapes need no connection
        assert value(idle, "magicshelf_db_pool_size", pool="orm") == 1
        assert value(idle, "magicshelf_db_pool_waiting", pool="orm") == 0

        async with app.resources.database.engine.connect() as held:
            await held.execute(text("SELECT 1"))
            creating = asyncio.create_task(create(client))
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                busy = await scrape(client)
                if value(busy, "magicshelf_db_pool_waiting", pool="orm") == 1:
                    break
                await asyncio.sleep(0.02)
            assert value(busy, "magicshelf_db_pool_waiting", pool="orm") == 1
            assert value(busy, "magicshelf_db_pool_in_use", pool="orm") == 1
            assert not creating.done()
        assert (await creating)["magic_code"]
        done = await scrape(client)
    assert value(done, "magicshelf_db_pool_waiting", pool="orm") == 0
    assert value(done, "magicshelf_db_pool_in_use", pool="orm") == 0
    assert value(done, "magicshelf_db_pool_idle", pool="orm") == 1


async def test_render_queue_gauges_are_exported(teachers_client: Client) -> None:
    async with teachers_client(render_slots=2) as client:
        samples = await scrape(client)
    assert value(samples, "magicshelf_render_slots") == 2
    assert value(samples, "magicshelf_render_busy") == 0
    assert value(samples, "magicshelf_render_queued") == 0


async def test_metrics_answer_promptly_while_the_database_is_unreachable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    nowhere = f"postgresql://magicshelf@127.0.0.1:{free_port()}/magicshelf"
    async with client_for(make_settings(tmp_path, nowhere, database_timeout_seconds=1)) as client:
        assert (await client.get("/readyz")).status_code == 503
        started = time.monotonic()
        samples = await scrape(client)
        first = time.monotonic() - started
        started = time.monotonic()
        await scrape(client)  # a failed count is not tried again at once
        second = time.monotonic() - started
    assert first < 1.9
    assert second < 0.5
    assert ("magicshelf_books_stored", frozenset()) not in samples
    assert value(samples, "magicshelf_db_pool_size", pool="reads") == 5  # a quarter of 20
    assert "could not count the books stored" in caplog.text
