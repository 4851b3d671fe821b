"""Loopback helpers: free ports and waiting for a server to answer. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> Answer:
    """One HTTP request to a loopback URL; 4xx/5xx are answers too, not exceptions."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"bench only talks to {HOST}: {url}")
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, _lower(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, _lower(error.headers.items()), error.read())


def _lower(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in items}


def wait_until_up(url: str, *, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fetch(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout:g} s") from None
            time.sleep(0.1)
