"""A throwaway PostgreSQL cluster for the test session: initdb + pg_ctl in a temp dir.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
``postgres`` OS user. Binaries come from MAGICSHELF_PG_BIN, PATH, or Debian's usual place.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.served import free_port


def bin_dir() -> Path:
    configured = os.environ.get("MAGICSHELF_PG_BIN")
    if configured:
        return Path(configured)
    # Debian keeps the real binaries here; what is on PATH may be a version-picking wrapper.
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    found = candidates[0] if candidates else shutil.which("pg_ctl")
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found: run scripts/test-deps (or set MAGICSHELF_PG_BIN)"
        )
    return Path(found).parent


@dataclass(frozen=True)
class Cluster:
    """A running cluster that a fault test may stop, start, freeze and thaw."""

    url: str
    data: Path
    _start: Callable[[], None]
    _pg_ctl: Callable[..., None]

    def stop(self) -> None:
        """As an operator's restart would: sessions are cut, connections then refused."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        self._start()

    def _processes(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """A hung server: connections are accepted by the kernel, and nothing answers."""
        for pid in self._processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._processes():
            os.kill(pid, signal.SIGCONT)


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Start a cluster, yield a ``postgresql://`` URL to an empty database, stop it after."""
    with postgres_cluster_handle() as cluster:
        yield cluster.url


@contextmanager
def postgres_cluster_handle() -> Iterator[Cluster]:
    """Like ``postgres_cluster``, yielding the handle that fault tests stop and start."""
    binaries = bin_dir()
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    workdir = Path(tempfile.mkdtemp(prefix="magicshelf-pg-"))
    data, run = workdir / "data", workdir / "run"
    run.mkdir()
    if as_root:
        shutil.chown(workdir, "postgres")
        shutil.chown(run, "postgres")
    port = free_port()

    def pg(*args: str) -> None:
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    pg(
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-U",
        "postgres",
        "-A",
        "trust",
        "-E",
        "UTF8",
        "--no-sync",
    )
    options = (
        f"-p {port} -k {run} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )

    def pg_ctl(*args: str) -> None:
        pg(str(binaries / "pg_ctl"), "-D", str(data), *args)

    def start() -> None:
        pg_ctl("-o", options, "-l", str(workdir / "log"), "-w", "start")

    start()
    try:
        pg(
            str(binaries / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "magicshelf",
        )
        yield Cluster(f"postgresql://postgres@127.0.0.1:{port}/magicshelf", data, start, pg_ctl)
    finally:
        if (data / "postmaster.pid").exists():
            pg_ctl("-m", "immediate", "-w", "stop")
        shutil.rmtree(workdir, ignore_errors=True)
