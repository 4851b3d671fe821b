"""Run wrk once (bounded by its duration and a hard timeout) and read its JSON summary."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"


@dataclass(frozen=True)
class Load:
    """How hard and how long to push: wrk's -t, -c and -d."""

    connections: int
    seconds: float
    threads: int = 2


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    errors: int
    command: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class WrkFailed(RuntimeError):
    pass


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise WrkFailed("wrk is not installed: run scripts/bench-deps")
    return found


def run(url: str, script: str, args: list[str], load: Load, *, log: Path) -> WrkResult:
    argv = [
        wrk_binary(),
        f"-t{min(load.threads, load.connections)}",
        f"-c{load.connections}",
        f"-d{max(1, round(load.seconds))}s",  # wrk takes whole seconds
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA_DIR / script),
        url,
        "--",
        *args,
    ]
    completed = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=load.seconds + 60,
        env={**os.environ, "BENCH_LUA_DIR": str(LUA_DIR)},
        check=False,
    )
    with log.open("a") as out:
        out.write(f"$ {' '.join(argv)}\n{completed.stdout}{completed.stderr}\n")
    if completed.returncode != 0:
        raise WrkFailed(f"wrk exited {completed.returncode}: {completed.stderr.strip()}")
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise WrkFailed(f"no summary from wrk: {completed.stdout[-500:]}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    errors = sum(
        raw[k]
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return WrkResult(
        requests=raw["requests"],
        seconds=round(seconds, 3),
        rps=round(raw["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        mean_ms=round(raw["mean_us"] / 1000, 3),
        errors=errors,
        # As typed from the repository root; the scripts find each other via BENCH_LUA_DIR.
        command="BENCH_LUA_DIR=bench/lua "
        + " ".join(argv).replace(str(LUA_DIR.parent.parent) + "/", ""),
    )
