"""A PostgreSQL cluster for one benchmark run: initdb + pg_ctl in the run's folder.

Unlike the tests' cluster (tests/postgres.py) this one keeps PostgreSQL's durability
defaults (fsync and synchronous commit on), so writes cost what they cost in production.
``wal_level=minimal`` only lets the bulk seed skip WAL for tables it truncates first.
PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` OS user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from tests.postgres import bin_dir

from bench.net import free_port

SERVER_OPTIONS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "200",
    "shared_buffers": "256MB",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "4GB",
    # Statement capture (log_statement=all) is switched on only around one request.
    "log_line_prefix": "%m [%p] app=%a ",
}


@dataclass(frozen=True)
class Cluster:
    port: int
    log: Path

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    async def connect(self, database: str = "postgres") -> asyncpg.Connection:
        return await asyncpg.connect(
            self.url(database), server_settings={"application_name": "bench"}
        )

    async def create_database(self, name: str) -> None:
        connection = await self.connect()
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()

    async def sessions_opened(self, database: str) -> int:
        """Connections ever made to ``database`` (pg_stat_database.sessions)."""
        connection = await self.connect()
        try:
            count = await connection.fetchval(
                "SELECT sessions FROM pg_stat_database WHERE datname = $1", database
            )
        finally:
            await connection.close()
        return int(count or 0)

    async def set_log_statement(self, value: str) -> None:
        connection = await self.connect()
        try:
            await connection.execute(f"ALTER SYSTEM SET log_statement = '{value}'")
            await connection.execute("SELECT pg_reload_conf()")
        finally:
            await connection.close()


@contextmanager
def cluster(workdir: Path) -> Iterator[Cluster]:
    """Start a cluster in ``workdir/pg``; stop it and delete its files afterwards."""
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    home = workdir / "pg"
    data, run = home / "data", home / "run"
    run.mkdir(parents=True)
    if as_root:
        for path in (home, run):
            shutil.chown(path, "postgres")
    tools = bin_dir()
    port = free_port()
    log = home / "server.log"

    def pg(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=300)

    pg(str(tools / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8")
    options = f"-p {port} -k {run} " + " ".join(
        f"-c {name}='{value}'" for name, value in SERVER_OPTIONS.items()
    )
    pg(str(tools / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
    try:
        yield Cluster(port=port, log=log)
    finally:
        pg(str(tools / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(home, ignore_errors=True)


def server_version() -> str:
    result = subprocess.run(
        [str(bin_dir() / "postgres"), "--version"], capture_output=True, text=True, check=True
    )
    return result.stdout.strip()
