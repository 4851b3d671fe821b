"""Fixtures: every HTTP test runs against SQLite and against a real PostgreSQL 15.

The schema is migrated once per session per backend; each test then gets a clean copy
(SQLite: a copy of the migrated file; PostgreSQL: tables truncated after the test).
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
import redis
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from magicshelf import migrations
from magicshelf.app import create_app
from magicshelf.settings import Settings
from tests.contract.wire import Contract
from tests.postgres import postgres_cluster
from tests.redisserver import RedisServer, redis_server
from tests.s3server import S3Server, moto_s3

BACKENDS = ["sqlite", "postgresql"]
Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def make_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    with postgres_cluster() as url:
        yield url


async def _execute_autocommit(url: str, statement: str) -> None:
    engine = create_async_engine(
        Settings(database_url=url).database_url, isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def migrated_postgres(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    migrations.upgrade(make_settings(tmp_path_factory.mktemp("pg"), postgres_server))
    return postgres_server


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.sqlite3"
    migrations.upgrade(make_settings(path.parent, f"sqlite:///{path}"))
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("migrated_sqlite_template")
        path = tmp_path / "magicshelf.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("migrated_postgres")
    yield url
    asyncio.run(
        _execute_autocommit(
            url, "TRUNCATE books, teachers, links, idempotent_requests RESTART IDENTITY CASCADE"
        )
    )


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A brand-new database with no tables at all, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server: str = request.getfixturevalue("postgres_server")
    name = f"empty_{uuid.uuid4().hex[:12]}"
    asyncio.run(_execute_autocommit(server, f"CREATE DATABASE {name}"))
    yield server.rsplit("/", 1)[0] + f"/{name}"
    asyncio.run(_execute_autocommit(server, f"DROP DATABASE {name} WITH (FORCE)"))


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with moto_s3() as server:
        yield server


@pytest.fixture(scope="session")
def redis_session() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.fixture
def redis_url(redis_session: RedisServer) -> str:
    """The session's real Redis, emptied for each test."""
    with redis.Redis.from_url(redis_session.url) as connection:
        connection.flushdb()
    return redis_session.url


@pytest.fixture
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Local media folder by default; parametrise indirectly with "s3" for the S3 backend."""
    if getattr(request, "param", "file") == "file":
        return (tmp_path / "media").as_uri()
    server: S3Server = request.getfixturevalue("s3_server")
    prefix = uuid.uuid4().hex  # every test sees an empty bucket of its own
    return f"s3://{server.bucket}/{prefix}?endpoint={server.endpoint}&region=us-east-1"


@pytest.fixture
def settings(tmp_path: Path, database_url: str, storage_url: str) -> Settings:
    return make_settings(tmp_path, database_url, storage_url=storage_url)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def teachers_client(tmp_path: Path, database_url: str) -> Client:
    """A client on an app with these settings; answers are checked against the contract."""

    @asynccontextmanager
    async def client(**overrides: object) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(make_settings(tmp_path, database_url, **overrides))
        contract = Contract(app.openapi())

        async def check(response: httpx.Response) -> None:
            await response.aread()
            contract.check(response)

        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://test", event_hooks={"response": [check]}
            ) as http:
                http.app = app  # type: ignore[attr-defined]
                yield http

    return client


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app; every answer it gets is checked against /openapi.json."""
    contract = Contract(app.openapi())

    async def check(response: httpx.Response) -> None:
        await response.aread()
        contract.check(response)

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", event_hooks={"response": [check]}
    ) as http:
        yield http
