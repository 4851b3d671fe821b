"""``magicshelf serve`` as a real process on a free port, and the other commands run once."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


def command(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``magicshelf ARGS`` run to its end with these environment variables, output kept."""
    return subprocess.run(
        [sys.executable, "-m", "magicshelf.cli", *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    url: str
    output: str = ""  # everything the server printed, once it has stopped
    returncode: int | None = None
    process: subprocess.Popen[bytes] | None = None  # for tests that signal it themselves


@contextmanager
def served(
    env: Mapping[str, str],
    *,
    ready_within: float = 60,
    program: Sequence[str] = (sys.executable, "-m", "magicshelf.cli"),
) -> Iterator[Served]:
    """Run the server until the block ends (SIGINT, as Ctrl-C would); fail if never ready.

    ``program`` is the ``magicshelf`` command: this checkout's by default, or another install.
    """
    port = free_port()
    command = [*program, "serve", "--port", str(port)]
    environment = {"PATH": "/usr/bin:/bin", **env}
    # A file, not a pipe: nobody reads a pipe while the test runs, and a server that logs
    # a line per request (or per 503 in a fault test) would block once 64 KB are unread.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed below, after the server
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    result = Served(f"http://127.0.0.1:{port}", process=server)
    try:
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline and server.poll() is None:
            try:
                if httpx.get(f"{result.url}/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError(f"magicshelf serve was not ready within {ready_within} s")
        yield result
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGINT)
        result.returncode = server.wait(timeout=30)
        with log:
            log.seek(0)
            result.output = log.read().decode()
