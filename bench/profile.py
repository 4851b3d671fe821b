"""Sample the app worker with py-spy while wrk reads books, and summarise where time goes.

py-spy (bench/requirements.txt) attaches from outside. It pauses the worker for each
sample (--nonblocking gave torn, misattributed stacks), which is why profiling is a run of
its own after the measured ones. It needs ptrace rights (root or CAP_SYS_PTRACE); without
them the run goes on and the report says so. uvloop's C code (the event loop, socket
syscalls) shows up as time in ``Runner.run`` itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

_LOOP = "Runner.run (asyncio/runners.py"


@dataclass(frozen=True)
class Hotspot:
    frame: str
    self_share: float  # of all samples, where this frame was on top
    total_share: float  # of all samples, where this frame was anywhere on the stack


def py_spy() -> str | None:
    beside_python = Path(sys.executable).parent / "py-spy"
    return str(beside_python) if beside_python.exists() else shutil.which("py-spy")


def record(pid: int, seconds: float, out: Path, load: Callable[[], object]) -> str | None:
    """Profile ``pid`` while ``load()`` runs; collapsed stacks go to ``out``. Error or None."""
    binary = py_spy()
    if binary is None:
        return "py-spy is not installed (make bench installs bench/requirements.txt)"
    argv = [
        binary,
        "record",
        "--pid",
        str(pid),
        "--duration",
        f"{max(1, round(seconds))}",
        "--rate",
        "200",
        "--format",
        "raw",
        "--output",
        str(out),
    ]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as spy:
        load()
        try:
            output, _ = spy.communicate(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            spy.kill()
            return "py-spy did not finish in time"
    if spy.returncode != 0 or not out.exists():
        return f"py-spy failed: {output.decode(errors='replace').strip()[-300:]}"
    return None


def _short(frame: str) -> str:
    # "function (path/to/module.py:123)" → "function (module.py)"; lines vary between versions.
    name, _, where = frame.partition(" (")
    module = where.rstrip(")").rsplit("/", 1)[-1].split(":", 1)[0]
    return f"{name} ({module})" if module else name


def _loop_samples(collapsed: Path) -> Iterator[tuple[str, int]]:
    """(stack, count) of the event-loop thread only: the one that serves requests.

    Worker threads waiting for work (Condition.wait) would otherwise look like hot spots.
    """
    for line in collapsed.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if stack and count_text.isdigit() and _LOOP in stack:
            yield stack, int(count_text)


def hotspots(collapsed: Path, top: int = 15) -> list[Hotspot]:
    own: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    total = 0
    for stack, count in _loop_samples(collapsed):
        frames = [_short(frame) for frame in stack.split(";")]
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            anywhere[frame] += count
    if not total:
        return []
    return [
        Hotspot(frame, count / total, anywhere[frame] / total)
        for frame, count in own.most_common(top)
    ]


def top_inclusive(collapsed: Path, names: list[str]) -> dict[str, float]:
    """Share of loop samples with any frame whose text contains each of ``names``."""
    hits: Counter[str] = Counter()
    total = 0
    for stack, count in _loop_samples(collapsed):
        total += count
        for name in names:
            if name in stack:
                hits[name] += count
    return {name: hits[name] / total if total else 0.0 for name in names}
