"""What the numbers were measured on: the machine, and the version of everything in the path."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from bench import pg, servers, wrk

PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "sqlalchemy",
    "asyncpg",
    "orjson",
    "pydantic",
    "pillow",
    "reportlab",
    "py-spy",
)


def _first(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    except OSError:
        pass
    return "unknown"


def describe() -> dict[str, str]:
    mem_kib = int(_first("/proc/meminfo", "MemTotal").split()[0])
    return {
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "ram": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "os": _first("/etc/os-release", "PRETTY_NAME=").strip('"'),
    }


def _tool_version(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    text = (done.stdout + done.stderr).strip().splitlines()
    return text[0] if text else "unknown"


def versions() -> dict[str, str]:
    found = {
        "python": platform.python_version(),
        "postgresql": pg.server_version(),
        "wrk": _tool_version([wrk.wrk_binary(), "--version"]).split(" Copyright")[0],
        "nginx": _tool_version([servers.nginx_binary(), "-v"]),
    }
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found
