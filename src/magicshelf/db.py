"""Database engine and sessions for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from sqlalchemy import MetaData, Select, event, exc, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

from magicshelf.countingpool import CountingQueuePool
from magicshelf.readpool import ReadPool
from magicshelf.settings import Settings

# Stable constraint names, so Alembic migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


AnySelect = Select[*tuple[Any, ...]]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _make_sqlite_safe(engine: AsyncEngine) -> None:
    """Foreign keys on, WAL, and write transactions that never deadlock on lock upgrade.

    Python's sqlite3 opens transactions lazily and in DEFERRED mode; two requests that both
    read and then write would deadlock (SQLITE_BUSY without waiting). Starting every
    transaction with BEGIN IMMEDIATE makes them queue on the busy timeout instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _causes(error: BaseException) -> list[BaseException]:
    """The error and what it wraps: SQLAlchemy's ``orig``, the driver's ``__cause__``."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending and len(found) < 8:
        current = pending.pop()
        if current is None or current in found:
            continue
        found.append(current)
        pending += [current.__cause__, getattr(current, "orig", None)]
    return found


# What PostgreSQL going away looks like to a connection in use: cut (08xxx), shut down or
# not accepting connections yet (57P0x), or closed under us.
_GONE = (asyncpg.PostgresConnectionError, asyncpg.exceptions.OperatorInterventionError)


def connection_failure(error: BaseException) -> str | None:
    """One line on why the database could not be reached, if that is what went wrong.

    Also what a request meets when PostgreSQL stops or hangs while serving: the pool's
    wait, the connect and the command timeouts (``create_engine``) all end as one of these.
    """
    for cause in _causes(error):
        if isinstance(cause, ConnectionError | socket.gaierror | TimeoutError):
            return f"cannot reach the database: {cause}"
        if isinstance(cause, exc.TimeoutError):
            return "no database connection was free in time"
        if isinstance(cause, _GONE) or (
            isinstance(cause, exc.DBAPIError) and cause.connection_invalidated
        ):
            return f"the database connection was lost: {type(cause).__name__}"
        if isinstance(
            cause,
            asyncpg.InvalidCatalogNameError | asyncpg.InvalidAuthorizationSpecificationError,
        ):
            return f"the database refused the connection: {cause}"
        if isinstance(cause, sqlite3.OperationalError) and "unable to open" in str(cause):
            return f"cannot open the SQLite database: {cause}"
    return None


def read_pool_size(settings: Settings) -> int:
    """Book reads add a quarter of db_pool_size: each holds its connection for one round
    trip, while a write holds one for a whole transaction (and creates queued for it when
    reads took a share: (d)'s p99 went from ~100 to over 400 ms)."""
    return max(1, settings.db_pool_size // 4)


def create_engine(settings: Settings) -> AsyncEngine:
    if settings.is_sqlite:
        path = settings.database_url.split(":///", 1)[1]
        if path and path != ":memory:":
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        # One connection: SQLite has one writer anyway, and queueing in the pool is
        # cheaper than sleeping in SQLite's busy handler.
        engine = create_async_engine(
            settings.database_url, pool_size=1, max_overflow=0, poolclass=CountingQueuePool
        )
        _make_sqlite_safe(engine)
        return engine
    # Up to db_pool_size connections, none of them "overflow": SQLAlchemy closes an
    # overflow connection as soon as it is returned while the pool is full, so under steady
    # load a worker kept opening and closing connections (a backend start and re-prepared
    # statements each). Connections are still opened only when needed.
    # No pool_pre_ping (a round trip per checkout): a connection that fails as cut
    # invalidates the whole pool (SQLAlchemy's disconnect handling), so after PostgreSQL
    # comes back one failed request at most meets a stale connection, with no restart.
    return create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=0,
        poolclass=CountingQueuePool,  # /metrics shows checkouts waiting
        pool_pre_ping=False,
        pool_recycle=1800,
        pool_timeout=settings.database_timeout_seconds,
        connect_args=postgres_timeouts(settings),
    )


def postgres_timeouts(settings: Settings) -> dict[str, float]:
    """asyncpg's connect and per-statement timeouts: a stopped or hung PostgreSQL turns
    into a 503 within ``database_timeout_seconds`` instead of a request that hangs.

    Not for SQLite: its one connection is a queue, and a write waits its turn there.
    """
    timeout = settings.database_timeout_seconds
    return {"timeout": timeout, "command_timeout": timeout}


class Database:
    """The engine plus a session factory; one per process."""

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._compiled: dict[AnySelect, tuple[str, tuple[str, ...]]] = {}
        self._reads: ReadPool | None = None
        if not settings.is_sqlite:
            _, connect_args = self.engine.dialect.create_connect_args(self.engine.url)
            connect_args.update(postgres_timeouts(settings))
            self._reads = ReadPool(connect_args, read_pool_size(settings))

    @property
    def read_pool(self) -> ReadPool | None:
        """The hot reads' own connections (PostgreSQL only), for /metrics."""
        return self._reads

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def read_rows(self, query: AnySelect, params: Mapping[str, Any]) -> Sequence[Any]:
        """The rows of one read-only SELECT, indexable by column position.

        The hot read path. On PostgreSQL the SQL, compiled once, goes straight to asyncpg
        on a connection of the read pool (``readpool.py``): one round trip, no transaction
        around it (a lone SELECT needs none), and none of the per-statement work of
        SQLAlchemy's execution layer, which costs several times the query here. Values are
        asyncpg's: timestamptz arrives aware in UTC, as UTCDateTime guarantees elsewhere.
        SQLite takes the ordinary path, with its BEGIN IMMEDIATE discipline.
        """
        if self._reads is None:
            async with self.engine.connect() as connection:
                return list((await connection.execute(query, params)).all())
        sql, names = self._compile(query)
        return await self._reads.fetch(sql, *(params[name] for name in names))

    def _compile(self, query: AnySelect) -> tuple[str, tuple[str, ...]]:
        found = self._compiled.get(query)
        if found is None:
            compiled = query.compile(dialect=self.engine.dialect)
            found = (str(compiled), tuple(compiled.positiontup or ()))
            self._compiled[query] = found
        return found

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def close(self) -> None:
        if self._reads is not None:
            await self._reads.close()
        await self.engine.dispose()


def safe_url(url: str) -> str:
    """The database URL to show people: its password hidden."""
    return make_url(url).render_as_string(hide_password=True)
